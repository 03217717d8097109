/**
 * The scratch namespaces of `doctor --canary`, found by their label: removing one and waiting until it
 * is gone (its pods and policy go with it), and telling the expired ones (a killed canary's) from one
 * that may still be under way.
 */
import { CANARY_LABEL, RUN_ID_LABEL } from '../../model/labels.js';
import { InfraError } from '../../model/errors.js';
import type { ObjectPort } from '../../model/object-port.js';
import type { ObjectRef } from '../../model/objects.js';
import type { Clock } from '../../probe/clock.js';
import { CANARY_NAMESPACE_PREFIX } from './plan.js';

export type CanaryNamespacePort = Pick<ObjectPort, 'list' | 'get' | 'delete'>;

/** A namespace's deletion waits for its pods (grace 1 s) and its finalizers: usually seconds. */
export const NAMESPACE_GONE_TIMEOUT_MS = 120_000;
const POLL_MS = 1000;

export interface CanaryNamespace {
  readonly name: string;
  /** Unix seconds; undefined when the label value is not a number (treated as expired). */
  readonly expiresAt?: number;
  readonly runId?: string;
}

export function namespaceRef(name: string): ObjectRef {
  return { apiVersion: 'v1', kind: 'Namespace', name };
}

export async function listCanaryNamespaces(port: Pick<ObjectPort, 'list'>, runId?: string): Promise<CanaryNamespace[]> {
  const selector = runId === undefined ? CANARY_LABEL : `${CANARY_LABEL},${RUN_ID_LABEL}=${runId}`;
  const found = await port.list({ apiVersion: 'v1', kind: 'Namespace' }, selector);
  // Checked here too: a namespace is deleted only if it really carries the label and our name prefix,
  // whatever a server (or a proxy) did with the selector.
  return found
    .filter((object) => object.metadata.name.startsWith(CANARY_NAMESPACE_PREFIX) && object.metadata.labels?.[CANARY_LABEL] !== undefined)
    .filter((object) => runId === undefined || object.metadata.labels?.[RUN_ID_LABEL] === runId)
    .map((object) => {
      const labels = object.metadata.labels ?? {};
      const expiresAt = Number(labels[CANARY_LABEL]);
      const runIdLabel = labels[RUN_ID_LABEL];
      return { name: object.metadata.name, ...(Number.isFinite(expiresAt) && /^\d+$/.test(labels[CANARY_LABEL] ?? '') ? { expiresAt } : {}), ...(runIdLabel ? { runId: runIdLabel } : {}) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Past its expiry: its canary was killed (a live one is over long before, its pods' deadline too). */
export function isExpired(namespace: CanaryNamespace, nowMs: number): boolean {
  return namespace.expiresAt === undefined || namespace.expiresAt * 1000 < nowMs;
}

/** Deletes the namespace and polls until the API server no longer has it; rejects past the timeout. */
export async function removeNamespace(port: Pick<ObjectPort, 'get' | 'delete'>, name: string, clock: Clock, timeoutMs = NAMESPACE_GONE_TIMEOUT_MS): Promise<void> {
  const ref = namespaceRef(name);
  await port.delete(ref);
  const deadline = clock.now() + timeoutMs;
  while ((await port.get(ref)) !== undefined) {
    if (clock.now() >= deadline) throw new InfraError(`namespace ${name} still exists ${Math.round(timeoutMs / 1000)}s after it was deleted (finalizers?): "kubectl get namespace ${name} -o yaml" says what holds it; "kubeknock cleanup" tries again`);
    await clock.sleep(POLL_MS);
  }
}
