/**
 * The live run of one scenario against a ClusterPort: create one probe pod per actor, wait, settle,
 * run every pod's probes in ONE exec per attempt round, retry only what disagrees with its
 * expectation, and always tear down. Returns a report even when the run fails or is interrupted.
 */
import pLimit from 'p-limit';
import { managedSelector } from '../model/labels.js';
import type { Attempt, RunError, RunReport } from '../model/report.js';
import type { ProbeTask } from '../model/probe.js';
import type { Scenario } from '../model/scenario.js';
import { buildBatchScript, parseBatchOutput } from './batch-script.js';
import { classifyOutcome } from './classify.js';
import type { Clock } from './clock.js';
import { PodStartError, type ClusterPort, type PodRef, type RunningPod } from './cluster-port.js';
import { probeCommandLine } from './commands.js';
import { probePodsOf, resolveExpectations, type ExpectationResolver } from './expectations.js';
import { judgeOutcome } from './judge.js';
import { planProbes, type TargetFacts } from './plan.js';
import { buildProbePod, PROBE_CONTAINER } from './pod-spec.js';
import { needsAnotherAttempt, toCheckResult, type ProbeRecord } from './results.js';

/** Where the runner says what it is doing; the app maps this to a spinner or log lines. */
export interface RunProgress {
  step(text: string): void;
  update(text: string): void;
  /** The current step failed, with this one-line reason. */
  failed(text: string): void;
}

export interface RunOptions {
  readonly runId: string;
  readonly clusterDomain: string;
  /** Leave the probe pods in place (for debugging); they still die at their deadline. */
  readonly keep: boolean;
  readonly signal?: AbortSignal;
  readonly progress: RunProgress;
  readonly clock: Clock;
  readonly toolVersion: string;
  readonly facts: TargetFacts;
  /**
   * Probes per exec (default 64). 1 makes one exec per check: the naive baseline the benchmark
   * compares against, never what a user wants.
   */
  readonly probesPerExec?: number;
  /**
   * Derives the expectations of `expect: policy` checks; called once, after the pods run and the
   * probes are planned. Without it those checks are skipped and the run records a `policy` error.
   */
  readonly resolveExpectations?: ExpectationResolver;
}

/** Probes per exec: keeps the command line (sent in the exec URL) a sane size. */
export const DEFAULT_PROBES_PER_EXEC = 64;
/** Added to the longest probe timeout for the exec as a whole: name lookups, process start, framing. */
export const EXEC_GRACE_MS = 15_000;
export const DELETE_TIMEOUT_MS = 90_000;

