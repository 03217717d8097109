/**
 * The cluster facts a fold needs (read by the caller at the start of the window), and what the fold
 * derives from them once: which address is whose, and which discover identity each pod belongs to.
 */
import { identityKey } from '../discover/find-workloads.js';
import type { Identity } from '../discover/types.js';
import type { Labels } from '../policy/types.js';
import { cidrContains, isLocalOnly, parseAddress, parseCidr, type Address, type Cidr } from './address.js';
import type { FlowParty, FlowProtocol } from './types.js';

export interface PodPortFact {
  readonly port: number;
  readonly protocol: string;
  readonly name?: string;
}

export interface PodFact {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  /** `spec.nodeName`; a pod not yet scheduled has none and is never counted. */
  readonly node: string | undefined;
  readonly labels: Labels;
  /** `status.podIPs`, both families. */
  readonly podIPs: readonly string[];
  readonly hostNetwork: boolean;
  /** Container ports of all containers. */
  readonly ports: readonly PodPortFact[];
}

export interface ServicePortFact {
  readonly port: number;
  readonly protocol: string;
  readonly targetPort: number | string;
}

export interface ServiceFact {
  readonly namespace: string;
  readonly name: string;
  /** `spec.clusterIPs` (empty or `None` for a headless Service). */
  readonly clusterIPs: readonly string[];
  readonly ports: readonly ServicePortFact[];
}

export interface NodeFact {
  readonly name: string;
  /** `status.addresses` of type InternalIP / ExternalIP. */
  readonly addresses: readonly string[];
  /**
   * `spec.podCIDRs`. An address in a node's pod range that is no pod's is the node itself on the pod
   * network (the bridge CNI's gateway, from which the kubelet's probes arrive: 10.244.1.1 on the test
   * cluster), so it is the node, not "external".
   */
  readonly podCIDRs?: readonly string[];
}

export interface FoldFacts {
  readonly pods: readonly PodFact[];
  readonly services: readonly ServiceFact[];
  readonly nodes: readonly NodeFact[];
  /** discover's identities (findWorkloads(...).identities). */
  readonly identities: readonly Identity[];
  /** Keep only flows with a workload of these namespaces on one end; every flow when absent. */
  readonly namespaces?: readonly string[];
}

/** What an address is. */
export type AddressOwner =
  | { readonly kind: 'pod'; readonly pod: PodFact }
  | { readonly kind: 'service'; readonly service: ServiceFact }
  | { readonly kind: 'node'; readonly name: string }
  | { readonly kind: 'local' }
  | { readonly kind: 'external' };

/**
 * Labels that differ between pods of one workload (or between rollouts): never part of an identity.
 * Used only for a pod that no discover identity covers.
 */
