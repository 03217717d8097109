/**
 * The live run of one scenario against a ClusterPort, as its phases: create one probe pod per actor →
 * wait until they run → plan the probes (and derive `expect: policy` expectations) → settle → probe
 * rounds (src/probe/rounds.ts) → tear down, always. Each phase returns the run's next state; the
 * report is built from the last one (src/probe/run-state.ts), even when the run fails or is interrupted.
 */
import { managedSelector } from '../model/labels.js';
import type { Scenario } from '../model/scenario.js';
import type { RunReport } from '../model/report.js';
import { actorsReachedOverIpv6 } from './addresses.js';
import type { Clock } from './clock.js';
import { PodStartError, type ClusterPort, type PodRef, type RunningPod } from './cluster-port.js';
import { probeCommandLine } from './commands.js';
import { probePodsOf, resolveExpectations, type ExpectationResolver } from './expectations.js';
import { planProbes, type TargetFacts } from './plan.js';
import pLimit from 'p-limit';
import { DNS_READY_SECONDS, dnsQuestions, dnsReadyScript } from './dns-ready.js';
import { buildProbePod, PROBE_CONTAINER } from './pod-spec.js';
import { needsAnotherAttempt, type ProbeRecord } from './results.js';
import { runRounds, type RoundsContext } from './rounds.js';
import { DEFAULT_PROBES_PER_EXEC, DELETE_TIMEOUT_MS } from './run-limits.js';
import { buildReport, initialState, type CreatedPod, type RunState } from './run-state.js';

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
  /** Also attach what the policies say to checks with a written expectation (a rollout explains a broken cell). */
  readonly explainAll?: boolean;
}

export interface RunContext {
  readonly scenario: Scenario;
  readonly cluster: ClusterPort;
  readonly options: RunOptions;
}

type Phase = (ctx: RunContext, state: RunState) => Promise<RunState>;

/** In order; a phase that stops the run (state.stopped) or an interrupt ends the sequence. */
const PHASES: readonly Phase[] = [createPods, waitRunning, planChecks, settle, probeRounds];

export async function runScenario(scenario: Scenario, cluster: ClusterPort, options: RunOptions): Promise<RunReport> {
  return (await judgeScenario(scenario, cluster, options)).tearDown();
}

/** A scenario whose probes are all judged and whose probe pods still exist. */
export interface JudgedRun {
  /** The verdict: every check's result; no teardown time, and no cleanup error yet. */
  readonly verdict: RunReport;
  /** Deletes the probe pods (or keeps them for --keep); never throws. Resolves with the final report. */
  tearDown(): Promise<RunReport>;
}

/**
 * Runs every phase but the teardown, so the caller can show the verdict before waiting for the pods
 * to go (that wait is seconds a person sees for nothing). The caller must call tearDown() on every
 * path; it never throws, so a `finally` can.
 */
export async function judgeScenario(scenario: Scenario, cluster: ClusterPort, options: RunOptions): Promise<JudgedRun> {
  const ctx: RunContext = { scenario, cluster, options };
  const { clock, progress, signal } = options;
  let state = initialState(clock.now());
  try {
    for (const phase of PHASES) {
      if (state.stopped !== undefined) break;
      if (signal?.aborted) {
        state = { ...state, stopped: 'interrupted' };
        break;
      }
      state = await phase(ctx, state);
    }
  } catch (error) {
    progress.failed(messageOf(error));
    state = signal?.aborted ? { ...state, stopped: 'interrupted' } : failed(state, error);
  }
  const report = (current: RunState): RunReport => {
    const interrupted = signal?.aborted ?? false;
    return buildReport(scenario, current, {
      runId: options.runId,
      toolVersion: options.toolVersion,
      server: cluster.server,
      finishedAt: clock.now(),
      stats: cluster.stats(),
      ...(interrupted ? { interruption: messageOf(signal?.reason ?? 'interrupted') } : {}),
    });
  };
  const judged = state;
  return { verdict: report(judged), tearDown: async () => report(await tearDown(ctx, judged)) };
}

export function failed(state: RunState, error: unknown): RunState {
  const kind = error instanceof PodStartError ? 'pod-start' : 'run';
  return { ...state, stopped: kind, errors: [...state.errors, { kind, message: messageOf(error) }] };
}

