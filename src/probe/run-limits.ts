/**
 * The time limits of a run, in one place: the runner enforces them, and the audit CronJob's deadline
 * (src/deploy/audit-deadline.ts) and the live bench add them up, so none of them can drift apart.
 */
import { batchWorstCaseSeconds } from './batch-script.js';

/** Probes per exec: keeps the command line (sent in the exec URL) a sane size. */
export const DEFAULT_PROBES_PER_EXEC = 64;

/** Added to a batch's worst case in the pod for the exec as a whole: process start, mktemp, framing, the WebSocket. */
export const EXEC_GRACE_MS = 15_000;

/** How long teardown waits for the probe pods to be gone. */
export const DELETE_TIMEOUT_MS = 90_000;

/**
 * The longest one batch exec may take, end to end: the slowest probe's outer `timeout` and its KILL
 * delay (what the batch can cost inside the pod), plus the exec grace. The runner gives each exec
 * exactly this; past it, the batch's probes are recorded as exec errors.
 */
export function batchBudgetMs(probes: readonly { readonly timeoutSeconds: number }[]): number {
  return batchWorstCaseSeconds(probes) * 1000 + EXEC_GRACE_MS;
}