const VOLATILE_LABELS = new Set(['pod-template-hash', 'controller-revision-hash', 'pod-template-generation', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index', 'batch.kubernetes.io/controller-uid', 'controller-uid']);

export class ClusterFacts {
  readonly podsByUid = new Map<string, PodFact>();
  private readonly owners = new Map<string, AddressOwner>();
  private readonly podRanges: Array<{ readonly cidr: Cidr; readonly node: string }> = [];
  private readonly parties = new Map<string, FlowParty & { kind: 'workload' }>();
  /** One party object per identity, whichever pod stands for it. */
  private readonly identityParties = new Map<string, FlowParty & { kind: 'workload' }>();
  /** Each pod's named ports by protocol and port, made when first asked (a name is looked up per observation). */
  private readonly portNames = new WeakMap<PodFact, Map<number, string>>();

  constructor(readonly facts: FoldFacts) {
    for (const node of facts.nodes) {
      for (const text of node.addresses) this.own(text, { kind: 'node', name: node.name });
      for (const text of node.podCIDRs ?? []) {
        const cidr = parseCidr(text);
        if (cidr !== undefined) this.podRanges.push({ cidr, node: node.name });
      }
    }
    for (const service of facts.services) for (const text of service.clusterIPs) this.own(text, { kind: 'service', service });
    for (const pod of facts.pods) {
      this.podsByUid.set(pod.uid, pod);
      // A hostNetwork pod's IPs are its node's: they stay the node's.
      if (!pod.hostNetwork) for (const text of pod.podIPs) this.own(text, { kind: 'pod', pod });
    }
  }

  private own(text: string, owner: AddressOwner): void {
    const address = parseAddress(text);
    if (address !== undefined) this.owners.set(address.text, owner);
  }

  ownerOf(address: Address): AddressOwner {
    const known = this.owners.get(address.text);
    if (known !== undefined) return known;
    if (isLocalOnly(address)) return { kind: 'local' };
    // Not remembered here: the fold's address book (fold-places.ts) asks once per address, and bounds what it keeps.
    const range = this.podRanges.find((candidate) => cidrContains(candidate.cidr, address));
    return range === undefined ? { kind: 'external' } : { kind: 'node', name: range.node };
  }

  /**
   * A pod's party: the discover identity of its namespace whose labels are a subset of the pod's, the
   * largest such (ties: the smaller key). A pod no identity covers (a namespace discover was not asked
   * about, a bare pod) gets an identity of its own labels without the volatile ones, and no workloads.
   */
  partyOf(pod: PodFact): FlowParty & { kind: 'workload' } {
    const cached = this.parties.get(pod.uid);
    if (cached !== undefined) return cached;
    let best: Identity | undefined;
    for (const identity of this.facts.identities) {
      if (identity.namespace !== pod.namespace) continue;
      const keys = Object.keys(identity.labels);
      if (!keys.every((key) => pod.labels[key] === identity.labels[key])) continue;
      if (best === undefined || keys.length > Object.keys(best.labels).length || (keys.length === Object.keys(best.labels).length && identity.key < best.key)) best = identity;
    }
    const made: FlowParty & { kind: 'workload' } =
      best === undefined
        ? fallbackParty(pod)
        : { kind: 'workload', identity: best.key, namespace: best.namespace, labels: best.labels, workloads: best.workloads.map((ref) => `${ref.kind} ${ref.namespace}/${ref.name}`).sort() };
    const party = this.identityParties.get(made.identity) ?? made;
    this.identityParties.set(made.identity, party);
    this.parties.set(pod.uid, party);
    return party;
  }

  /** A pod's declared port names by portNameKey (callers keep them at hand and ask portNameIn). */
  portNamesOf(pod: PodFact): ReadonlyMap<number, string> {
    let names = this.portNames.get(pod);
    if (names === undefined) {
      names = new Map();
      // The first declaration of a port with a name wins; ports of other protocols (SCTP) never match.
      for (const candidate of pod.ports) {
        const upper = candidate.protocol.toUpperCase();
        if (upper !== 'TCP' && upper !== 'UDP') continue;
        const key = portNameKey(upper, candidate.port);
        if (candidate.name !== undefined && !names.has(key)) names.set(key, candidate.name);
      }
      this.portNames.set(pod, names);
    }
    return names;
  }
}

/** The server pod's declared name for a port, when it declares one, among its names (ClusterFacts.portNamesOf). */
export function portNameIn(names: ReadonlyMap<number, string>, port: number, protocol: FlowProtocol): string | undefined {
  return names.size === 0 ? undefined : names.get(portNameKey(protocol, port));
}

function portNameKey(protocol: FlowProtocol, port: number): number {
  return protocol === 'UDP' ? 65536 + port : port;
}

function fallbackParty(pod: PodFact): FlowParty & { kind: 'workload' } {
  const labels: Record<string, string> = {};
  for (const key of Object.keys(pod.labels).sort()) if (!VOLATILE_LABELS.has(key)) labels[key] = pod.labels[key] ?? '';
  return { kind: 'workload', identity: identityKey(pod.namespace, labels), namespace: pod.namespace, labels, workloads: [] };
}