export async function createPods({ scenario, cluster, options }: RunContext, state: RunState): Promise<RunState> {
  const placement = options.facts.placement ?? new Map<string, string>();
  const nodes = new Set(placement.values()).size;
  options.progress.step(`creating ${scenario.actors.size} probe pod(s)${nodes > 1 ? ` on ${nodes} nodes` : ''}`);
  const created: CreatedPod[] = [];
  const overIpv6 = actorsReachedOverIpv6(scenario);
  const creations = await Promise.allSettled(
    [...scenario.actors.values()].map(async (actor) => {
      const node = placement.get(actor.name);
      const manifest = buildProbePod({ actor, scenarioName: scenario.name, runId: options.runId, settings: scenario.defaults.pod, dualStack: overIpv6.has(actor.name), ...(node === undefined ? {} : { node }) });
      const ref = await cluster.createPod(manifest);
      created.push({ actor: actor.name, ref, labels: manifest.metadata.labels });
    }),
  );
  const next: RunState = { ...state, createsSent: true, created };
  const failedCreates = creations.flatMap((c) => (c.status === 'rejected' ? [c.reason as unknown] : []));
  if (failedCreates.length === 0) return next;
  options.progress.failed(messageOf(failedCreates[0]));
  return { ...next, stopped: 'pod-create', errors: [...next.errors, ...failedCreates.map((reason) => ({ kind: 'pod-create' as const, message: messageOf(reason) }))] };
}

export async function waitRunning({ scenario, cluster, options }: RunContext, state: RunState): Promise<RunState> {
  const { progress, signal, clock } = options;
  progress.step('waiting for probe pods to run');
  const running = await cluster.waitForPodsRunning(
    state.created.map((c) => c.ref),
    { timeoutMs: scenario.defaults.pod.startTimeoutSeconds * 1000, ...(signal ? { signal } : {}), onProgress: (line) => progress.update(line) },
  );
  const podsByActor = new Map<string, RunningPod>();
  for (const { actor, ref } of state.created) {
    const pod = running.find((r) => r.namespace === ref.namespace && r.name === ref.name);
    if (pod) podsByActor.set(actor, pod);
  }
  return { ...state, podsByActor, podStartMs: clock.now() - state.startedAt };
}

/** Plans every probe and fixes what each is judged against; records come out in the scenario's check order. */
export async function planChecks({ scenario, options }: RunContext, state: RunState): Promise<RunState> {
  const { podsByActor } = state;
  const planned = [...planProbes(scenario, podsByActor, options.facts, { clusterDomain: options.clusterDomain }).values()].flat();
  const fromPolicy = planned.filter((probe) => probe.check.expect === 'policy').length;
  if (fromPolicy > 0) options.progress.step(`deriving the expectation of ${fromPolicy} probe(s) from the cluster's NetworkPolicies`);
  const expectations = await resolveExpectations(planned, probePodsOf(scenario.actors, state.created, podsByActor), options.resolveExpectations, { explainAll: options.explainAll ?? false });
  if (expectations.error) options.progress.failed(expectations.error.message);
  const records: ProbeRecord[] = planned.map((probe) => {
    const pod = podsByActor.get(probe.check.from);
    const expectation = expectations.byProbe.get(probe.id);
    if (!expectation) throw new Error(`no expectation resolved for probe ${probe.id}`);
    return {
      probe,
      expectation,
      ...(pod ? { fromPod: `${pod.namespace}/${pod.name}` } : {}),
      ...(pod?.node ? { fromNode: pod.node } : {}),
      command: probeCommandLine(probe.task),
      attempts: [],
    };
  });
  const order = new Map(scenario.checks.map((c, i) => [c.id, i]));
  records.sort((a, b) => (order.get(a.probe.check.id) ?? 0) - (order.get(b.probe.check.id) ?? 0));
  return { ...state, records, errors: expectations.error ? [...state.errors, expectations.error] : state.errors };
}

/**
 * Waits for the network plugin to program the new pods, unless no probe is due; then, bounded, until
 * every pod whose checks expect DNS to answer gets an answer (src/probe/dns-ready.ts).
 */
export async function settle(ctx: RunContext, state: RunState): Promise<RunState> {
  const { scenario, options } = ctx;
  const seconds = scenario.defaults.settleSeconds;
  if (seconds <= 0 || !state.records.some(needsAnotherAttempt)) return state;
  options.progress.step(`settling ${seconds}s for the network plugin to program the new pods`);
  await options.clock.sleep(seconds * 1000, options.signal);
  if (!options.signal?.aborted) await waitForDns(ctx, state);
  return state;
}

