/**
 * Probe rounds: every probe that still disagrees with its expectation runs again, each probe pod's
 * share as batches of one exec each, `concurrency` execs at once, until all agree or their attempts
 * are used up. Records are values: a round returns new records with one more attempt each.
 */
import pLimit from 'p-limit';
import type { Attempt } from '../model/report.js';
import type { Defaults } from '../model/scenario.js';
import { buildBatchScript, parseBatchOutput } from './batch-script.js';
import { classifyOutcome } from './classify.js';
import type { Clock } from './clock.js';
import type { ClusterPort, ExecResult, RunningPod } from './cluster-port.js';
import { judgeOutcome } from './judge.js';
import { PROBE_CONTAINER } from './pod-spec.js';
import { needsAnotherAttempt, type ProbeRecord } from './results.js';
import { batchBudgetMs } from './run-limits.js';

/** Output kept per attempt; the exec's full output is never needed to judge. */
const OUTPUT_LIMIT = 4096;

export interface RoundsContext {
  readonly cluster: ClusterPort;
  readonly pods: ReadonlyMap<string, RunningPod>;
  readonly defaults: Pick<Defaults, 'concurrency' | 'retryDelaySeconds' | 'denyOutcomes'>;
  readonly probesPerExec: number;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly progress: { step(text: string): void; update(text: string): void };
}

export interface RoundsResult {
  /** Every attempt made, also when a round broke off. */
  readonly records: readonly ProbeRecord[];
  readonly busyboxVersion?: string;
  /** Clock time each round's probes started (round k's attempts are every probe's k-th). */
  readonly roundStarts: readonly number[];
  /** What broke a round off (an exec that threw rather than returning a failed result); no more rounds ran. */
  readonly failure?: unknown;
}

export async function runRounds(initial: readonly ProbeRecord[], ctx: RoundsContext): Promise<RoundsResult> {
  const { clock, signal, progress, defaults } = ctx;
  const limit = pLimit(defaults.concurrency);
  let records = initial;
  let busyboxVersion: string | undefined;
  const roundStarts: number[] = [];
  for (let round = 1; !signal?.aborted; round += 1) {
    const due = records.filter(needsAnotherAttempt);
    if (due.length === 0) break;
    if (round > 1) {
      progress.step(`round ${round}: retrying ${due.length} probe(s) whose result differs from the expectation`);
      await clock.sleep(defaults.retryDelaySeconds * 1000, signal);
      if (signal?.aborted) break;
    } else {
      progress.step(`running ${due.length} probe(s) from ${ctx.pods.size} pod(s)`);
    }
    roundStarts.push(clock.now());
    let finished = 0;
    // Settled, not all: the batches that finished keep their attempts when another one throws.
    const settled = await Promise.allSettled(
      batchesByPod(due, ctx.pods, ctx.probesPerExec).map(({ pod, items }) =>
        limit(async () => {
          const batch = await runBatch(ctx, pod, items);
          finished += items.length;
          progress.update(`${finished}/${due.length} probes done`);
          return batch;
        }),
      ),
    );
    const outcomes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const attempts = new Map(outcomes.flatMap((batch) => [...batch.attempts]));
    busyboxVersion ??= outcomes.find((batch) => batch.busyboxVersion !== undefined)?.busyboxVersion;
    records = records.map((record) => {
      const attempt = attempts.get(record.probe.id);
      return attempt === undefined ? record : { ...record, attempts: [...record.attempts, attempt] };
    });
    const broken = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (broken !== undefined) return { records, roundStarts, ...(busyboxVersion === undefined ? {} : { busyboxVersion }), failure: broken.reason };
  }
  return busyboxVersion === undefined ? { records, roundStarts } : { records, roundStarts, busyboxVersion };
}

