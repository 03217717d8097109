/**
 * Cluster-scoped network policy APIs. Their objects sit above (Admin tier) and below (Baseline tier)
 * every NetworkPolicy, so a verdict derived from NetworkPolicies alone is wrong on a cluster that has
 * any. kubeknock's engine models those of sigs.k8s.io/network-policy-api; AWS's own ClusterNetworkPolicy
 * (another group, another schema) it does not, so that one must be noticed and refused, never skipped.
 */

export const CLUSTER_POLICY_GROUP = 'policy.networking.k8s.io';

/** AWS's VPC CNI ships a `ClusterNetworkPolicy` of its own in this group. */
export const AWS_CLUSTER_POLICY_GROUP = 'networking.k8s.aws';
export const AWS_CLUSTER_POLICY_PLURAL = 'clusternetworkpolicies';

export interface ClusterPolicyResource {
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
}

/**
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy (v0.1.x), ClusterNetworkPolicy (v0.2.0 on). The
 * order is the preference: an object served in v1beta1 and v1alpha2 is read in v1beta1 (the storage version).
 */
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
  /** The object as the API server listed it (manifest shape, plain JSON), for the decoder that reads files. */
  readonly object: unknown;
}

export interface ClusterPolicyScan {
  /** `policy.networking.k8s.io/v1alpha1` for each version the API server serves. */
  readonly servedVersions: readonly string[];
  /** Objects found (one per object: a resource served in two versions is listed once). */
  readonly found: readonly ClusterScopedPolicy[];
  /** Resources served but not listable by the current user (`list adminnetworkpolicies.policy.networking.k8s.io: forbidden`). */
  readonly unreadable: readonly string[];
  /** Objects of policy APIs kubeknock does not model: AWS's ClusterNetworkPolicy (networking.k8s.aws). */
  readonly unmodelled: readonly ClusterScopedPolicy[];
}

export function describeClusterPolicy(policy: Pick<ClusterScopedPolicy, 'kind' | 'name' | 'apiVersion'>): string {
  return `${policy.kind} ${policy.name} (${policy.apiVersion})`;
}
