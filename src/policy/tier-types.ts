/**
 * Cluster-scoped policy tiers as the engine uses them: ClusterNetworkPolicy (policy.networking.k8s.io
 * v1beta1 / v1alpha2) and the older AdminNetworkPolicy / BaselineAdminNetworkPolicy (v1alpha1), decoded
 * into one shape (src/policy/decode/ builds these). Plain data, no behaviour.
 */
import type { LabelSelector, ObjectSource, Protocol } from './types.js';

/** Admin is judged before NetworkPolicy, Baseline after it. */
export type Tier = 'Admin' | 'Baseline';

/** v1alpha1's `Allow` is decoded as `Accept`: the two mean the same. */
export type TierAction = 'Accept' | 'Deny' | 'Pass';

export type ClusterPolicyKind = 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';

/** Which pods a policy applies to, or which pods a peer names. */
export type TierPodSelection =
  /** Every pod of the namespaces the selector matches. */
  | { readonly type: 'namespaces'; readonly namespaces: LabelSelector }
  /** Pods matching podSelector in the namespaces namespaceSelector matches (both empty: every pod). */
  | { readonly type: 'pods'; readonly namespaceSelector: LabelSelector; readonly podSelector: LabelSelector };

export type TierPeer =
  | TierPodSelection
  /** CIDRs; they match pod addresses as well as outside ones (the API says so). */
  | { readonly type: 'networks'; readonly cidrs: readonly string[] }
  /** Node addresses, which the inventory does not know (experimental). */
  | { readonly type: 'nodes'; readonly nodes: LabelSelector }
  /** Names resolved through DNS at run time (experimental, egress only): never judged offline. */
  | { readonly type: 'domainNames'; readonly names: readonly string[] };

export type TierPort =
  /** A number, or the inclusive range port..endPort. */
  | { readonly type: 'number'; readonly protocol: Protocol; readonly port: number; readonly endPort?: number }
  /** A container port name on the destination pod; `protocol` absent (ClusterNetworkPolicy): any protocol of that name. */
  | { readonly type: 'named'; readonly name: string; readonly protocol?: Protocol };

export interface TierRuleSpec {
  /** e.g. `spec.egress[2]` */
  readonly path: string;
  readonly line: number;
  /** The rule's optional `name`. */
  readonly name?: string;
  readonly action: TierAction;
  /** Never empty: the API requires at least one peer. */
  readonly peers: readonly TierPeer[];
  /** Empty: every port and protocol. */
  readonly ports: readonly TierPort[];
}

export interface ClusterPolicySpec {
  readonly kind: ClusterPolicyKind;
  readonly name: string;
  readonly tier: Tier;
  /** 0–1000, lower first. A BaselineAdminNetworkPolicy (a singleton) has none: 0. */
  readonly priority: number;
  readonly subject: TierPodSelection;
  readonly ingress: readonly TierRuleSpec[];
  readonly egress: readonly TierRuleSpec[];
  readonly source?: ObjectSource;
}
