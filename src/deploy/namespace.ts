import { metadata, type AuditIdentity, type KubeObject } from './objects.js';

/**
 * The audit's own namespace. Pod Security `restricted` is enforced because the audit pod is built to
 * pass it: a namespace that allowed more would only widen what a compromised audit pod could do.
 */
export function buildAuditNamespace(identity: AuditIdentity): KubeObject {
  const meta = metadata(identity, identity.namespace);
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      ...meta,
      labels: {
        ...meta.labels,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      },
    },
  };
}
