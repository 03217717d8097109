import { describe, expect, it } from 'vitest';
import type { PodLike } from '../../src/cluster/pod-status.js';
import { waitForPods, type FetchPods } from '../../src/cluster/pod-waiter.js';
import { PodStartError } from '../../src/probe/cluster-port.js';
import * as pods from './fixtures/pods.js';

const a = { namespace: 'production', name: 'kk-a' };
const b = { namespace: 'staging', name: 'kk-b' };

/** Answers each poll with the next state of each pod; the last state repeats. */
function scripted(timelines: Record<string, readonly (PodLike | undefined)[]>): { fetch: FetchPods; calls: () => number } {
  const polls = new Map<string, number>();
  let calls = 0;
  const fetch: FetchPods = async (namespace, names) => {
    calls += 1;
    const found = new Map<string, PodLike>();
    for (const name of names) {
      const key = `${namespace}/${name}`;
      const timeline = timelines[key] ?? [];
      const index = polls.get(key) ?? 0;
      polls.set(key, index + 1);
      const state = timeline[Math.min(index, timeline.length - 1)];
      if (state) found.set(name, state);
    }
    return found;
  };
  return { fetch, calls: () => calls };
}

const fast = { timeoutMs: 2000, pollMs: 5 };

describe('waitForPods', () => {
  it("gives every address of a dual-stack pod (status.podIPs), the primary first", async () => {
    const dual: PodLike = { ...pods.runningPod, status: { ...pods.runningPod.status, podIP: '10.244.0.7', podIPs: [{ ip: 'fd00:10:244:1::7' }, { ip: '10.244.0.7' }] } };
    const { fetch } = scripted({ 'production/kk-a': [dual] });
    expect(await waitForPods([a], fetch, fast)).toEqual([{ ...a, ip: '10.244.0.7', ips: ['10.244.0.7', 'fd00:10:244:1::7'], node: 'node-1' }]);
  });

  it('resolves with IPs and nodes once every pod runs, reporting progress', async () => {
    const { fetch } = scripted({
      'production/kk-a': [pods.containerCreatingPod, pods.runningPod],
      'staging/kk-b': [pods.unscheduledYetPod, pods.containerCreatingPod, pods.runningPod],
    });
    const progress: string[] = [];
    const running = await waitForPods([a, b], fetch, { ...fast, onProgress: (line) => progress.push(line) });
    expect(running).toEqual([
      { ...a, ip: '10.244.0.7', ips: ['10.244.0.7'], node: 'node-1' },
      { ...b, ip: '10.244.0.7', ips: ['10.244.0.7'], node: 'node-1' },
    ]);
    expect(progress[0]).toBe('0/2 probe pods running (1 ContainerCreating, 1 Pending)');
    expect(progress.at(-1)).toBe('2/2 probe pods running');
  });

  it('fails fast with PodStartError on ErrImagePull, naming pod, image and message', async () => {
    const { fetch, calls } = scripted({ 'production/kk-a': [pods.containerCreatingPod, pods.errImagePullPod], 'staging/kk-b': [pods.runningPod] });
    const error = await waitForPods([a, b], fetch, { ...fast, timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PodStartError);
    const startError = error as PodStartError;
    expect(startError.pod).toEqual(a);
    expect(startError.reason).toBe('ErrImagePull');
    expect(startError.message).toContain('production/kk-a');
    expect(startError.message).toContain('busybox:9.9.9');
    expect(calls()).toBeLessThan(5);
  });

  it('fails fast on Unschedulable', async () => {
    const { fetch } = scripted({ 'production/kk-a': [pods.unschedulablePod] });
    await expect(waitForPods([a], fetch, fast)).rejects.toMatchObject({ reason: 'Unschedulable' });
  });

  it('a pod deleted while waiting is a PodStartError, not a timeout', async () => {
    const { fetch } = scripted({ 'production/kk-a': [pods.containerCreatingPod, undefined] });
    await expect(waitForPods([a], fetch, fast)).rejects.toMatchObject({ reason: 'Deleted' });
  });

  it('times out naming every pod still pending and its last state', async () => {
    const { fetch } = scripted({ 'production/kk-a': [pods.containerCreatingPod], 'staging/kk-b': [pods.runningPod] });
    const error = await waitForPods([a, b], fetch, { timeoutMs: 50, pollMs: 5 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'Timeout' });
    expect((error as Error).message).toContain('production/kk-a (ContainerCreating)');
    expect((error as Error).message).not.toContain('kk-b');
  });

  it('stops when the signal aborts', async () => {
    const { fetch } = scripted({ 'production/kk-a': [pods.containerCreatingPod] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('interrupted by SIGINT')), 30);
    await expect(waitForPods([a], fetch, { timeoutMs: 10_000, pollMs: 5, signal: controller.signal })).rejects.toThrow('interrupted by SIGINT');
  });

  it('rides out a few failed polls, then gives up with the fetch error', async () => {
    let calls = 0;
    const flaky: FetchPods = async () => {
      calls += 1;
      if (calls <= 2) throw new Error('socket hang up');
      return new Map([['kk-a', pods.runningPod]]);
    };
    await expect(waitForPods([a], flaky, fast)).resolves.toHaveLength(1);
    const broken: FetchPods = async () => {
      throw new Error('forbidden');
    };
    await expect(waitForPods([a], broken, fast)).rejects.toThrow('forbidden');
  });
});
