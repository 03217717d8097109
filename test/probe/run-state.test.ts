/** The runner's report from its last state, and one exec's result turned into attempts: both pure. */
import { describe, expect, it } from 'vitest';
import type { RunningPod } from '../../src/probe/cluster-port.js';
import { planProbes } from '../../src/probe/plan.js';
import type { ProbeRecord } from '../../src/probe/results.js';
import { batchAttempts } from '../../src/probe/rounds.js';
import { buildReport, initialState, skipReason, type RunState } from '../../src/probe/run-state.js';
import { parseScenario } from '../../src/scenario/load.js';

const parsed = parseScenario(
  'state.yaml',
  `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: state}
spec:
  actors:
    client: {namespace: apps, labels: {app: client}}
    db: {namespace: apps, labels: {app: db}, listen: [5432]}
  checks:
    - {from: client, to: db:5432, expect: allow}
    - {from: client, dns: kubernetes.default.svc.cluster.local., expect: allow}
`,
);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const scenario = parsed.scenario;
const pod: RunningPod = { namespace: 'apps', name: 'kubeknock-client-x', ip: '10.244.0.5', ips: ['10.244.0.5'] };
const pods = new Map<string, RunningPod>([['client', pod], ['db', { namespace: 'apps', name: 'kubeknock-db-y', ip: '10.244.0.6', ips: ['10.244.0.6'] }]]);
const records: ProbeRecord[] = (planProbes(scenario, pods, { services: new Map(), selectedPods: new Map() }, { clusterDomain: 'cluster.local' }).get('client') ?? []).map(
  (probe) => ({ probe, expectation: { source: 'scenario', expect: 'allow' }, command: 'x', attempts: [] }),
);
const facts = { runId: 'r1', toolVersion: '0.0.0', server: 'https://k', finishedAt: 5_000, stats: { apiRequests: 3, execs: 0 } };

describe('buildReport', () => {
  it('skips every check that had not run, for the reason the run stopped, and keeps the errors', () => {
    const state: RunState = { ...initialState(1_000), stopped: 'pod-start', errors: [{ kind: 'pod-start', message: 'ErrImagePull' }] };
    const report = buildReport(scenario, state, facts);
    expect(report.checks.map((c) => [c.id, c.status, c.message])).toEqual([
      ['c1', 'skipped', 'probe pods could not start'],
      ['c2', 'skipped', 'probe pods could not start'],
    ]);
    expect(report.summary).toEqual({ total: 2, passed: 0, failed: 0, skipped: 2 });
    expect(report.errors).toEqual([{ kind: 'pod-start', message: 'ErrImagePull' }]);
    expect(report.durationMs).toBe(4_000);
    expect('probeMs' in report, 'no probe phase, no probe time').toBe(false);
  });

  it('an interrupted run gets one interrupted error, however many times it was recorded', () => {
    const once = buildReport(scenario, { ...initialState(0), stopped: 'interrupted' }, { ...facts, interruption: 'interrupted by SIGINT' });
    expect(once.interrupted).toBe(true);
    expect(once.errors).toEqual([{ kind: 'interrupted', message: 'interrupted by SIGINT' }]);
    const recorded = buildReport(scenario, { ...initialState(0), errors: [{ kind: 'interrupted', message: 'first' }] }, { ...facts, interruption: 'again' });
    expect(recorded.errors).toEqual([{ kind: 'interrupted', message: 'first' }]);
  });

  it.each([
    [undefined, 'not run'],
    ['pod-create', 'probe pods could not be created'],
    ['run', 'the run failed before this check ran'],
    ['interrupted', 'the run was interrupted before this check ran'],
  ] as const)('skip reason of %s: %s', (cause, reason) => {
    expect(skipReason(cause)).toBe(reason);
  });
});

describe('batchAttempts', () => {
  it("names the script's own error when a probe has no frame", () => {
    const stdout = '@@kubeknock busybox BusyBox v1.35.0\n@@kubeknock error cannot create a temporary directory under /tmp\n';
    const { attempts, busyboxVersion } = batchAttempts(pod, records, { type: 'exited', exitCode: 70, stdout, stderr: 'mktemp: Read-only file system' }, 12, ['timeout']);
    expect(busyboxVersion).toBe('BusyBox v1.35.0');
    for (const record of records) {
      expect(attempts.get(record.probe.id)).toMatchObject({
        outcome: { class: 'exec-error', detail: 'the probe script failed (exit 70): cannot create a temporary directory under /tmp in apps/kubeknock-client-x' },
        observed: 'error',
        output: 'mktemp: Read-only file system',
        durationMs: 12,
      });
    }
  });

  it.each([
    [0, 'the probe printed no result in apps/kubeknock-client-x'],
    [137, 'the probe script exited 137 in apps/kubeknock-client-x'],
  ])('without a script error, exit %i: %s', (exitCode, detail) => {
    const { attempts } = batchAttempts(pod, records, { type: 'exited', exitCode, stdout: '', stderr: '' }, 0, ['timeout']);
    expect(attempts.get('c1')?.outcome).toEqual({ class: 'exec-error', detail });
  });

  it('a failed exec is an exec-error for every probe of the batch', () => {
    const { attempts } = batchAttempts(pod, records, { type: 'failed', reason: 'socket closed', stdout: '', stderr: '' }, 0, ['timeout']);
    expect([...attempts.values()].map((a) => a.outcome.detail)).toEqual(['exec into apps/kubeknock-client-x failed: socket closed', 'exec into apps/kubeknock-client-x failed: socket closed']);
  });
});
