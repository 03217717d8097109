import { describe, expect, it } from 'vitest';
import type { PodInfo } from '../../src/probe/cluster-port.js';
import { classifyLeftovers, describeLeftover, formatAge, leftoverState, sweepable } from '../../src/probe/leftovers.js';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const probe = (over: Partial<PodInfo>): PodInfo => ({
  namespace: 'apps',
  name: 'kubeknock-client-abcde',
  labels: { 'app.kubernetes.io/managed-by': 'kubeknock', 'kubeknock.dev/run-id': 'r1' },
  deleting: false,
  ...over,
});
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();

describe('leftover probe pods', () => {
  it.each([
    ['Failed at its deadline (what a SIGKILLed run leaves)', probe({ phase: 'Failed', reason: 'DeadlineExceeded', startedAt: ago(1000), deadlineSeconds: 900 }), 'finished'],
    ['Succeeded (its main script ended)', probe({ phase: 'Succeeded', startedAt: ago(30), deadlineSeconds: 900 }), 'finished'],
    ['Running past its deadline plus slack', probe({ phase: 'Running', startedAt: ago(915), deadlineSeconds: 900 }), 'expired'],
    ['Running within the kubelet slack after its deadline', probe({ phase: 'Running', startedAt: ago(905), deadlineSeconds: 900 }), 'live'],
    ['Running within its deadline (maybe a run under way)', probe({ phase: 'Running', startedAt: ago(60), deadlineSeconds: 900 }), 'live'],
    ['Pending, counted from creation when not started', probe({ phase: 'Pending', createdAt: ago(2000), deadlineSeconds: 900 }), 'expired'],
    ['no deadline known', probe({ phase: 'Running', startedAt: ago(99999) }), 'live'],
    ['already being deleted', probe({ phase: 'Failed', deleting: true }), 'deleting'],
  ] as const)('%s → %s', (_name, pod, state) => {
    expect(leftoverState(pod, NOW)).toBe(state);
  });

  it('sweeps only what can serve no run, and describes it with run id, phase and age', () => {
    const leftovers = classifyLeftovers(
      [
        probe({ name: 'b-live', phase: 'Running', createdAt: ago(60), startedAt: ago(59), deadlineSeconds: 900 }),
        probe({ name: 'a-dead', phase: 'Failed', reason: 'DeadlineExceeded', createdAt: ago(1020), startedAt: ago(1019), deadlineSeconds: 900 }),
      ],
      NOW,
    );
    expect(leftovers.map((l) => [l.pod.name, l.state, sweepable(l)])).toEqual([
      ['a-dead', 'finished', true],
      ['b-live', 'live', false],
    ]);
    expect(describeLeftover(leftovers[0]!)).toBe('apps/a-dead (run r1, Failed/DeadlineExceeded, 17m old)');
  });

  it.each([
    [45_000, '45s'],
    [17 * 60_000, '17m'],
    [3 * 3_600_000, '3h'],
    [50 * 3_600_000, '2d'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});
