/** The compiled form of an inventory: matchers built once, selections precomputed per pod and per rule. */
import type { IpVersion, ParsedIp } from './cidr.js';
import type { LabelPredicate } from './label-selector.js';
import type { ClusterPolicySpec, EngineOptions, Inventory, Labels, PeerSpec, PodSpec, PolicySpec, PortSpec, TierPeer, TierRuleSpec, Tier } from './types.js';

export type Direction = 'ingress' | 'egress';

/** A peerPods value: no peer matches for sure, but an ipBlock might match the pod's unknown address. */
export const PEER_IP_UNKNOWN = 2;

export interface CompiledPod {
  readonly index: number;
  readonly key: string;
  readonly spec: PodSpec;
  readonly namespaceLabels: Labels;
  /** The primary address. */
  readonly ip?: ParsedIp;
  /** Every address, the primary first (one per family on a dual-stack cluster). */
  readonly ips: readonly ParsedIp[];
  /** `TCP/http` → 8080: the container ports a named port in a policy resolves to on this pod. */
  readonly namedPorts: ReadonlyMap<string, number>;
}

export interface CompiledPeer {
  readonly index: number;
  readonly spec: PeerSpec;
  /**
   * `family`: of the connection, whose address of the pod an ipBlock sees (a dual-stack pod talks IPv4
   * and IPv6 from two addresses); undefined: its primary address.
   */
  matchesPod(pod: CompiledPod, family?: IpVersion): boolean;
  /**
   * An ipBlock that may match the pod's address, which the input does not give (a manifest without
   * `status.podIP`, a discovered workload): neither a match nor a miss can be claimed.
   */
  ipUnknown(pod: CompiledPod): boolean;
  matchesIp(ip: ParsedIp): boolean;
}

export interface CompiledRule {
  readonly policy: number;
  readonly direction: Direction;
  readonly index: number;
  readonly path: string;
  readonly line: number;
  /** No `from`/`to` entries: every peer, pods and addresses alike. */
  readonly anyPeer: boolean;
  readonly peers: readonly CompiledPeer[];
  /**
   * peerPods[pod.index] === 1 when some peer of the rule matches that pod (by its primary address,
   * for ipBlock peers), PEER_IP_UNKNOWN when none does but an ipBlock might (the pod's IP is not
   * known): computed once, read per pair.
   */
  readonly peerPods: Uint8Array;
  /** The same per address family: only ipBlock peers can tell the families apart. */
  readonly peerPodsByFamily: Readonly<Record<IpVersion, Uint8Array>>;
  readonly ports: readonly PortSpec[];
}

export interface CompiledPolicy {
  readonly index: number;
  /** `namespace/name` */
  readonly key: string;
  readonly spec: PolicySpec;
  readonly selects: LabelPredicate;
  readonly ingress: readonly CompiledRule[];
  readonly egress: readonly CompiledRule[];
}

export interface CompiledInventory {
  readonly inventory: Inventory;
  readonly options: EngineOptions;
  readonly pods: readonly CompiledPod[];
  readonly podsByKey: ReadonlyMap<string, CompiledPod>;
  readonly podsByIp: ReadonlyMap<string, CompiledPod>;
  readonly policies: readonly CompiledPolicy[];
  /** Per pod index: the policies that select the pod and isolate it for that direction. */
  readonly isolatedBy: { readonly [D in Direction]: readonly (readonly number[])[] };
  /** Per pod index: the rules of those policies, flattened (the union the pod's traffic is judged by). */
  readonly rulesFor: { readonly [D in Direction]: readonly (readonly CompiledRule[])[] };
  /** The cluster-scoped policies (Admin and Baseline tiers) judged around the NetworkPolicies. */
  readonly tiers: CompiledTiers;
}

/** How one peer (or rule) relates to the other end: `dns` = only name resolution at run time could tell. */
export type PeerJudgement = 'match' | 'miss' | 'ip-unknown' | 'node-unknown' | 'dns';

export interface CompiledTierPeer {
  readonly spec: TierPeer;
  matchesPod(pod: CompiledPod, family?: IpVersion): PeerJudgement;
  matchesIp(ip: ParsedIp): PeerJudgement;
}

export interface CompiledTierRule {
  /** Index of the policy in CompiledTiers.policies. */
  readonly policy: number;
  readonly direction: Direction;
  readonly spec: TierRuleSpec;
  readonly peers: readonly CompiledTierPeer[];
}

export interface CompiledClusterPolicy {
  readonly index: number;
  readonly spec: ClusterPolicySpec;
  /** selects[pod.index] === 1: the pod is in the policy's subject. */
  readonly selects: Uint8Array;
  readonly ingress: readonly CompiledTierRule[];
  readonly egress: readonly CompiledTierRule[];
}

export interface CompiledTiers {
  readonly policies: readonly CompiledClusterPolicy[];
  /** Per tier: policies grouped by priority, the lowest number (judged first) first. */
  readonly groups: { readonly [T in Tier]: readonly (readonly CompiledClusterPolicy[])[] };
}
