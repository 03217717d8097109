/**
 * A planned rollout, live. The probe pods of every scenario start once; then:
 *   1. baseline: the network must behave as the current policies say, or nothing is changed;
 *   2. the journal is opened (previous versions of every object), then step by step: apply (journaled),
 *      verify every scenario (src/rollout/step-checks.ts says what each phase expects);
 *   3. on a failed step, an interrupt or a write that fails: every change is put back (unless
 *      `rollback: false`) and the restored state is verified;
 *   4. the pods are deleted, whatever happened.
 * The outcome says exactly which steps are applied when something could not be put back.
 */
import { describeError } from '../model/errors.js';
import type { ObjectPort } from '../model/object-port.js';
import type { KubeObject } from '../model/objects.js';
import type { CheckResult, RunError, RunReport } from '../model/report.js';
import type { Scenario } from '../model/scenario.js';
import type { ClusterPort } from '../probe/cluster-port.js';
import type { RunOptions } from '../probe/runner.js';
import { openProbeSession, type ProbeSession } from '../probe/session.js';
import { touchedSteps, type Journal } from '../rollout/journal.js';
import { checksForPhase, type RolloutPhase } from '../rollout/step-checks.js';
import type { RestoreOutcome } from './journaled-changes.js';
import type { JournalStore } from './journal-store.js';
import { changesOf, openJournal } from './open-journal.js';

export interface ExecutableStep {
  readonly name: string;
  readonly objects: readonly KubeObject[];
}

export interface ExecuteRequest {
  readonly id: string;
  readonly sources: readonly string[];
  readonly steps: readonly ExecutableStep[];
  readonly scenarios: readonly { readonly scenario: Scenario; readonly options: RunOptions }[];
  readonly rollback: boolean;
}

export interface ExecuteDeps {
  readonly cluster: ClusterPort;
  readonly objects: ObjectPort;
  readonly store: JournalStore;
  readonly progress: RunOptions['progress'];
  readonly now: () => number;
  readonly signal?: AbortSignal;
}

export type RolloutResult =
  | { readonly type: 'complete' }
  /** Nothing was changed: the network did not behave as its current policies say. */
  | { readonly type: 'baseline-failed' }
  /** Probe pods could not start: nothing was changed. */
  | { readonly type: 'not-started' }
  | { readonly type: 'step-failed'; readonly step: number; readonly broken: readonly CheckResult[]; readonly restore?: RestoreOutcome }
  | { readonly type: 'change-failed'; readonly step: number; readonly message: string; readonly restore?: RestoreOutcome }
  | { readonly type: 'interrupted'; readonly step: number; readonly restore?: RestoreOutcome };

export interface ExecuteOutcome {
  readonly result: RolloutResult;
  readonly reports: readonly RunReport[];
  /** The journal as last saved (undefined when no change was ever journaled). */
  readonly journal?: Journal;
  /** Steps whose changes may be in the cluster now (after a failed or skipped restore). */
  readonly applied: readonly number[];
}

