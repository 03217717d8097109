/**
 * How long one audit may take before Kubernetes stops it (the Job's activeDeadlineSeconds). Every part
 * is the ceiling a run itself enforces, so a healthy run never comes near it, while a hung one is
 * stopped before it overlaps many schedules. The runner's own limits come from src/probe/run-limits.ts.
 */
import type { Scenario } from '../model/scenario.js';
import { batchBudgetMs, DEFAULT_PROBES_PER_EXEC, DELETE_TIMEOUT_MS } from '../probe/run-limits.js';

/** Scheduling the audit pod and pulling the kubeknock image. */
const POD_START_SECONDS = 120;
const PROBES_PER_EXEC = DEFAULT_PROBES_PER_EXEC;
/** The runner's wait for pod deletion. */
const DELETE_SECONDS = DELETE_TIMEOUT_MS / 1000;
/** Reading namespaces, Services, target pods and, for `expect: policy`, the cluster's policies. */
const API_READS_SECONDS = 30;

/**
 * `doctor --canary` before the run (manifests --canary): its pods' start (120 s), its two waits (30 s
 * each, the default --canary-timeout) and its namespace's deletion (120 s).
 */
export const CANARY_SECONDS = 120 + 2 * 30 + 120;

export function auditDeadlineSeconds(scenarios: readonly Scenario[], options: { readonly canary?: boolean } = {}): number {
  const total = POD_START_SECONDS + (options.canary ? CANARY_SECONDS : 0) + scenarios.reduce((sum, scenario) => sum + scenarioSeconds(scenario), 0);
  return Math.ceil(total / 60) * 60;
}

/** Scenarios run one after another; within one, each actor's probes run as batched execs, `concurrency` at once. */
function scenarioSeconds(scenario: Scenario): number {
  const { defaults, checks } = scenario;
  const perActor = new Map<string, number>();
  for (const check of checks) perActor.set(check.from, (perActor.get(check.from) ?? 0) + 1);
  const execs = [...perActor.values()].reduce((sum, count) => sum + Math.ceil(count / PROBES_PER_EXEC), 0);
  const rounds = Math.ceil(execs / defaults.concurrency);
  // Every exec is given the budget of a batch holding the slowest check: the runner's own limit.
  const execSeconds = batchBudgetMs(checks) / 1000;
  const attempts = Math.max(1, ...checks.map((check) => check.attempts));
  const probing = attempts * (rounds * execSeconds + defaults.retryDelaySeconds);
  return defaults.pod.startTimeoutSeconds + defaults.settleSeconds + probing + API_READS_SECONDS + DELETE_SECONDS;
}