export async function runScenario(scenario: Scenario, cluster: ClusterPort, options: RunOptions): Promise<RunReport> {
  const { clock, progress, signal } = options;
  const startedAt = clock.now();
  const errors: RunError[] = [];
  const created: { actor: string; ref: PodRef; labels: Readonly<Record<string, string>> }[] = [];
  const records: ProbeRecord[] = [];
  let podStartMs: number | undefined;
  let probeMs: number | undefined;
  let teardownMs: number | undefined;
  let busyboxVersion: string | undefined;
  let skippedBecause = 'not run';
  let createsSent = false;

  try {
    await execute();
  } catch (error) {
    progress.failed(messageOf(error));
    if (abortedBy(signal)) skippedBecause = 'the run was interrupted before this check ran';
    else {
      errors.push({ kind: error instanceof PodStartError ? 'pod-start' : 'run', message: messageOf(error) });
      skippedBecause = error instanceof PodStartError ? 'probe pods could not start' : 'the run failed before this check ran';
    }
  } finally {
    await tearDown();
  }
  return finish();

  async function execute(): Promise<void> {
    progress.step(`creating ${scenario.actors.size} probe pod(s)`);
    createsSent = true;
    const creations = await Promise.allSettled(
      [...scenario.actors.values()].map(async (actor) => {
        const manifest = buildProbePod({ actor, scenarioName: scenario.name, runId: options.runId, settings: scenario.defaults.pod });
        const ref = await cluster.createPod(manifest);
        created.push({ actor: actor.name, ref, labels: manifest.metadata.labels });
      }),
    );
    const failedCreates = creations.flatMap((c) => (c.status === 'rejected' ? [c.reason as unknown] : []));
    if (failedCreates.length > 0) {
      for (const reason of failedCreates) errors.push({ kind: 'pod-create', message: messageOf(reason) });
      progress.failed(messageOf(failedCreates[0]));
      skippedBecause = 'probe pods could not be created';
      return;
    }

    progress.step('waiting for probe pods to run');
    const running = await cluster.waitForPodsRunning(
      created.map((c) => c.ref),
      { timeoutMs: scenario.defaults.pod.startTimeoutSeconds * 1000, ...(signal ? { signal } : {}), onProgress: (line) => progress.update(line) },
    );
    podStartMs = clock.now() - startedAt;
    const podsByActor = new Map<string, RunningPod>();
    for (const { actor, ref } of created) {
      const pod = running.find((r) => r.namespace === ref.namespace && r.name === ref.name);
      if (pod) podsByActor.set(actor, pod);
    }

    const plan = planProbes(scenario, podsByActor, options.facts, { clusterDomain: options.clusterDomain });
    const planned = [...plan.values()].flat();
    const fromPolicy = planned.filter((probe) => probe.check.expect === 'policy').length;
    if (fromPolicy > 0) progress.step(`deriving the expectation of ${fromPolicy} probe(s) from the cluster's NetworkPolicies`);
    const expectations = await resolveExpectations(planned, probePodsOf(scenario.actors, created, podsByActor), options.resolveExpectations);
    if (expectations.error) {
      errors.push(expectations.error);
      progress.failed(expectations.error.message);
    }
    for (const probe of planned) {
      const pod = podsByActor.get(probe.check.from);
      const expectation = expectations.byProbe.get(probe.id);
      if (!expectation) throw new Error(`no expectation resolved for probe ${probe.id}`);
      records.push({ probe, expectation, ...(pod ? { fromPod: `${pod.namespace}/${pod.name}` } : {}), command: probeCommandLine(probe.task), attempts: [] });
    }
    // Report in the scenario's order, not grouped by pod.
    const order = new Map(scenario.checks.map((c, i) => [c.id, i]));
    records.sort((a, b) => (order.get(a.probe.check.id) ?? 0) - (order.get(b.probe.check.id) ?? 0));
    if (abortedBy(signal) || !records.some(needsAnotherAttempt)) return;

    if (scenario.defaults.settleSeconds > 0) {
      progress.step(`settling ${scenario.defaults.settleSeconds}s for the network plugin to program the new pods`);
      await clock.sleep(scenario.defaults.settleSeconds * 1000, signal);
    }

    const probesStarted = clock.now();
    const limit = pLimit(scenario.defaults.concurrency);
    for (let round = 1; !abortedBy(signal); round += 1) {
      const due = records.filter(needsAnotherAttempt);
      if (due.length === 0) break;
      if (round > 1) {
        progress.step(`round ${round}: retrying ${due.length} probe(s) whose result differs from the expectation`);
        await clock.sleep(scenario.defaults.retryDelaySeconds * 1000, signal);
        if (abortedBy(signal)) break;
      } else {
        progress.step(`running ${due.length} probe(s) from ${podsByActor.size} pod(s)`);
      }
      const batches = batchesByPod(due, podsByActor, options.probesPerExec ?? DEFAULT_PROBES_PER_EXEC);
      let finished = 0;
      await Promise.all(
        batches.map(({ pod, items }) =>
          limit(async () => {
            const version = await runBatch(cluster, pod, items, scenario.defaults.denyOutcomes, clock, signal);
            busyboxVersion ??= version;
            finished += items.length;
            progress.update(`${finished}/${due.length} probes done`);
          }),
        ),
      );
    }
    probeMs = clock.now() - probesStarted;
    if (abortedBy(signal)) skippedBecause = 'the run was interrupted before this check ran';
  }

  async function tearDown(): Promise<void> {
    if (!createsSent) return;
    const refs = created.map((c) => c.ref);
    if (options.keep) {
      progress.step(`--keep: leaving ${refs.length} probe pod(s): ${refs.map((r) => `${r.namespace}/${r.name}`).join(', ')} (they die after ${scenario.defaults.pod.deadlineSeconds}s; "kubeknock cleanup --run-id ${options.runId}" removes them now)`);
      return;
    }
    progress.step(`deleting ${refs.length} probe pod(s)`);
    const started = clock.now();
    try {
      await cluster.deletePods(refs, { gracePeriodSeconds: 1, timeoutMs: DELETE_TIMEOUT_MS });
      await deleteStrays(refs);
    } catch (error) {
      progress.failed(messageOf(error));
      errors.push({ kind: 'cleanup', message: `${messageOf(error)}; run "kubeknock cleanup --run-id ${options.runId}"` });
    }
    teardownMs = clock.now() - started;
  }

  /**
   * A create whose answer was lost (the connection dropped after the API server stored the pod)
   * leaves a pod we know no name of; the run-id label finds it. One list per probe namespace.
   */
  async function deleteStrays(known: readonly PodRef[]): Promise<void> {
    const knownNames = new Set(known.map((ref) => `${ref.namespace}/${ref.name}`));
    const namespaces = [...new Set([...scenario.actors.values()].map((actor) => actor.namespace))];
    const listed = await Promise.all(namespaces.map((namespace) => cluster.listPods(managedSelector(options.runId), namespace)));
    const strays = listed.flat().filter((pod) => !knownNames.has(`${pod.namespace}/${pod.name}`) && !pod.deleting);
    if (strays.length === 0) return;
    progress.update(`deleting ${strays.length} probe pod(s) whose creation was not confirmed`);
    await cluster.deletePods(strays, { gracePeriodSeconds: 1, timeoutMs: DELETE_TIMEOUT_MS });
  }

  function finish(): RunReport {
    if (abortedBy(signal) && !errors.some((e) => e.kind === 'interrupted')) {
      errors.push({ kind: 'interrupted', message: messageOf(signal?.reason ?? 'interrupted') });
    }
    const checks = records.map((r) => toCheckResult(r, skippedBecause));
    const plannedIds = new Set(records.map((r) => r.probe.check.id));
    for (const check of scenario.checks) {
      if (plannedIds.has(check.id)) continue;
      const expectSource = check.expect === 'policy' ? 'policy' : 'scenario';
      checks.push({ id: check.id, name: check.name, from: check.from, to: check.toLabel, kind: check.kind, expect: check.expect, expectSource, status: 'skipped', attempts: [], durationMs: 0, message: skippedBecause });
    }
    const finishedAt = clock.now();
    const stats = cluster.stats();
    return {
      tool: { name: 'kubeknock', version: options.toolVersion },
      scenario: { name: scenario.name, file: scenario.file },
      runId: options.runId,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: finishedAt - startedAt,
      ...(podStartMs === undefined ? {} : { podStartMs }),
      ...(probeMs === undefined ? {} : { probeMs }),
      ...(teardownMs === undefined ? {} : { teardownMs }),
      ...(busyboxVersion ? { busyboxVersion } : {}),
      image: scenario.defaults.pod.image,
      cluster: { server: cluster.server },
      checks,
      summary: {
        total: checks.length,
        passed: checks.filter((c) => c.status === 'pass').length,
        failed: checks.filter((c) => c.status === 'fail').length,
        skipped: checks.filter((c) => c.status === 'skipped').length,
      },
      errors,
      interrupted: abortedBy(signal),
      stats: { execs: stats.execs, apiRequests: stats.apiRequests },
    };
  }
}

