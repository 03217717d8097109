/**
 * `kubeknock cleanup`: finds every pod kubeknock left behind (by its run id label, optionally one
 * run's) and deletes it, waiting until it is really gone; and the scratch namespaces of `doctor
 * --canary` runs that were killed (by their canary label), waiting until those are gone too. A dry
 * run only lists.
 */
import { managedSelector, RUN_ID_LABEL } from '../model/labels.js';
import type { CleanupResult } from '../model/cleanup.js';
import type { ClusterPort } from '../probe/cluster-port.js';
import { InputError, KubeknockError, describeError } from '../model/errors.js';
import type { Clock } from '../probe/clock.js';
import { listCanaryNamespaces, removeNamespace, type CanaryNamespacePort } from './canary/namespaces.js';

export type CleanupPort = Pick<ClusterPort, 'server' | 'listPods' | 'deletePods'>;

/** Where the canary namespaces are found and removed; without it, cleanup looks at pods only. */
export interface CanaryCleanupPort {
  readonly objects: CanaryNamespacePort;
  readonly clock: Clock;
}

export interface CleanupOptions {
  readonly runId?: string;
  /** Absent: every namespace. */
  readonly namespace?: string;
  readonly dryRun: boolean;
  /** Probe pods run `sleep` as PID 1, which ignores SIGTERM: a long grace period only delays the kill. */
  readonly gracePeriodSeconds?: number;
  readonly timeoutMs?: number;
}


/** A label value: what the API accepts in a selector. */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export async function runCleanup(port: CleanupPort, options: CleanupOptions, canary?: CanaryCleanupPort): Promise<CleanupResult> {
  if (options.runId !== undefined && !LABEL_VALUE.test(options.runId)) {
    throw new InputError(`--run-id "${options.runId}" is not a valid ${RUN_ID_LABEL} label value (up to 63 letters, digits, '-', '_', '.')`);
  }
  const selector = managedSelector(options.runId);
  const pods = await port.listPods(selector, options.namespace);
  // With --namespace, only that namespace, if it is a canary's.
  const lookup = canary ? await findCanaryNamespaces(canary, options) : undefined;
  const canaryNamespaces = lookup?.names;
  const base = {
    selector,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    pods,
    ...(canaryNamespaces ? { canaryNamespaces } : {}),
    ...(lookup?.failure ? { canaryLookupFailure: lookup.failure } : {}),
  };
  if (options.dryRun || (pods.length === 0 && (canaryNamespaces ?? []).length === 0)) return { ...base, deleted: false };
  try {
    if (pods.length > 0) {
      await port.deletePods(
        pods.map(({ namespace, name }) => ({ namespace, name })),
        { gracePeriodSeconds: options.gracePeriodSeconds ?? 1, timeoutMs: options.timeoutMs ?? 60_000 },
      );
    }
    for (const name of canaryNamespaces ?? []) if (canary) await removeNamespace(canary.objects, name, canary.clock);
  } catch (error) {
    // A failed sweep still has a list worth showing; only infrastructure errors are expected here.
    if (!(error instanceof KubeknockError)) throw error;
    return { ...base, deleted: false, failure: describeError(error) };
  }
  return { ...base, deleted: true };
}

/**
 * Canary namespaces to remove (with --namespace, only that one, if it is a canary's). Looking for them
 * needs `list namespaces`, which pod cleanup never did: without it, pods are still cleaned up.
 */
async function findCanaryNamespaces(canary: CanaryCleanupPort, options: CleanupOptions): Promise<{ readonly names?: string[]; readonly failure?: string }> {
  try {
    const found = await listCanaryNamespaces(canary.objects, options.runId);
    return { names: found.map((ns) => ns.name).filter((name) => options.namespace === undefined || name === options.namespace) };
  } catch (error) {
    if (!(error instanceof KubeknockError)) throw error;
    return { failure: describeError(error) };
  }
}
