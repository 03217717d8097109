/**
 * Probe pods an earlier run left behind. `activeDeadlineSeconds` only stops a pod's containers: the
 * kubelet marks it `Failed` (reason `DeadlineExceeded`) and the object stays until someone deletes
 * it. A CLI killed with SIGKILL (or an OOM-killed audit Job) leaves exactly that. Pure: the caller
 * passes the pods and the time.
 */
import { RUN_ID_LABEL } from '../model/labels.js';
import type { PodInfo } from './cluster-port.js';

/**
 * - `finished`: phase Failed or Succeeded: its containers are gone, it can serve no run.
 * - `expired`: past its deadline but not yet marked Failed (the kubelet is about to kill it).
 * - `live`: within its deadline; it may belong to a run under way (another CI job, an overlapping
 *   CronJob, a `--keep` run being debugged), so only `cleanup` may remove it.
 * - `deleting`: already being deleted.
 */
export type LeftoverState = 'finished' | 'expired' | 'live' | 'deleting';

export interface Leftover {
  readonly pod: PodInfo;
  readonly state: LeftoverState;
  readonly runId?: string;
  /** Since creation, when the API said when that was. */
  readonly ageMs?: number;
}

/** The kubelet checks deadlines on its own sync loop; a pod a few seconds past it is still "live" to it. */
const DEADLINE_SLACK_MS = 10_000;

export function leftoverState(pod: PodInfo, nowMs: number): LeftoverState {
  if (pod.deleting) return 'deleting';
  if (pod.phase === 'Failed' || pod.phase === 'Succeeded') return 'finished';
  const since = pod.startedAt ?? pod.createdAt;
  if (since !== undefined && pod.deadlineSeconds !== undefined) {
    const endsAt = Date.parse(since) + pod.deadlineSeconds * 1000 + DEADLINE_SLACK_MS;
    if (nowMs > endsAt) return 'expired';
  }
  return 'live';
}

export function classifyLeftovers(pods: readonly PodInfo[], nowMs: number): Leftover[] {
  return pods
    .map((pod) => {
      const runId = pod.labels[RUN_ID_LABEL];
      const created = pod.createdAt === undefined ? undefined : Date.parse(pod.createdAt);
      return {
        pod,
        state: leftoverState(pod, nowMs),
        ...(runId ? { runId } : {}),
        ...(created === undefined ? {} : { ageMs: Math.max(0, nowMs - created) }),
      };
    })
    .sort((a, b) => `${a.pod.namespace}/${a.pod.name}`.localeCompare(`${b.pod.namespace}/${b.pod.name}`));
}

/** Leftovers a run may delete on its own: nothing that could still belong to a run under way. */
export function sweepable(leftover: Leftover): boolean {
  return leftover.state === 'finished' || leftover.state === 'expired';
}

/** `production/kubeknock-backend-x7k2p (run 89cfbea3, Failed/DeadlineExceeded, 17m old)`. */
export function describeLeftover(leftover: Leftover): string {
  const { pod } = leftover;
  const phase = leftover.state === 'expired' ? `${pod.phase ?? 'Unknown'}, past its deadline` : `${pod.phase ?? 'Unknown'}${pod.reason ? `/${pod.reason}` : ''}`;
  const parts = [leftover.runId ? `run ${leftover.runId}` : 'no run id', phase, ...(leftover.ageMs === undefined ? [] : [`${formatAge(leftover.ageMs)} old`])];
  return `${pod.namespace}/${pod.name} (${parts.join(', ')})`;
}

/** kubectl-style ages: 45s, 17m, 3h, 2d. */
export function formatAge(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}
