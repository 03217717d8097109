import { metadata, type AuditIdentity, type KubeObject } from './objects.js';

/**
 * The audit's own namespace. Pod Security `restricted` is enforced because the audit pod is built to
 * pass it: a namespace that allowed more would only widen what a compromised audit pod could do.
 * The one exception is a hostPath volume (metrics for node_exporter's textfile collector), which
 * baseline and restricted both forbid: then `privileged` is enforced, and warn and audit stay
 * `restricted`, so the exception is said on every apply and in the audit log.
 */
export function buildAuditNamespace(identity: AuditIdentity, options: { readonly hostPath?: boolean } = {}): KubeObject {
  const meta = metadata(identity, identity.namespace);
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      ...meta,
      labels: {
        ...meta.labels,
        'pod-security.kubernetes.io/enforce': options.hostPath ? 'privileged' : 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      },
    },
  };
}