/** One exec per pod that needs DNS, `concurrency` at once; an exec that fails only ends that pod's wait. */
async function waitForDns({ scenario, cluster, options }: RunContext, state: RunState): Promise<void> {
  const questions = [...dnsQuestions(state.records)].flatMap(([actor, question]) => {
    const pod = state.podsByActor.get(actor);
    return pod === undefined ? [] : [{ pod, question }];
  });
  if (questions.length === 0) return;
  options.progress.step(`waiting up to ${DNS_READY_SECONDS}s until ${questions.length} probe pod(s) get answers from DNS (a new pod may reach it only seconds after it runs)`);
  const limit = pLimit(scenario.defaults.concurrency);
  const answered = await Promise.all(
    questions.map(({ pod, question }) =>
      limit(() =>
        cluster
          .exec(pod, PROBE_CONTAINER, ['sh', '-c', dnsReadyScript(question)], { timeoutMs: (DNS_READY_SECONDS + 10) * 1000, ...(options.signal ? { signal: options.signal } : {}) })
          .then(
            (result) => result.type === 'exited' && result.exitCode === 0,
            () => false,
          ),
      ),
    ),
  );
  const silent = answered.filter((ok) => !ok).length;
  if (silent > 0) options.progress.update(`${silent} probe pod(s) got no DNS answer within ${DNS_READY_SECONDS}s; their checks will say what they see`);
}

/** What the probe rounds of this run need: its cluster, pods, defaults, clock and progress. */
export function roundsContext({ scenario, cluster, options }: RunContext, state: RunState): RoundsContext {
  return {
    cluster,
    pods: state.podsByActor,
    defaults: scenario.defaults,
    probesPerExec: options.probesPerExec ?? DEFAULT_PROBES_PER_EXEC,
    clock: options.clock,
    ...(options.signal ? { signal: options.signal } : {}),
    progress: options.progress,
  };
}

export async function probeRounds({ scenario, cluster, options }: RunContext, state: RunState): Promise<RunState> {
  if (!state.records.some(needsAnotherAttempt)) return state;
  const started = options.clock.now();
  const result = await runRounds(state.records, roundsContext({ scenario, cluster, options }, state));
  const next: RunState = {
    ...state,
    records: result.records,
    probeMs: options.clock.now() - started,
    roundStarts: result.roundStarts,
    ...(result.busyboxVersion === undefined ? {} : { busyboxVersion: result.busyboxVersion }),
  };
  if (options.signal?.aborted) return { ...next, stopped: 'interrupted' };
  if (result.failure === undefined) return next;
  options.progress.failed(messageOf(result.failure));
  return failed(next, result.failure);
}

/** Always runs, whatever happened before: deletes every pod the run created, or says how to. */
export async function tearDown({ scenario, cluster, options }: RunContext, state: RunState): Promise<RunState> {
  if (!state.createsSent) return state;
  const { progress, clock } = options;
  const refs = state.created.map((c) => c.ref);
  if (options.keep) {
    progress.step(`--keep: leaving ${refs.length} probe pod(s): ${refs.map((r) => `${r.namespace}/${r.name}`).join(', ')} (they die after ${scenario.defaults.pod.deadlineSeconds}s; "kubeknock cleanup --run-id ${options.runId}" removes them now)`);
    return state;
  }
  progress.step(`deleting ${refs.length} probe pod(s)`);
  const started = clock.now();
  const failure = await cluster
    .deletePods(refs, { gracePeriodSeconds: 1, timeoutMs: DELETE_TIMEOUT_MS })
    .then(() => deleteStrays({ scenario, cluster, options }, refs))
    .then(
      () => undefined,
      (error: unknown) => messageOf(error),
    );
  const teardownMs = clock.now() - started;
  if (failure === undefined) return { ...state, teardownMs };
  progress.failed(failure);
  return { ...state, teardownMs, errors: [...state.errors, { kind: 'cleanup', message: `${failure}; run "kubeknock cleanup --run-id ${options.runId}"` }] };
}

/**
 * A create whose answer was lost (the connection dropped after the API server stored the pod)
 * leaves a pod we know no name of; the run-id label finds it. One list per probe namespace.
 */
async function deleteStrays({ scenario, cluster, options }: RunContext, known: readonly PodRef[]): Promise<void> {
  const knownNames = new Set(known.map((ref) => `${ref.namespace}/${ref.name}`));
  const namespaces = [...new Set([...scenario.actors.values()].map((actor) => actor.namespace))];
  const listed = await Promise.all(namespaces.map((namespace) => cluster.listPods(managedSelector(options.runId), namespace)));
  const strays = listed.flat().filter((pod) => !knownNames.has(`${pod.namespace}/${pod.name}`) && !pod.deleting);
  if (strays.length === 0) return;
  options.progress.update(`deleting ${strays.length} probe pod(s) whose creation was not confirmed`);
  await cluster.deletePods(strays, { gracePeriodSeconds: 1, timeoutMs: DELETE_TIMEOUT_MS });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
