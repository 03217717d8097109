/**
 * What the policy engine works on: Kubernetes objects already decoded, checked and defaulted
 * (src/policy/decode/ builds these from YAML or from the live cluster). Plain data, no behaviour.
 */
import type { LabelSelector } from '../model/scenario.js';

export type { LabelSelector };

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export type Labels = Readonly<Record<string, string>>;

/** Where an object came from: a file and line, or the live cluster (line 0). */
export interface ObjectSource {
  readonly file: string;
  readonly line: number;
}

export interface NamespaceSpec {
  readonly name: string;
  /** Includes `kubernetes.io/metadata.name`, which the API server sets on every namespace. */
  readonly labels: Labels;
  /** Being deleted (a live namespace with a deletionTimestamp): no pod can be created in it any more. */
  readonly terminating?: true;
  /** The value of the beta-era `net.beta.kubernetes.io/network-policy` annotation, when set (lint warns: nothing honours it). */
  readonly legacyIsolation?: string;
}

/** Kubernetes ≤ 1.6 isolated a namespace through this annotation; NetworkPolicy v1 (1.7) dropped it. */
export const LEGACY_ISOLATION_ANNOTATION = 'net.beta.kubernetes.io/network-policy';

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface PodSpec {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** The primary address (`status.podIP`). */
  readonly ip?: string;
  /** Every address (`status.podIPs`), the primary first: one per family on a dual-stack cluster. */
  readonly ips?: readonly string[];
  readonly hostNetwork: boolean;
  readonly containerPorts: readonly ContainerPort[];
  /** `Pod`, or the workload kind whose pod template stands for its pods. */
  readonly kind: PodKind;
  /** The controller in `metadata.ownerReferences` (controller: true), when there is one. */
  readonly owner?: { readonly kind: string; readonly name: string };
  readonly source?: ObjectSource;
}

export const POD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const;
export type PodKind = (typeof POD_KINDS)[number];

export interface ServiceSpec {
  readonly namespace: string;
  readonly name: string;
  readonly selector?: Labels;
  readonly ports: readonly { readonly port: number; readonly protocol: Protocol; readonly targetPort: number | string }[];
  readonly source?: ObjectSource;
}

/** One entry of a rule's `ports` list. */
export type PortSpec =
  /** `protocol` only: every port of that protocol. */
  | { readonly type: 'all-ports'; readonly protocol: Protocol }
  /** A number, or the inclusive range port..endPort. */
  | { readonly type: 'number'; readonly protocol: Protocol; readonly port: number; readonly endPort?: number }
  /** A container port name, resolved on the destination pod. */
  | { readonly type: 'named'; readonly protocol: Protocol; readonly name: string };

/** One entry of a rule's `from` / `to` list. */
export type PeerSpec =
  | {
      readonly type: 'pods';
      /** Absent: pods of the policy's own namespace. */
      readonly namespaceSelector?: LabelSelector;
      /** Absent: every pod of the selected namespaces. */
      readonly podSelector?: LabelSelector;
    }
  | { readonly type: 'ipBlock'; readonly cidr: string; readonly except: readonly string[] };

export interface RuleSpec {
  /** Field path of the rule, e.g. `spec.ingress[0]`, for explanations and lint. */
  readonly path: string;
  /** Line of the rule in its file (0 when unknown, e.g. read from the cluster). */
  readonly line: number;
  /** Empty: every peer (the API treats a missing and an empty list alike). */
  readonly peers: readonly PeerSpec[];
  /** Empty: every port and protocol. */
  readonly ports: readonly PortSpec[];
}

export interface DirectionSpec {
  /** Whether `policyTypes` (after defaulting) lists this direction: selected pods become isolated for it. */
  readonly isolates: boolean;
  readonly rules: readonly RuleSpec[];
}

export interface PolicySpec {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  readonly ingress: DirectionSpec;
  readonly egress: DirectionSpec;
  readonly source?: ObjectSource;
}

/** Everything the engine knows about a cluster (from files or live). */
export interface Inventory {
  readonly namespaces: readonly NamespaceSpec[];
  readonly pods: readonly PodSpec[];
  readonly services: readonly ServiceSpec[];
  readonly policies: readonly PolicySpec[];
  /** ClusterNetworkPolicy / AdminNetworkPolicy / BaselineAdminNetworkPolicy objects (absent: none). */
  readonly clusterPolicies?: readonly ClusterPolicySpec[];
}

export interface EngineOptions {
  /**
   * Whether `ipBlock` peers match pod IPs. The API leaves it to the CNI: Calico matches pod IPs,
   * Cilium does not. Default true.
   */
  readonly ipBlockMatchesPods: boolean;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = { ipBlockMatchesPods: true };

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function podKey(pod: { readonly namespace: string; readonly name: string }): string {
  return `${pod.namespace}/${pod.name}`;
}

// Cluster-scoped policy tiers: ClusterNetworkPolicy (policy.networking.k8s.io v1beta1 / v1alpha2) and the
// older AdminNetworkPolicy / BaselineAdminNetworkPolicy (v1alpha1), decoded into one shape.

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
