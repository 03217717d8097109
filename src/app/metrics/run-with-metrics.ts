/**
 * A run with its audit metrics: the target is checked before the run starts, the run goes as always
 * (its report printed, its exit code kept), then the metrics are published, also when the run broke
 * (exit 2, no reports) so a broken audit shows as one instead of going silent.
 *
 * When publishing fails: the message goes to stderr, and the exit code becomes 2 only if the run
 * itself passed; a run that failed keeps its own code (1, 2, 130, 143), so a push failure never hides
 * the audit's result.
 */
import { KubeknockError } from '../../model/errors.js';
import type { Clock } from '../../probe/clock.js';
import type { RunOutcome } from '../run.js';
import { publishMetrics, type MetricsRequest, type PublishDeps } from './publish.js';
import { checkMetricsTarget } from './textfile.js';

export interface RunWithMetricsDeps extends PublishDeps {
  readonly clock: Pick<Clock, 'now'>;
  readonly version: string;
  /** A publish failure, one line each (stderr). */
  readonly warn: (text: string) => void;
}

export async function runWithMetrics(request: MetricsRequest | undefined, deps: RunWithMetricsDeps, run: () => Promise<RunOutcome>): Promise<RunOutcome> {
  if (request === undefined) return run();
  if (request.file !== undefined) await checkMetricsTarget(request.file);
  const startedAt = deps.clock.now();
  let outcome: RunOutcome | undefined;
  let failure: unknown;
  try {
    outcome = await run();
  } catch (error) {
    failure = error;
  }
  const finishedAt = deps.clock.now();
  const exitCode = outcome?.exitCode ?? (failure instanceof KubeknockError ? failure.exitCode : 2);
  const problems = await publishMetrics(
    request,
    { version: deps.version, reports: outcome?.reports ?? [], exitCode, finishedAtSeconds: finishedAt / 1000, durationSeconds: (finishedAt - startedAt) / 1000 },
    deps,
  );
  for (const problem of problems) deps.warn(`metrics: ${problem}`);
  if (failure !== undefined) throw failure;
  if (outcome === undefined) throw new Error('a run ended with neither an outcome nor an error');
  return problems.length > 0 && outcome.exitCode === 0 ? { ...outcome, exitCode: 2 } : outcome;
}
