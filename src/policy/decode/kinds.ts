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
