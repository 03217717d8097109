/**
 * `doctor --canary`: is anything enforcing NetworkPolicy at all? In a scratch namespace, a client
 * probe pod knocks on a server probe pod until it connects (else the network itself is broken), a
 * deny-all goes in, and the client knocks until it is denied (else NOT ENFORCED). Both waits are
 * bounded by the plan's timeout. The namespace is removed, and waited for, whatever happened.
 */
import type { CanaryCleanup, CanaryDenial, CanaryResult, CanaryVerdict } from '../../model/canary.js';
import { describeError } from '../../model/errors.js';
import type { ObjectPort } from '../../model/object-port.js';
import type { Outcome } from '../../model/outcome.js';
import type { ProbeTask } from '../../model/probe.js';
import type { Clock } from '../../probe/clock.js';
import type { ClusterPort, RunningPod } from '../../probe/cluster-port.js';
import { DEFAULT_DENY_OUTCOMES, judgeOutcome } from '../../probe/judge.js';
import { knock } from './knock.js';
import { isExpired, listCanaryNamespaces, namespaceRef, removeNamespace } from './namespaces.js';
import { canaryTask, type CanaryPlan } from './plan.js';

export interface CanaryPorts {
  readonly cluster: Pick<ClusterPort, 'createPod' | 'waitForPodsRunning' | 'exec'>;
  readonly objects: Pick<ObjectPort, 'create' | 'apply' | 'get' | 'delete' | 'list'>;
}

export interface CanaryOptions {
  readonly plan: CanaryPlan;
  readonly clock: Clock;
  /** SIGINT/SIGTERM: the knocking stops, the namespace is still removed. */
  readonly signal?: AbortSignal;
  /** One line of what it is doing, for stderr. */
  readonly progress: (line: string) => void;
}

/** Pause between knocks: each knock is one exec, a refused one returns at once. */
export const KNOCK_INTERVAL_MS = 1000;
/**
 * Denials in a row that make "enforced": one knock lost to something else (a dropped SYN on a busy
 * node times out too) must not pass for enforcement. The time reported is the first one's.
 */
const DENIALS_TO_CONFIRM = 2;

export async function runCanary(ports: CanaryPorts, options: CanaryOptions): Promise<CanaryResult> {
  const { plan, clock, signal, progress } = options;
  const swept = await sweepExpired(ports.objects, clock, progress);
  const writes = { sent: false };
  let verdict: CanaryVerdict;
  try {
    verdict = await probe(ports, options, writes);
  } catch (error) {
    verdict = signal?.aborted ? { type: 'interrupted' } : { type: 'failed', message: describeError(error) };
  }
  let cleanup: CanaryCleanup = { type: 'nothing' };
  if (writes.sent) {
    progress(`deleting namespace ${plan.namespace} and waiting until it is gone`);
    const started = clock.now();
    // Never with the run's signal: an interrupt is exactly when the namespace must still go.
    cleanup = await removeNamespace(ports.objects, plan.namespace, clock).then(
      (): CanaryCleanup => ({ type: 'removed', ms: clock.now() - started }),
      (error: unknown): CanaryCleanup => ({ type: 'failed', message: `${describeError(error)}; run "kubeknock cleanup --run-id ${plan.runId}"` }),
    );
  }
  return { namespace: plan.namespace, runId: plan.runId, verdict, cleanup, swept };
}

