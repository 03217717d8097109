/**
 * What observe knows about the cluster at one moment, from read-only lists: every pod with its UID,
 * node and addresses (to key samples and map socket addresses), the Services' ClusterIPs, the nodes'
 * addresses, and discover's identities (so a flow's parties are the identities a door has).
 */
import { findWorkloads } from '../../discover/index.js';
import { isProbePod } from '../../model/labels.js';
import type { RawObject } from '../../policy/index.js';
import type { FoldFacts, PodFact, ServiceFact } from '../../flows/fold.js';
import { loadInventory } from '../policy-input.js';

export interface ClusterNode {
  readonly name: string;
  /** InternalIP / ExternalIP, both families. */
  readonly addresses: readonly string[];
  /** spec.podCIDRs: the node's own address on the pod network (the bridge gateway) lies in them. */
  readonly podCIDRs: readonly string[];
  readonly ready: boolean;
}

/** A pod as the fold reads it, and whether kubeknock made it (probe pods, collectors: never a party, never sampled). */
type LivePod = PodFact & { readonly kubeknock: boolean };

export interface ObservationFacts {
  /** The namespaces whose pods are sampled (the selection that exists), sorted. */
  readonly selectedNamespaces: readonly string[];
  /** Per node: the UIDs of the selected pods that run there and have their own network namespace. */
  readonly podUidsByNode: ReadonlyMap<string, readonly string[]>;
  /** The same, as the fold reads them. */
  readonly fold: FoldFacts;
}

export interface FactSelection {
  readonly namespaces: readonly string[];
  readonly allNamespaces: boolean;
}

export async function observationFacts(objects: readonly RawObject[], nodes: readonly ClusterNode[], selection: FactSelection): Promise<ObservationFacts> {
  const inventory = await loadInventory({ type: 'cluster', read: async () => objects });
  const identities = findWorkloads(inventory, { namespaces: [], excludeNamespaces: [] }).identities;
  const existing = new Set(inventory.namespaces.map((namespace) => namespace.name));
  const selectedNamespaces = (selection.allNamespaces ? [...existing] : selection.namespaces.filter((namespace) => existing.has(namespace))).sort();
  const selected = new Set(selectedNamespaces);
  const pods = objects.filter((raw) => kindOf(raw) === 'Pod').map((raw) => livePod(raw.value));
  const podUidsByNode = new Map<string, string[]>();
  for (const pod of pods) {
    if (!selected.has(pod.namespace) || pod.hostNetwork || pod.kubeknock || pod.node === undefined) continue;
    const list = podUidsByNode.get(pod.node) ?? [];
    list.push(pod.uid);
    podUidsByNode.set(pod.node, list);
  }
  for (const list of podUidsByNode.values()) list.sort();
  const services = objects.filter((raw) => kindOf(raw) === 'Service').map((raw) => serviceFact(raw.value));
  const fold: FoldFacts = {
    // kubeknock's own pods are never a party: a collector or a probe pod of another run is not a workload.
    pods: pods.filter((pod) => !pod.kubeknock).map(({ kubeknock: _, ...pod }) => pod),
    services,
    nodes: nodes.map((node) => ({ name: node.name, addresses: node.addresses, podCIDRs: node.podCIDRs })),
    identities,
    namespaces: selectedNamespaces,
  };
  return { selectedNamespaces, podUidsByNode, fold };
}

interface ServiceJson {
  metadata?: { namespace?: string; name?: string };
  spec?: { clusterIP?: string; clusterIPs?: string[]; ports?: { port?: number; protocol?: string; targetPort?: number | string }[] };
}

function serviceFact(value: unknown): ServiceFact {
  const service = value as ServiceJson;
  const addresses = [...new Set([...(service.spec?.clusterIPs ?? []), service.spec?.clusterIP ?? ''])].filter((ip) => ip !== '' && ip !== 'None');
  return {
    namespace: service.metadata?.namespace ?? '',
    name: service.metadata?.name ?? '',
    clusterIPs: addresses,
    ports: (service.spec?.ports ?? []).map((port) => ({ port: port.port ?? 0, protocol: port.protocol ?? 'TCP', targetPort: port.targetPort ?? port.port ?? 0 })),
  };
}

function kindOf(raw: RawObject): string | undefined {
  const value = raw.value as { kind?: unknown } | null;
  return typeof value?.kind === 'string' ? value.kind : undefined;
}

interface PodJson {
  metadata?: { uid?: string; namespace?: string; name?: string; labels?: Record<string, string> };
  spec?: { nodeName?: string; hostNetwork?: boolean; containers?: { ports?: { containerPort?: number; protocol?: string; name?: string }[] }[] };
  status?: { podIP?: string; podIPs?: { ip?: string }[] };
}

function livePod(value: unknown): LivePod {
  const pod = value as PodJson;
  const labels = pod.metadata?.labels ?? {};
  const ips = [...new Set([...(pod.status?.podIPs ?? []).map((entry) => entry.ip ?? ''), pod.status?.podIP ?? ''].filter((ip) => ip !== ''))];
  return {
    uid: pod.metadata?.uid ?? '',
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    node: pod.spec?.nodeName,
    labels,
    podIPs: ips,
    hostNetwork: pod.spec?.hostNetwork === true,
    ports: (pod.spec?.containers ?? []).flatMap((container) =>
      (container.ports ?? []).map((port) => ({ port: port.containerPort ?? 0, protocol: port.protocol ?? 'TCP', ...(port.name ? { name: port.name } : {}) })),
    ),
    kubeknock: isProbePod(labels),
  };
}
