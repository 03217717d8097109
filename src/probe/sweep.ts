/**
 * Before a run creates its pods: delete the probe pods earlier runs left in the same namespaces once
 * they can no longer serve anyone (finished, or past their deadline). A pod that terminated itself
 * at its deadline is not enough on its own: the object (and its name, labels, events) would stay
 * forever. Pods of a run that may still be under way are left alone and only counted.
 */
import { managedSelector } from '../model/labels.js';
import type { Clock } from './clock.js';
import type { ClusterPort } from './cluster-port.js';
import { classifyLeftovers, sweepable, type Leftover } from './leftovers.js';

export type SweepPort = Pick<ClusterPort, 'listPods' | 'deletePods'>;

export interface SweepResult {
  /** Deleted (and gone) probe pods of earlier runs. */
  readonly removed: readonly Leftover[];
  /** Probe pods of other runs still within their deadline (maybe under way): not touched. */
  readonly live: readonly Leftover[];
}

export const SWEEP_DELETE_TIMEOUT_MS = 60_000;

export async function sweepLeftovers(port: SweepPort, namespaces: readonly string[], clock: Pick<Clock, 'now'>): Promise<SweepResult> {
  const listed = await Promise.all([...new Set(namespaces)].map((namespace) => port.listPods(managedSelector(), namespace)));
  const leftovers = classifyLeftovers(listed.flat(), clock.now());
  const removed = leftovers.filter(sweepable);
  if (removed.length > 0) {
    await port.deletePods(
      removed.map(({ pod }) => ({ namespace: pod.namespace, name: pod.name })),
      { gracePeriodSeconds: 1, timeoutMs: SWEEP_DELETE_TIMEOUT_MS },
    );
  }
  return { removed, live: leftovers.filter((l) => l.state === 'live') };
}