function batchesByPod(due: readonly ProbeRecord[], pods: ReadonlyMap<string, RunningPod>, perExec: number): { pod: RunningPod; items: ProbeRecord[] }[] {
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

/** One exec: every probe of the batch at once inside the pod; each gets an Attempt. Returns the BusyBox version seen. */
async function runBatch(
  cluster: ClusterPort,
  pod: RunningPod,
  items: readonly ProbeRecord[],
  denyOutcomes: Scenario['defaults']['denyOutcomes'],
  clock: Clock,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const tasks: ProbeTask[] = items.map((r) => r.probe.task);
  const longest = Math.max(...tasks.map((t) => t.timeoutSeconds)) * 1000;
  const started = clock.now();
  const result = await cluster.exec(pod, PROBE_CONTAINER, ['sh', '-c', buildBatchScript(tasks)], {
    timeoutMs: longest * 2 + EXEC_GRACE_MS,
    ...(signal ? { signal } : {}),
  });
  const elapsed = clock.now() - started;
  if (result.type === 'failed') {
    for (const record of items) record.attempts.push(execError(`exec into ${pod.namespace}/${pod.name} failed: ${result.reason}`, result.stderr, elapsed));
    return undefined;
  }
  const parsed = parseBatchOutput(result.stdout, tasks.map((t) => t.id));
  for (const record of items) {
    const raw = parsed.results.find((r) => r.id === record.probe.id);
    if (!raw) {
      const why = result.exitCode === 0 ? 'the probe printed no result' : `the probe script exited ${result.exitCode}`;
      record.attempts.push(execError(`${why} in ${pod.namespace}/${pod.name}`, result.stderr, elapsed));
      continue;
    }
    const outcome = classifyOutcome(record.probe.task, raw);
    record.attempts.push({
      outcome,
      observed: judgeOutcome(record.probe.check.kind, outcome, denyOutcomes),
      exitCode: raw.exitCode,
      output: raw.output.slice(0, 4096),
      durationMs: raw.durationMs,
    });
  }
  return parsed.busyboxVersion;
}

function execError(detail: string, stderr: string, durationMs: number): Attempt {
  return { outcome: { class: 'exec-error', detail }, observed: 'error', exitCode: null, output: stderr.slice(0, 4096), durationMs };
}

function abortedBy(signal: AbortSignal | undefined): boolean {
  return signal?.aborted ?? false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
