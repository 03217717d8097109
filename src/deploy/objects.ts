/**
 * The plain shape of the Kubernetes objects `kubeknock manifests` prints, and the labels every one of
 * them carries. Builders return these as data; nothing here talks to a cluster.
 */
import { MANAGED_BY_LABEL } from '../model/labels.js';

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

/**
 * Not `kubeknock`: that value marks probe pods, and `kubeknock cleanup` deletes every pod carrying it.
 * The audit's own Job pods must survive a cleanup, so they are marked as made by the manifests.
 */
export const MANIFESTS_MANAGED_BY = 'kubeknock-manifests';

/** Where the audit lives: its namespace, and the name of its ServiceAccount, ConfigMap and CronJob. */
export interface AuditIdentity {
  readonly name: string;
  readonly namespace: string;
}

export function auditLabels(identity: AuditIdentity): Record<string, string> {
  return { 'app.kubernetes.io/name': 'kubeknock', [MANAGED_BY_LABEL]: MANIFESTS_MANAGED_BY, 'app.kubernetes.io/instance': identity.name };
}

export function metadata(identity: AuditIdentity, name: string, namespace?: string): ObjectMeta {
  return { name, ...(namespace ? { namespace } : {}), labels: auditLabels(identity) };
}
