/**
 * A multi-step scenario, live: the probe pods start once; each step makes its changes (journaled),
 * then checks; after the last step (or a failure, or an interrupt) every object the steps changed is
 * put back as it was, and the pods are deleted. One report per step.
 */
import { describeError } from '../model/errors.js';
import type { RunError, RunReport } from '../model/report.js';
import type { Scenario, Step } from '../model/scenario.js';
import type { ObjectPort } from '../model/object-port.js';
import type { ClusterPort } from '../probe/cluster-port.js';
import type { RunOptions } from '../probe/runner.js';
import { openProbeSession } from '../probe/session.js';
import type { PlannedChange } from '../rollout/journal.js';
import { changesOf, openJournal } from './open-journal.js';
import type { JournalStore } from './journal-store.js';
import { notStartedReport } from './not-started-report.js';

export interface StepRunDeps {
  readonly objects: ObjectPort;
  readonly store: JournalStore;
}

/** The journaled changes of every step (apply and delete; relabelling a probe pod needs no journal). */
export function plannedChanges(steps: readonly Step[]): PlannedChange[] {
  return steps.flatMap((step, i) =>
    step.changes.flatMap((change) => {
      switch (change.type) {
        case 'apply':
          return changesOf(i + 1, change.objects);
        case 'delete':
          return changesOf(i + 1, [], change.refs);
        case 'label-actor':
          return [];
      }
    }),
  );
}

export async function runStepScenario(scenario: Scenario, cluster: ClusterPort, options: RunOptions, deps: StepRunDeps): Promise<RunReport[]> {
  const steps = scenario.steps ?? [];
  const { progress, clock, signal } = options;
  const changes = plannedChanges(steps);
  const writer =
    changes.length === 0
      ? undefined
      : await openJournal(deps.objects, deps.store, {
          id: options.runId,
          purpose: 'steps',
          sources: [scenario.file],
          steps: steps.map((step, i) => ({ index: i + 1, name: step.name })),
          changes,
        });
  if (writer) progress.step(`journal of the changes: ${writer.where}`);
  const session = await openProbeSession(scenario, cluster, options);
  const reports: RunReport[] = [];
  const late: RunError[] = [];
  if (session.failedStart) reports.push(session.failedStart);
  else {
    for (const [i, step] of steps.entries()) {
      if (signal?.aborted) break;
      const index = i + 1;
      progress.step(`step ${index}/${steps.length}: ${step.name}`);
      let lines: string[] = [];
      try {
        lines = writer ? await writer.applyStep(index) : [];
      } catch (error) {
        progress.failed(describeError(error));
        late.push({ kind: 'change', message: `step ${index} (${step.name}): ${describeError(error)}` });
        break;
      }
      const relabel = step.changes.flatMap((change) => (change.type === 'label-actor' ? [{ actor: change.actor, labels: change.labels }] : []));
      lines.push(...relabel.map(({ actor, labels }) => `relabelled actor ${actor}: ${Object.entries(labels).map(([k, v]) => (v === null ? `-${k}` : `${k}=${v}`)).join(', ')}`));
      reports.push(await session.check({ index, count: steps.length, name: step.name, checks: step.checks, changes: lines, relabel, changedAt: clock.now() }));
    }
  }
  if (writer) {
    progress.step(`putting back the ${changes.length} change(s) the steps made`);
    try {
      const outcome = await writer.restoreAll({ force: false, finalState: 'restored', reason: 'the scenario ended' });
      const left = [...outcome.changedSince.map((c) => `${c}: left as it is`), ...outcome.failures];
      if (left.length > 0) late.push({ kind: 'restore', message: `not everything was put back (${left.join('; ')}); "kubeknock rollout --undo ${deps.store.undoArgument}" retries` });
    } catch (error) {
      late.push({ kind: 'restore', message: `putting the changes back failed: ${describeError(error)}; "kubeknock rollout --undo ${deps.store.undoArgument}" retries` });
    }
  }
  const closed = await session.close();
  late.push(...closed.errors);
  if (reports.length === 0) {
    // The first step's change failed before any check ran: the run still has its report.
    reports.push(notStartedReport(scenario, { runId: options.runId, toolVersion: options.toolVersion, at: clock.now(), server: cluster.server, error: late[0] ?? { kind: 'run', message: 'no step ran' } }));
    return attachToLast(reports, late.slice(1), closed.teardownMs);
  }
  return attachToLast(reports, late, closed.teardownMs);
}

/** Errors after the last step (restore, teardown) belong on the last report, as a run's would. */
function attachToLast(reports: readonly RunReport[], errors: readonly RunError[], teardownMs: number | undefined): RunReport[] {
  const last = reports.at(-1);
  if (!last) return [];
  return [...reports.slice(0, -1), { ...last, errors: [...last.errors, ...errors], ...(teardownMs === undefined ? {} : { teardownMs }) }];
}
