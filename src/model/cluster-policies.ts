/**
 * Cluster-scoped network policy APIs of sigs.k8s.io/network-policy-api. Their objects sit above (Admin
 * tier) and below (Baseline tier) every NetworkPolicy, so a cluster that has any makes a verdict
 * derived from NetworkPolicies alone wrong. kubeknock's engine does not model these tiers yet: it
 * must notice them and say so instead of guessing.
 */

export const CLUSTER_POLICY_GROUP = 'policy.networking.k8s.io';

export interface ClusterPolicyResource {
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
}

/** AdminNetworkPolicy and BaselineAdminNetworkPolicy (v0.1.x), ClusterNetworkPolicy (v0.2.0 on). */
export const CLUSTER_POLICY_RESOURCES: readonly ClusterPolicyResource[] = [
  { version: 'v1alpha1', plural: 'adminnetworkpolicies', kind: 'AdminNetworkPolicy' },
  { version: 'v1alpha1', plural: 'baselineadminnetworkpolicies', kind: 'BaselineAdminNetworkPolicy' },
  { version: 'v1beta1', plural: 'clusternetworkpolicies', kind: 'ClusterNetworkPolicy' },
  { version: 'v1alpha2', plural: 'clusternetworkpolicies', kind: 'ClusterNetworkPolicy' },
];

export interface ClusterScopedPolicy {
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
}

export interface ClusterPolicyScan {
  /** `policy.networking.k8s.io/v1alpha1` for each version the API server serves. */
  readonly servedVersions: readonly string[];
  /** Objects found (one per object: a resource served in two versions is listed once). */
  readonly found: readonly ClusterScopedPolicy[];
  /** Resources served but not listable by the current user (`list adminnetworkpolicies.policy.networking.k8s.io: forbidden`). */
  readonly unreadable: readonly string[];
}

export function describeClusterPolicy(policy: ClusterScopedPolicy): string {
  return `${policy.kind} ${policy.name} (${policy.apiVersion})`;
}
