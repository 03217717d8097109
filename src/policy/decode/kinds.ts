/** The kinds the engine reads, by the apiVersion they live in (a Knative `Service` is not a core Service). */
export const API_VERSIONS = {
  Namespace: 'v1',
  Pod: 'v1',
  Service: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
} as const;
export type Kind = keyof typeof API_VERSIONS;

export function isKind(kind: string | undefined): kind is Kind {
  return kind !== undefined && Object.prototype.hasOwnProperty.call(API_VERSIONS, kind);
}

/** The kind of an object the engine reads (apiVersion absent or the right one), or undefined. */
export function readKindOf(value: unknown): Kind | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { kind, apiVersion } = value as { kind?: unknown; apiVersion?: unknown };
  if (typeof kind !== 'string' || !isKind(kind)) return undefined;
  return apiVersion === undefined || apiVersion === API_VERSIONS[kind] ? kind : undefined;
}

/** Cluster-scoped policy kinds the engine models, by every apiVersion it reads them in. */
export const CLUSTER_POLICY_API_VERSIONS = {
  // v0.3.0 stores v1beta1 and still serves v1alpha2 with the same schema.
  ClusterNetworkPolicy: ['policy.networking.k8s.io/v1beta1', 'policy.networking.k8s.io/v1alpha2'],
  AdminNetworkPolicy: ['policy.networking.k8s.io/v1alpha1'],
  BaselineAdminNetworkPolicy: ['policy.networking.k8s.io/v1alpha1'],
} as const;
export type ClusterPolicyKindName = keyof typeof CLUSTER_POLICY_API_VERSIONS;

export function clusterPolicyKindOf(kind: string | undefined, apiVersion: unknown): ClusterPolicyKindName | undefined {
  if (kind === undefined || !Object.prototype.hasOwnProperty.call(CLUSTER_POLICY_API_VERSIONS, kind)) return undefined;
  const versions: readonly string[] = CLUSTER_POLICY_API_VERSIONS[kind as ClusterPolicyKindName];
  return typeof apiVersion === 'string' && versions.includes(apiVersion) ? (kind as ClusterPolicyKindName) : undefined;
}

/**
 * Policy kinds that change what a cluster lets through but that the engine does not model: skipping
 * them would make every prediction wrong, so their presence is an error. AWS's VPC CNI ships a kind of
 * the same name as the upstream one, in its own group.
 */
export function unmodelledPolicyKind(kind: string | undefined, apiVersion: unknown): string | undefined {
  if (kind === 'ClusterNetworkPolicy' && typeof apiVersion === 'string' && apiVersion.startsWith('networking.k8s.aws/')) return `${kind} (${apiVersion})`;
  return undefined;
}
