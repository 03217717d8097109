/**
 * A probe session: the probe pods of one scenario, created once and kept while the caller changes the
 * cluster and checks, step after step (a multi-step scenario, a rollout). Each `check` costs about a
 * settle and one probe round instead of a whole run; the caller always ends with `close`, which
 * deletes the pods whatever happened.
 *
 * A step's change may take a while to be enforced (a policy changed in place especially): a check that
 * disagrees with its expectation is retried, only it, up to the step's attempts, and the report says
 * after how long every check agreed: the observed enforcement lag.
 */
import type { RunError, RunReport, StepInfo } from '../model/report.js';
import type { Check, Scenario } from '../model/scenario.js';
import type { ClusterPort } from './cluster-port.js';
import { buildReport, initialState, type RunState } from './run-state.js';
import { needsAnotherAttempt } from './results.js';
import { runRounds } from './rounds.js';
import { createPods, failed, messageOf, planChecks, probeRounds, roundsContext, settle, tearDown, waitRunning, type RunContext, type RunOptions } from './runner.js';

/** Attempts a step's checks get at least: mismatches are retried while the change is being enforced. */
export const STEP_ATTEMPTS = 10;

export interface SessionStep {
  readonly index: number;
  readonly count: number;
  readonly name: string;
  readonly checks: readonly Check[];
  /** Lines of what the caller changed before this check (journaled writes). */
  readonly changes: readonly string[];
  /** Probe pod relabellings to make first, by actor: a value sets the label, null removes it. */
  readonly relabel?: readonly { readonly actor: string; readonly labels: Readonly<Record<string, string | null>> }[];
  /** Clock time of the last change, from which the enforcement lag is measured. */
  readonly changedAt: number;
}

export interface ProbeSession {
  /** Set when the pods could not be created or started: the report that says so; `check` then only skips. */
  readonly failedStart?: RunReport;
  check(step: SessionStep): Promise<RunReport>;
  /** Deletes the probe pods; the errors (if any) belong on the last report. */
  close(): Promise<{ readonly teardownMs?: number; readonly errors: readonly RunError[] }>;
}

export async function openProbeSession(scenario: Scenario, cluster: ClusterPort, options: RunOptions): Promise<ProbeSession> {
  const ctx: RunContext = { scenario, cluster, options };
  let state = initialState(options.clock.now());
  try {
    state = await createPods(ctx, state);
    if (state.stopped === undefined && !options.signal?.aborted) state = await waitRunning(ctx, state);
  } catch (error) {
    options.progress.failed(messageOf(error));
    state = options.signal?.aborted ? { ...state, stopped: 'interrupted' } : failed(state, error);
  }
  if (options.signal?.aborted && state.stopped === undefined) state = { ...state, stopped: 'interrupted' };
  const started = state;
  const factsOf = () => ({
    runId: options.runId,
    toolVersion: options.toolVersion,
    server: cluster.server,
    finishedAt: options.clock.now(),
    stats: cluster.stats(),
    ...(options.signal?.aborted ? { interruption: messageOf(options.signal.reason ?? 'interrupted') } : {}),
  });
  let created = started.created;
  let first = true;
  return {
    ...(started.stopped === undefined ? {} : { failedStart: buildReport(scenario, started, factsOf()) }),
    async check(step) {
      const stepScenario: Scenario = { ...scenario, checks: step.checks.map((c) => ({ ...c, attempts: Math.max(c.attempts, STEP_ATTEMPTS) })) };
      const stepCtx: RunContext = { ...ctx, scenario: stepScenario };
      const begin = options.clock.now();
      let stepState: RunState = {
        ...initialState(begin),
        createsSent: started.createsSent,
        created,
        podsByActor: started.podsByActor,
        ...(first && started.podStartMs !== undefined ? { podStartMs: started.podStartMs } : {}),
        ...(started.stopped === undefined ? {} : { stopped: started.stopped }),
      };
      first = false;
      let changedAt = step.changedAt;
      let lagMs: number | undefined;
      try {
        if (stepState.stopped === undefined && step.relabel && step.relabel.length > 0) {
          created = await relabel(cluster, created, step.relabel, started);
          stepState = { ...stepState, created };
          changedAt = options.clock.now();
        }
        for (const phase of [planChecks, settle, probeRounds]) {
          if (stepState.stopped !== undefined) break;
          if (options.signal?.aborted) {
            stepState = { ...stepState, stopped: 'interrupted' };
            break;
          }
          stepState = await phase(stepCtx, stepState);
        }
        lagMs = agreedAfterMs(stepState, changedAt);
        if (stepState.stopped === undefined && !options.signal?.aborted) stepState = await confirmAfterLag(stepCtx, stepState);
      } catch (error) {
        options.progress.failed(messageOf(error));
        stepState = options.signal?.aborted ? { ...stepState, stopped: 'interrupted' } : failed(stepState, error);
      }
      const report = buildReport(stepScenario, stepState, factsOf());
      const durationMs = options.clock.now() - Math.min(begin, step.changedAt);
      const info: StepInfo = {
        index: step.index,
        count: step.count,
        name: step.name,
        changes: step.changes,
        rounds: stepState.roundStarts?.length ?? 0,
        durationMs,
        // Enforced: every check agreed, the confirmation round included. An attempt's duration is
        // timed by its exec, apart from the step's clock: a few milliseconds of skew must not put
        // the lag past the step's own end.
        ...(lagMs !== undefined && report.checks.length > 0 && report.checks.every((c) => c.status === 'pass') ? { enforcedAfterMs: Math.min(lagMs, durationMs) } : {}),
      };
      return { ...report, step: info };
    },
    async close() {
      const end = await tearDown(ctx, { ...started, created, errors: [] });
      return { ...(end.teardownMs === undefined ? {} : { teardownMs: end.teardownMs }), errors: end.errors };
    },
  };
}