async function probe(ports: CanaryPorts, options: CanaryOptions, writes: { sent: boolean }): Promise<CanaryVerdict> {
  const { plan, clock, signal, progress } = options;
  const { cluster, objects } = ports;
  progress(`creating namespace ${plan.namespace}`);
  // From here on there may be something to remove, even if the answer to the create is lost.
  writes.sent = true;
  await objects.create(plan.namespaceObject);
  progress('starting the canary pods');
  const refs = await Promise.all([cluster.createPod(plan.server), cluster.createPod(plan.client)]);
  if (signal?.aborted) return { type: 'interrupted' };
  const running = await cluster.waitForPodsRunning(refs, {
    timeoutMs: plan.startTimeoutSeconds * 1000,
    ...(signal ? { signal } : {}),
    onProgress: (line) => progress(line),
  });
  const [server, client] = running;
  if (server === undefined || client === undefined) return { type: 'failed', message: 'the canary pods were not both reported running' };
  const task = canaryTask(server.ip);

  progress(`knocking ${client.name} → ${server.ip}:${task.kind === 'tcp' ? task.port : ''} until it connects (at most ${plan.timeoutSeconds}s)`);
  const connected = await knockUntil('allow', 1, { cluster, client, task, clock, signal, deadlineMs: clock.now() + plan.timeoutSeconds * 1000 });
  if (connected.type === 'interrupted') return connected;
  if (connected.type === 'not-seen') {
    if (connected.last?.class === 'exec-error') return { type: 'failed', message: `the knock could not tell: ${connected.last.detail}` };
    return { type: 'network-broken', waitedMs: connected.waitedMs, ...(connected.last ? { last: connected.last } : {}) };
  }

  progress(`applying NetworkPolicy ${plan.namespace}/${plan.denyAll.metadata.name}`);
  await objects.apply(plan.denyAll);
  const appliedAt = clock.now();
  progress(`knocking until the connection is denied (at most ${plan.timeoutSeconds}s)`);
  const denied = await knockUntil('deny', DENIALS_TO_CONFIRM, { cluster, client, task, clock, signal, deadlineMs: appliedAt + plan.timeoutSeconds * 1000 });
  if (denied.type === 'interrupted') return denied;
  if (denied.type === 'seen') {
    const denial = denialOf(denied.outcome);
    if (denial === undefined) return { type: 'failed', message: `a denial that is no denial: ${denied.outcome.class}` };
    return { type: 'enforced', afterMs: Math.max(0, denied.at - appliedAt), denial, knocks: denied.knocks };
  }
  if (denied.last?.class === 'exec-error') return { type: 'failed', message: `the knock could not tell: ${denied.last.detail}` };
  return { type: 'not-enforced', waitedMs: clock.now() - appliedAt, knocks: denied.knocks };
}

type KnockResult =
  /** `at`: when the first knock of the run of `wanted` ones was sent; `outcome`: what it saw. */
  | { readonly type: 'seen'; readonly at: number; readonly outcome: Outcome; readonly knocks: number }
  | { readonly type: 'not-seen'; readonly last?: Outcome; readonly knocks: number; readonly waitedMs: number }
  | { readonly type: 'interrupted' };

interface KnockContext {
  readonly cluster: CanaryPorts['cluster'];
  readonly client: RunningPod;
  readonly task: ProbeTask;
  readonly clock: Clock;
  readonly signal: AbortSignal | undefined;
  readonly deadlineMs: number;
}

/**
 * Knocks every KNOCK_INTERVAL_MS until `wanted` was observed `inARow` times in a row, or the deadline
 * passed (a run of wanted knocks that began before it may finish).
 */
async function knockUntil(wanted: 'allow' | 'deny', inARow: number, ctx: KnockContext): Promise<KnockResult> {
  const { clock, signal } = ctx;
  const started = clock.now();
  let knocks = 0;
  let streak: { at: number; outcome: Outcome; count: number } | undefined;
  let last: Outcome | undefined;
  for (;;) {
    if (signal?.aborted) return { type: 'interrupted' };
    const at = clock.now();
    last = await knock(ctx.cluster, ctx.client, ctx.task, signal);
    knocks += 1;
    if (signal?.aborted) return { type: 'interrupted' };
    if (judgeOutcome('tcp', last, DEFAULT_DENY_OUTCOMES) === wanted) {
      streak = streak === undefined ? { at, outcome: last, count: 1 } : { ...streak, count: streak.count + 1 };
      if (streak.count >= inARow) return { type: 'seen', at: streak.at, outcome: streak.outcome, knocks };
    } else {
      streak = undefined;
    }
    if (streak === undefined && clock.now() >= ctx.deadlineMs) return { type: 'not-seen', last, knocks, waitedMs: clock.now() - started };
    await clock.sleep(KNOCK_INTERVAL_MS, signal);
  }
}

function denialOf(outcome: Outcome): CanaryDenial | undefined {
  return outcome.class === 'refused' || outcome.class === 'timeout' || outcome.class === 'no-route' ? outcome.class : undefined;
}

/** Deletes (without waiting) the namespaces of earlier canaries past their expiry; a failure only warns. */
async function sweepExpired(objects: CanaryPorts['objects'], clock: Clock, progress: (line: string) => void): Promise<string[]> {
  try {
    const expired = (await listCanaryNamespaces(objects)).filter((ns) => isExpired(ns, clock.now()));
    for (const { name } of expired) await objects.delete(namespaceRef(name));
    if (expired.length > 0) progress(`removed ${expired.length} expired canary namespace(s) that killed canaries left: ${expired.map((ns) => ns.name).join(', ')}`);
    return expired.map((ns) => ns.name);
  } catch (error) {
    progress(`could not remove the namespaces of earlier canaries: ${describeError(error)}`);
    return [];
  }
}
