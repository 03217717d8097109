/**
 * Waits for probe pods to run by polling. A watch would save a few requests, but a poll has no
 * stream to lose, no resourceVersion to expire and no "pod deleted before the watch began" gap, and
 * at ~300 ms it fails within a blink of the kubelet reporting ErrImagePull.
 */
import { PodStartError, type PodRef, type RunningPod, type WaitOptions } from '../probe/cluster-port.js';
import { podAddresses, podFailure, podIsRunning, podStateSummary, type PodLike } from './pod-status.js';

/** Current state of some pods of one namespace. A name missing from the map is a pod that no longer exists. */
export type FetchPods = (namespace: string, names: readonly string[]) => Promise<ReadonlyMap<string, PodLike>>;

export interface PollOptions extends WaitOptions {
  readonly pollMs?: number;
  /** Consecutive fetch errors tolerated (a dropped connection) before giving up. */
  readonly maxConsecutiveErrors?: number;
}

export async function waitForPods(pods: readonly PodRef[], fetchPods: FetchPods, options: PollOptions): Promise<readonly RunningPod[]> {
  const pollMs = options.pollMs ?? 300;
  const deadline = Date.now() + options.timeoutMs;
  const running = new Map<string, RunningPod>();
  const lastState = new Map<string, string>();
  let lastProgress = '';
  let errors = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const pending = pods.filter((pod) => !running.has(key(pod)));
    if (pending.length === 0) return pods.map((pod) => running.get(key(pod)) as RunningPod);
    try {
      const groups = [...groupByNamespace(pending)];
      const answers = await Promise.all(groups.map(([namespace, names]) => fetchPods(namespace, names)));
      for (const [index, [namespace, names]] of groups.entries()) {
        const states = answers[index] ?? new Map<string, PodLike>();
        for (const name of names) {
          const ref = { namespace, name };
          const pod = states.get(name);
          if (!pod) throw new PodStartError(ref, 'Deleted', `probe pod ${namespace}/${name} was deleted while waiting for it to start`);
          const failure = podFailure(pod);
          if (failure) throw new PodStartError(ref, failure.reason, `probe pod ${namespace}/${name} cannot start: ${failure.message}`);
          if (podIsRunning(pod)) running.set(key(ref), runningPod(ref, pod));
          else lastState.set(key(ref), podStateSummary(pod));
        }
      }
      errors = 0;
    } catch (error) {
      if (error instanceof PodStartError) throw error;
      errors += 1;
      if (errors > (options.maxConsecutiveErrors ?? 3)) throw error;
    }
    const progress = progressLine(pods, running, lastState);
    if (progress !== lastProgress) {
      lastProgress = progress;
      options.onProgress?.(progress);
    }
    const remaining = deadline - Date.now();
    const stillPending = pods.filter((pod) => !running.has(key(pod)));
    if (stillPending.length === 0) continue;
    if (remaining <= 0) throw timeoutError(stillPending, lastState, options.timeoutMs);
    await sleep(Math.min(pollMs, remaining), options.signal);
  }
}

function runningPod(ref: PodRef, pod: PodLike): RunningPod {
  const node = pod.spec?.nodeName;
  return { ...ref, ip: pod.status?.podIP ?? '', ips: podAddresses(pod.status), ...(node ? { node } : {}) };
}

function progressLine(pods: readonly PodRef[], running: ReadonlyMap<string, RunningPod>, lastState: ReadonlyMap<string, string>): string {
  const waiting = new Map<string, number>();
  for (const pod of pods) {
    if (running.has(key(pod))) continue;
    const state = lastState.get(key(pod)) ?? 'Pending';
    waiting.set(state, (waiting.get(state) ?? 0) + 1);
  }
  const detail = [...waiting].map(([state, count]) => `${count} ${state}`).join(', ');
  return `${running.size}/${pods.length} probe pods running${detail ? ` (${detail})` : ''}`;
}

function timeoutError(pending: readonly PodRef[], lastState: ReadonlyMap<string, string>, timeoutMs: number): PodStartError {
  const first = pending[0] as PodRef;
  const list = pending.map((pod) => `${pod.namespace}/${pod.name} (${lastState.get(key(pod)) ?? 'Pending'})`).join(', ');
  return new PodStartError(first, 'Timeout', `probe pods not running after ${Math.round(timeoutMs / 1000)}s: ${list}`);
}

function groupByNamespace(pods: readonly PodRef[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const pod of pods) groups.set(pod.namespace, [...(groups.get(pod.namespace) ?? []), pod.name]);
  return groups;
}

function key(pod: PodRef): string {
  return `${pod.namespace}/${pod.name}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
