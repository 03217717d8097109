/**
 * `kubeknock cleanup`: finds every pod kubeknock left behind (by its run id label, optionally one
 * run's) and deletes it, waiting until it is really gone. A dry run only lists.
 */
import { managedSelector, RUN_ID_LABEL } from '../model/labels.js';
import type { CleanupResult } from '../model/cleanup.js';
import type { ClusterPort } from '../probe/cluster-port.js';
import { InputError, KubeknockError, describeError } from '../model/errors.js';

export type CleanupPort = Pick<ClusterPort, 'server' | 'listPods' | 'deletePods'>;

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

export async function runCleanup(port: CleanupPort, options: CleanupOptions): Promise<CleanupResult> {
  if (options.runId !== undefined && !LABEL_VALUE.test(options.runId)) {
    throw new InputError(`--run-id "${options.runId}" is not a valid ${RUN_ID_LABEL} label value (up to 63 letters, digits, '-', '_', '.')`);
  }
  const selector = managedSelector(options.runId);
  const pods = await port.listPods(selector, options.namespace);
  const base = { selector, ...(options.namespace ? { namespace: options.namespace } : {}), pods };
  if (options.dryRun || pods.length === 0) return { ...base, deleted: false };
  try {
    await port.deletePods(
      pods.map(({ namespace, name }) => ({ namespace, name })),
      { gracePeriodSeconds: options.gracePeriodSeconds ?? 1, timeoutMs: options.timeoutMs ?? 60_000 },
    );
  } catch (error) {
    // A failed sweep still has a list worth showing; only infrastructure errors are expected here.
    if (!(error instanceof KubeknockError)) throw error;
    return { ...base, deleted: false, failure: describeError(error) };
  }
  return { ...base, deleted: true };
}