export async function executeRollout(request: ExecuteRequest, deps: ExecuteDeps): Promise<ExecuteOutcome> {
  const { progress, signal } = deps;
  const sessions: { scenario: Scenario; session: ProbeSession }[] = [];
  const reports: RunReport[] = [];
  const seenOpen = new Map<string, Set<string>>();
  const total = request.steps.length;

  /** Every scenario's checks for one phase, all sessions at once. */
  const verify = async (index: number, name: string, phase: RolloutPhase, changes: readonly string[], changedAt: number): Promise<RunReport[]> => {
    const phaseReports = await Promise.all(
      sessions.map(({ scenario, session }) => {
        const seen = seenOpen.get(scenario.name) ?? new Set<string>();
        return session.check({ index, count: total, name, checks: checksForPhase(scenario.checks, phase, seen), changes, changedAt });
      }),
    );
    for (const [i, report] of phaseReports.entries()) {
      const name = sessions[i]?.scenario.name ?? '';
      const seen = seenOpen.get(name) ?? new Set<string>();
      for (const check of report.checks) if (check.status === 'pass' && check.observed === 'allow') seen.add(check.id);
      seenOpen.set(name, seen);
    }
    reports.push(...phaseReports);
    return phaseReports;
  };

  const finish = async (result: RolloutResult, journal?: Journal, applied: readonly number[] = []): Promise<ExecuteOutcome> => {
    const closed = await Promise.all(sessions.map(({ session }) => session.close()));
    const errors: RunError[] = closed.flatMap((c) => c.errors);
    const last = reports.at(-1);
    if (last && errors.length > 0) reports[reports.length - 1] = { ...last, errors: [...last.errors, ...errors] };
    return { result, reports, ...(journal ? { journal } : {}), applied };
  };

  progress.step(`starting the probe pods of ${request.scenarios.length} scenario(s)`);
  // All at once: the pods of every scenario start in parallel.
  const opened = await Promise.all(request.scenarios.map(async ({ scenario, options }) => ({ scenario, session: await openProbeSession(scenario, deps.cluster, options) })));
  sessions.push(...opened);
  const notStarted = opened.filter(({ session }) => session.failedStart !== undefined);
  if (notStarted.length > 0) {
    for (const { session } of notStarted) if (session.failedStart) reports.push(session.failedStart);
    return finish({ type: 'not-started' });
  }

  progress.step('step 0: checking that the network behaves as the current policies say, before any change');
  const baseline = await verify(0, 'before any change', 'baseline', [], deps.now());
  if (signal?.aborted) return finish({ type: 'interrupted', step: 0 });
  if (baseline.some(failedReport)) return finish({ type: 'baseline-failed' });

  const writer = await openJournal(deps.objects, deps.store, {
    id: request.id,
    purpose: 'rollout',
    sources: request.sources,
    steps: request.steps.map((step, i) => ({ index: i + 1, name: step.name })),
    changes: request.steps.flatMap((step, i) => changesOf(i + 1, step.objects)),
  });
  progress.step(`journal: ${writer.where}`);

  const putBack = async (reason: string): Promise<RestoreOutcome | undefined> => {
    if (!request.rollback) {
      await writer.finish('failed', `${reason}; --no-rollback: the applied steps stay`).catch(() => undefined);
      return undefined;
    }
    progress.step(`${reason}: rolling back every change of this rollout`);
    return writer.restoreAll({ force: false, finalState: 'rolled-back', reason });
  };
  const stillApplied = (): number[] => touchedSteps(writer.journal);

  for (const [i, step] of request.steps.entries()) {
    const index = i + 1;
    if (signal?.aborted) return interrupted(index - 1);
    progress.step(`step ${index}/${total}: ${step.name}`);
    let lines: string[];
    try {
      lines = await writer.applyStep(index);
    } catch (error) {
      const message = describeError(error);
      progress.failed(message);
      const restore = await putBack(`step ${index} could not be applied (${message})`).catch((e: unknown) => failedRestore(e));
      if (restore && restore.failures.length === 0 && restore.changedSince.length === 0 && !signal?.aborted) await verify(index, 'restored', 'restored', restore.restored, deps.now());
      return finish({ type: 'change-failed', step: index, message, ...(restore ? { restore } : {}) }, writer.journal, stillApplied());
    }
    const stepReports = await verify(index, step.name, index === total ? 'final' : 'step', lines, deps.now());
    if (signal?.aborted) return interrupted(index);
    const broken = stepReports.flatMap((r) => r.checks.filter((c) => c.status !== 'pass'));
    if (broken.length > 0 || stepReports.some(failedReport)) {
      const restore = await putBack(`step ${index} broke ${broken.length} expectation(s)`).catch((e: unknown) => failedRestore(e));
      if (restore && restore.failures.length === 0 && restore.changedSince.length === 0) await verify(index, 'restored', 'restored', restore.restored, deps.now());
      return finish({ type: 'step-failed', step: index, broken, ...(restore ? { restore } : {}) }, writer.journal, stillApplied());
    }
  }
  await writer.finish('complete', `all ${total} step(s) applied and verified`);
  return finish({ type: 'complete' }, writer.journal, stillApplied());

  async function interrupted(step: number): Promise<ExecuteOutcome> {
    // The probes stopped with the signal; the restore itself still runs: a half-applied rollout is
    // the one state never to leave unreported.
    const restore = await putBack(`interrupted during step ${step}`).catch((e: unknown) => failedRestore(e));
    return finish({ type: 'interrupted', step, ...(restore ? { restore } : {}) }, writer.journal, stillApplied());
  }
}

function failedReport(report: RunReport): boolean {
  return report.errors.length > 0 || report.summary.failed > 0 || report.summary.skipped > 0;
}

function failedRestore(error: unknown): RestoreOutcome {
  return { restored: [], changedSince: [], failures: [describeError(error)] };
}
