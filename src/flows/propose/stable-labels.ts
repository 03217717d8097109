/**
 * Labels a controller stamps on each generation or each replica of a workload. A selector using one of
 * them matches today's pods and none of tomorrow's: the policy would silently stop applying at the next
 * rollout (pod-template-hash), the next DaemonSet/StatefulSet revision, the next Job of a CronJob, or
 * would select one replica of a StatefulSet alone.
 */
import type { Labels } from '../../policy/types.js';

const UNSTABLE_KEYS: ReadonlyMap<string, string> = new Map([
  ['pod-template-hash', 'set per ReplicaSet: changes with every Deployment rollout'],
  ['controller-revision-hash', 'set per revision of a DaemonSet or StatefulSet'],
  ['pod-template-generation', 'set per DaemonSet generation'],
  ['statefulset.kubernetes.io/pod-name', 'names one replica of a StatefulSet'],
  ['apps.kubernetes.io/pod-index', 'numbers one replica of a StatefulSet'],
  ['controller-uid', 'the uid of one Job'],
  ['batch.kubernetes.io/controller-uid', 'the uid of one Job'],
  ['job-name', 'names one Job (a CronJob makes a new one each time)'],
  ['batch.kubernetes.io/job-name', 'names one Job (a CronJob makes a new one each time)'],
  ['batch.kubernetes.io/job-completion-index', 'numbers one pod of an indexed Job'],
]);

export interface StableLabels {
  readonly labels: Labels;
  /** `pod-template-hash (set per ReplicaSet: …)`, one per key left out, sorted. */
  readonly dropped: readonly string[];
}

export function stableLabels(labels: Labels): StableLabels {
  const kept: Record<string, string> = {};
  const dropped: string[] = [];
  for (const key of Object.keys(labels).sort(compareText)) {
    const why = UNSTABLE_KEYS.get(key);
    if (why === undefined) kept[key] = labels[key] ?? '';
    else dropped.push(`${key} (${why})`);
  }
  return { labels: kept, dropped };
}

/** `namespace/k=v,k=v` over sorted keys: one key for pods that every stable selector treats alike. */
export function stableKey(namespace: string, labels: Labels): string {
  return `${namespace}/${Object.keys(labels)
    .sort(compareText)
    .map((key) => `${key}=${labels[key] ?? ''}`)
    .join(',')}`;
}

/** Code-unit order: the same bytes on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