/**
 * A change that took longer than the settle to be enforced: the checks that agreed in the first rounds
 * may have seen the state before it (a connection the change cuts a moment later looks open). Once
 * every check agrees, all of them run once more, and that attempt is the one judged.
 */
async function confirmAfterLag(ctx: RunContext, state: RunState): Promise<RunState> {
  const { options } = ctx;
  const rounds = state.roundStarts?.length ?? 0;
  if (rounds < 2 || state.records.some((r) => r.attempts.length === 0 || needsAnotherAttempt(r) || !agrees(r))) return state;
  options.progress.step(`enforced after ${rounds} rounds: checking all ${state.records.length} probe(s) once more`);
  const fresh = state.records.map((r) => ({ ...r, attempts: [], probe: { ...r.probe, check: { ...r.probe.check, attempts: 1 } } }));
  const result = await runRounds(fresh, roundsContext(ctx, state));
  const confirmation = new Map(result.records.map((r) => [r.probe.id, r.attempts.at(-1)]));
  const records = state.records.map((r) => {
    const attempt = confirmation.get(r.probe.id);
    return attempt === undefined ? r : { ...r, attempts: [...r.attempts, attempt] };
  });
  const next: RunState = { ...state, records, roundStarts: [...(state.roundStarts ?? []), ...result.roundStarts] };
  return result.failure === undefined ? next : failed(next, result.failure);
}

function agrees(record: RunState['records'][number]): boolean {
  const expectation = record.expectation;
  return expectation.source !== 'policy-unavailable' && record.attempts.at(-1)?.observed === expectation.expect;
}

async function relabel(
  cluster: ClusterPort,
  created: RunState['created'],
  changes: NonNullable<SessionStep['relabel']>,
  started: RunState,
): Promise<RunState['created']> {
  let next = created;
  for (const { actor, labels } of changes) {
    const pod = started.podsByActor.get(actor);
    if (!pod) throw new Error(`relabelling actor ${actor}: it has no running probe pod`);
    await cluster.relabelPod(pod, labels);
    next = next.map((c) => {
      if (c.actor !== actor) return c;
      const merged: Record<string, string> = { ...c.labels };
      for (const [key, value] of Object.entries(labels)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      return { ...c, labels: merged };
    });
  }
  return next;
}

/**
 * When every check agreed with its expectation: the end of the attempt that agreed last, measured from
 * the last change. An upper bound (enforcement happened at the latest then); undefined when some check
 * never agreed. Attempt k of every probe runs in round k.
 */
function agreedAfterMs(state: RunState, changedAt: number): number | undefined {
  if (state.records.length === 0 || !state.records.every(agrees)) return undefined;
  const starts = state.roundStarts ?? [];
  let latest = changedAt;
  for (const record of state.records) {
    const round = record.attempts.length - 1;
    const start = starts[round];
    const attempt = record.attempts[round];
    if (start !== undefined && attempt !== undefined) latest = Math.max(latest, start + attempt.durationMs);
  }
  return latest - changedAt;
}