/** The due probes of each pod, cut into batches of at most `perExec`. */
export function batchesByPod(due: readonly ProbeRecord[], pods: ReadonlyMap<string, RunningPod>, perExec: number): { pod: RunningPod; items: ProbeRecord[] }[] {
  const byActor = new Map<string, ProbeRecord[]>();
  for (const record of due) byActor.set(record.probe.check.from, [...(byActor.get(record.probe.check.from) ?? []), record]);
  const batches: { pod: RunningPod; items: ProbeRecord[] }[] = [];
  for (const [actor, items] of byActor) {
    const pod = pods.get(actor);
    if (!pod) continue;
    for (let i = 0; i < items.length; i += perExec) batches.push({ pod, items: items.slice(i, i + perExec) });
  }
  return batches;
}

export interface BatchAttempts {
  /** One attempt per probe of the batch, by probe id. */
  readonly attempts: ReadonlyMap<string, Attempt>;
  readonly busyboxVersion?: string;
}

/** One exec: every probe of the batch at once inside the pod. */
async function runBatch(ctx: RoundsContext, pod: RunningPod, items: readonly ProbeRecord[]): Promise<BatchAttempts> {
  const tasks = items.map((r) => r.probe.task);
  const started = ctx.clock.now();
  // Each exec gets a signal of its own that follows the run's. An exec listens for 'abort' while it
  // runs; `concurrency` of them listening on the one shared signal pile up there (Node warns past 10).
  // A signal from AbortSignal.any is aborted by its source without a listener on it.
  const signal = ctx.signal ? AbortSignal.any([ctx.signal]) : undefined;
  const result = await ctx.cluster.exec(pod, PROBE_CONTAINER, ['sh', '-c', buildBatchScript(tasks)], {
    timeoutMs: batchBudgetMs(tasks),
    ...(signal ? { signal } : {}),
  });
  return batchAttempts(pod, items, result, ctx.clock.now() - started, ctx.defaults.denyOutcomes);
}

/**
 * What one exec's result means for each probe of its batch. Pure. A probe without an intact frame is
 * an exec error that says why: the script's own error (no writable /tmp, say) when it reported one,
 * else its exit status.
 */
export function batchAttempts(
  pod: RunningPod,
  items: readonly ProbeRecord[],
  result: ExecResult,
  elapsedMs: number,
  denyOutcomes: Defaults['denyOutcomes'],
): BatchAttempts {
  const where = `${pod.namespace}/${pod.name}`;
  if (result.type === 'failed') {
    const attempt = execError(`exec into ${where} failed: ${result.reason}`, result.stderr, elapsedMs);
    return { attempts: new Map(items.map((record) => [record.probe.id, attempt])) };
  }
  const parsed = parseBatchOutput(result.stdout, items.map((r) => r.probe.task.id));
  const attempts = new Map<string, Attempt>();
  for (const record of items) {
    const raw = parsed.results.find((r) => r.id === record.probe.id);
    if (!raw) {
      attempts.set(record.probe.id, execError(`${missingReason(parsed.scriptErrors, result.exitCode)} in ${where}`, result.stderr, elapsedMs));
      continue;
    }
    const outcome = classifyOutcome(record.probe.task, raw);
    attempts.set(record.probe.id, {
      outcome,
      observed: judgeOutcome(record.probe.check.kind, outcome, denyOutcomes),
      exitCode: raw.exitCode,
      output: raw.output.slice(0, OUTPUT_LIMIT),
      durationMs: raw.durationMs,
    });
  }
  return parsed.busyboxVersion === undefined ? { attempts } : { attempts, busyboxVersion: parsed.busyboxVersion };
}

function missingReason(scriptErrors: readonly string[], exitCode: number): string {
  if (scriptErrors.length > 0) return `the probe script failed (exit ${exitCode}): ${scriptErrors.join('; ')}`;
  return exitCode === 0 ? 'the probe printed no result' : `the probe script exited ${exitCode}`;
}

function execError(detail: string, stderr: string, durationMs: number): Attempt {
  return { outcome: { class: 'exec-error', detail }, observed: 'error', exitCode: null, output: stderr.slice(0, OUTPUT_LIMIT), durationMs };
}
