/**
 * `doctor --canary` against the in-memory cluster: its pods are loopback listeners and its knocks run
 * the real BusyBox nc through the real batch script and classifier. An "enforcer" is a hook that closes
 * the server's listener once the deny-all is stored (a REJECT-style denial: refused), after a lag
 * counted in knocks. Time is a fake clock: every wait is bounded in clock time, never in real time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCanary, type CanaryPorts } from '../../src/app/canary/run.js';
import { canaryChecks } from '../../src/app/canary/check.js';
import { describeCanaryPlan, nameSuffix, planCanary, type CanaryPlan } from '../../src/app/canary/plan.js';
import { doctorExitCode, runDoctor } from '../../src/app/doctor.js';
import { runCleanup } from '../../src/app/cleanup.js';
import { renderCleanup } from '../../src/report/cleanup.js';
import { renderDoctor } from '../../src/report/doctor.js';
import type { AccessQuestion, DoctorPort } from '../../src/model/doctor-port.js';
import type { KubeObject } from '../../src/model/objects.js';
import type { Clock } from '../../src/probe/clock.js';
import { DEFAULTS } from '../../src/scenario/defaults.js';
import { FakeCluster, type FakeClusterOptions } from '../support/fake-cluster.js';
import { FakeObjects } from '../support/fake-objects.js';

const NOW = Date.parse('2026-12-07T20:00:00Z');

/** A clock whose sleeps pass at once and move it on; aborting ends a sleep early, as the real one does. */
function fakeClock(): Clock & { readonly slept: number[] } {
  let now = NOW;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) return;
      slept.push(ms);
      now += ms;
    },
  };
}

function plan(timeoutSeconds = 10): CanaryPlan {
  return planCanary({ suffix: 'x7k2p', runId: 'canary-0123abcd', nowMs: NOW, timeoutSeconds, pod: DEFAULTS.pod });
}

let clusters: FakeCluster[] = [];
afterEach(() => {
  for (const cluster of clusters) cluster.dispose();
  clusters = [];
});

interface Bed {
  readonly cluster: FakeCluster;
  readonly objects: FakeObjects;
  readonly ports: CanaryPorts;
  readonly clock: ReturnType<typeof fakeClock>;
  readonly progress: string[];
}

/**
 * `enforceAfter`: the knock (counted from the first after the deny-all is stored) from which the
 * server refuses; undefined: never. `refuseAlways`: the server never accepts (a broken network).
 */
function bed(options: { readonly enforceAfter?: number; readonly refuseAlways?: boolean; readonly initial?: readonly KubeObject[]; readonly cluster?: FakeClusterOptions; readonly onKnock?: (knock: number) => void } = {}): Bed {
  const objects = new FakeObjects(options.initial ?? []);
  let knocks = 0;
  let knocksAfterPolicy = 0;
  const cluster = new FakeCluster({
    ...options.cluster,
    namespaceExists: (name) => objects.store.has(`Namespace//${name}`),
    onExec: (_pod, fake) => {
      knocks += 1;
      options.onKnock?.(knocks);
      const policyStored = [...objects.store.keys()].some((key) => key.startsWith('NetworkPolicy/'));
      if (policyStored) knocksAfterPolicy += 1;
      const enforced = options.enforceAfter !== undefined && policyStored && knocksAfterPolicy >= options.enforceAfter;
      if (options.refuseAlways || enforced) {
        for (const pod of fake.pods.values()) if (pod.labels['app.kubernetes.io/name'] === 'canary-server') for (const server of pod.servers) server.close();
      }
    },
  });
  clusters.push(cluster);
  return { cluster, objects, ports: { cluster, objects }, clock: fakeClock(), progress: [] };
}

const canaryNamespaces = (objects: FakeObjects): string[] => [...objects.store.keys()].filter((key) => key.startsWith('Namespace//kubeknock-canary-'));

describe('runCanary', () => {
  it('enforced: connects, then after the deny-all is denied (refused, as kube-router rejects), and says after how long; the namespace is gone', async () => {
    const { ports, objects, clock, progress } = bed({ enforceAfter: 3 });
    const result = await runCanary(ports, { plan: plan(), clock, progress: (line) => progress.push(line) });
    // Knocks 1 and 2 after the policy still connect; knock 3 (2 s after the apply) is refused, knock 4 confirms it.
    expect(result.verdict).toEqual({ type: 'enforced', afterMs: 2000, denial: 'refused', knocks: 4 });
    expect(canaryChecks(result)).toEqual([{ status: 'ok', title: 'enforcement', detail: 'enforced after 2.0 s (denial seen as refused)' }]);
    expect(result.cleanup).toEqual({ type: 'removed', ms: 0 });
    expect(objects.writes).toEqual(['create Namespace kubeknock-canary-x7k2p', 'apply NetworkPolicy kubeknock-canary-x7k2p/canary-deny-all', 'delete Namespace kubeknock-canary-x7k2p']);
    expect(canaryNamespaces(objects), 'the scratch namespace is removed').toEqual([]);
    expect(progress.at(-1)).toBe('deleting namespace kubeknock-canary-x7k2p and waiting until it is gone');
  });

  it('NOT ENFORCED: the client still connects when the bound runs out; exit 1, and the namespace is gone', async () => {
    const { ports, objects, clock } = bed();
    const result = await runCanary(ports, { plan: plan(5), clock, progress: () => undefined });
    expect(result.verdict.type).toBe('not-enforced');
    if (result.verdict.type !== 'not-enforced') return;
    expect(result.verdict.waitedMs, 'it waited the whole bound, no longer').toBe(5000);
    expect(canaryChecks(result)[0]).toMatchObject({ status: 'fail', detail: 'NOT ENFORCED: the deny-all policy applied 5 s ago and the client still connects' });
    expect(canaryNamespaces(objects)).toEqual([]);
  });

  it('network broken: the client never connects, even before any policy; no policy is applied, and the namespace is gone', async () => {
    const { ports, objects, clock } = bed({ refuseAlways: true });
    const result = await runCanary(ports, { plan: plan(4), clock, progress: () => undefined });
    expect(result.verdict).toMatchObject({ type: 'network-broken', waitedMs: 4000, last: { class: 'refused' } });
    expect(canaryChecks(result)[0]?.detail).toMatch(/^the network itself is broken: with no policy in kubeknock-canary-x7k2p, the canary client did not connect to its server within 4\.0 s \(last knock: refused: nc: .*Connection refused\)$/);
    expect(objects.writes).toEqual(['create Namespace kubeknock-canary-x7k2p', 'delete Namespace kubeknock-canary-x7k2p']);
  });

  it('an error (pods that cannot start): the verdict says why, and the namespace is still removed', async () => {
    const { ports, objects, clock } = bed({ cluster: { failStart: 'ErrImagePull' } });
    const result = await runCanary(ports, { plan: plan(), clock, progress: () => undefined });
    expect(result.verdict).toEqual({ type: 'failed', message: expect.stringContaining('ErrImagePull') });
    expect(result.cleanup.type).toBe('removed');
    expect(canaryNamespaces(objects)).toEqual([]);
  });

  it('Ctrl-C while knocking after the deny-all: stops, and the namespace is still removed (not with the aborted signal)', async () => {
    const controller = new AbortController();
    // Knock 1 connects; the policy goes in; knock 2 is where the interrupt comes.
    const { ports, objects, clock } = bed({ onKnock: (n) => n === 2 && controller.abort(new Error('interrupted by SIGINT')) });
    const result = await runCanary(ports, { plan: plan(), clock, signal: controller.signal, progress: () => undefined });
    expect(result.verdict).toEqual({ type: 'interrupted' });
    expect(result.cleanup.type).toBe('removed');
    expect(objects.writes.at(-1)).toBe('delete Namespace kubeknock-canary-x7k2p');
    expect(canaryNamespaces(objects)).toEqual([]);
  });

  it('a namespace that does not go within the bound: the cleanup fails loudly and names the command that finishes it', async () => {
    const { cluster, clock } = bed();
    const objects = new FakeObjects();
    // The API server accepts the delete, but the namespace stays (a finalizer that never finishes).
    const stuck: CanaryPorts['objects'] = { create: (o) => objects.create(o), apply: (o) => objects.apply(o), get: (r) => objects.get(r), list: (k, s) => objects.list(k, s), delete: async () => true };
    const result = await runCanary({ cluster, objects: stuck }, { plan: plan(1), clock, progress: () => undefined });
    expect(result.cleanup).toEqual({ type: 'failed', message: expect.stringMatching(/namespace kubeknock-canary-x7k2p still exists 120s after it was deleted .*run "kubeknock cleanup --run-id canary-0123abcd"$/) });
    expect(canaryChecks(result).map((c) => [c.status, c.title])).toContainEqual(['fail', 'canary cleanup']);
  });

  it('sweeps the expired namespaces killed canaries left, and leaves a live one (a canary under way) alone', async () => {
    const canaryNs = (name: string, expires: number): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubeknock.dev/canary-expires': String(expires), 'kubeknock.dev/run-id': 'old' } } });
    const foreign: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'production', labels: { 'kubeknock.dev/canary-expires': '1' } } };
    const { ports, objects, clock, progress } = bed({ enforceAfter: 1, initial: [canaryNs('kubeknock-canary-old11', NOW / 1000 - 60), canaryNs('kubeknock-canary-live2', NOW / 1000 + 600), foreign] });
    const result = await runCanary(ports, { plan: plan(), clock, progress: (line) => progress.push(line) });
    expect(result.swept).toEqual(['kubeknock-canary-old11']);
    expect(progress).toContain('removed 1 expired canary namespace(s) that killed canaries left: kubeknock-canary-old11');
    expect(canaryNamespaces(objects), 'the live one stays').toEqual(['Namespace//kubeknock-canary-live2']);
    expect(objects.store.has('Namespace//production'), 'a namespace without our name prefix is never touched, whatever its labels').toBe(true);
  });
});

describe('the canary plan', () => {
  it('is printed before anything is created: what it creates, the bounds, and that it removes everything', () => {
    expect(describeCanaryPlan(plan(30))).toBe(
      [
        'doctor --canary (run canary-0123abcd) will write to the cluster:',
        '  create Namespace kubeknock-canary-x7k2p (labels app.kubernetes.io/managed-by=kubeknock, kubeknock.dev/run-id=canary-0123abcd, kubeknock.dev/canary-expires=1796673900)',
        '  create 2 probe pods there (image docker.io/library/busybox:1.36.1): canary-server listening on TCP 8080, canary-client',
        '  knock client → server:8080 until it connects (at most 30s)',
        '  apply NetworkPolicy kubeknock-canary-x7k2p/canary-deny-all (all ingress to canary-server denied)',
        '  knock until the connection is denied (at most 30s)',
        '  delete Namespace kubeknock-canary-x7k2p and wait until it is gone (also on failure and Ctrl-C; if this process is killed, "kubeknock cleanup" or the next canary removes it)',
        '',
      ].join('\n'),
    );
  });

  it('creates probe pods that pass Pod Security "restricted" and carry the run id, and a deny-all of the server alone', () => {
    const p = plan();
    for (const pod of [p.server, p.client]) {
      expect(pod.metadata.labels['kubeknock.dev/run-id']).toBe('canary-0123abcd');
      expect(pod.spec['securityContext']).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.spec['activeDeadlineSeconds'], 'the pods die on their own if the CLI is killed').toBe(120 + 2 * 10 + 120);
    }
    expect(p.denyAll['spec']).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'canary-server' } }, policyTypes: ['Ingress'] });
    expect(nameSuffix(() => 0)).toBe('bbbbb');
    expect(nameSuffix(() => 0.9999)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});

describe('doctor --canary', () => {
  function doctorPort(denied: readonly string[] = []): DoctorPort & { readonly asked: string[] } {
    const asked: string[] = [];
    return {
      asked,
      server: 'https://127.0.0.1:6443',
      source: 'flag',
      defaultNamespace: 'default',
      serverVersion: async () => 'v1.34.2',
      async canI(q: AccessQuestion) {
        const key = `${q.verb} ${q.subresource ? `${q.resource}/${q.subresource}` : q.resource} ${q.namespace ?? '*'}`;
        asked.push(key);
        return { allowed: !denied.includes(key) };
      },
      systemWorkloads: async () => [],
      namespace: async (name) => ({ name, labels: {} }),
      listNamespaces: async () => [{ name: 'default', labels: {} }],
      networkPolicyCounts: async () => new Map([['default', 1]]),
      probePods: async () => ({ scope: 'cluster', pods: [] }),
      clusterPolicies: async () => ({ servedVersions: [], found: [], unreadable: [], unmodelled: [] }),
      now: () => NOW,
    };
  }

  it('enforced: the plan goes to stderr first, a ✓ enforcement line, exit 0', async () => {
    const { ports, clock } = bed({ enforceAfter: 1 });
    const stderr: string[] = [];
    const report = await runDoctor(() => doctorPort(), { namespaces: [], canary: { plan: plan(), connect: () => ports, clock, progress: (line) => stderr.push(line) } });
    expect(stderr[0]).toMatch(/^doctor --canary \(run canary-0123abcd\) will write to the cluster:/);
    expect(renderDoctor(report, 'text')).toContain('\n✓ enforcement: enforced after 0.0 s (denial seen as refused)\n');
    expect(report.canary?.verdict.type).toBe('enforced');
    expect(doctorExitCode(report)).toBe(0);
  });

  it('NOT ENFORCED exits 1 (a finding); a canary that cannot run exits 2 like every other doctor failure', async () => {
    const notEnforced = bed();
    const report = await runDoctor(() => doctorPort(), { namespaces: [], canary: { plan: plan(3), connect: () => notEnforced.ports, clock: notEnforced.clock, progress: () => undefined } });
    expect(renderDoctor(report, 'text')).toContain('✗ enforcement: NOT ENFORCED: the deny-all policy applied 3 s ago and the client still connects\n    → nothing enforces NetworkPolicy here');
    expect(doctorExitCode(report)).toBe(1);

    const broken = bed({ cluster: { failStart: 'ErrImagePull' } });
    const failed = await runDoctor(() => doctorPort(), { namespaces: [], canary: { plan: plan(), connect: () => broken.ports, clock: broken.clock, progress: () => undefined } });
    expect(failed.canary?.verdict.type).toBe('failed');
    expect(doctorExitCode(failed)).toBe(2);
  });

  it('RBAC missing: says what is missing (namespaces at cluster scope, NetworkPolicies in the canary namespace) and creates nothing', async () => {
    const port = doctorPort(['create namespaces *', 'patch networkpolicies kubeknock-canary-x7k2p']);
    let connected = false;
    const report = await runDoctor(() => port, {
      namespaces: [],
      canary: {
        plan: plan(),
        connect: () => {
          connected = true;
          throw new Error('must not connect');
        },
        clock: fakeClock(),
        progress: () => undefined,
      },
    });
    const text = renderDoctor(report, 'text');
    expect(text).toContain('✗ RBAC for the canary at cluster scope: missing create namespaces (the canary creates, removes and sweeps its scratch namespace)\n    → ask for a ClusterRole (and a ClusterRoleBinding to you) granting create on namespaces\n');
    expect(text).toContain('✗ RBAC for the canary in namespace kubeknock-canary-x7k2p: missing patch networkpolicies.networking.k8s.io (apply the canary deny-all)');
    expect(text).toContain('✗ enforcement: not checked: the canary needs the RBAC above (nothing was created)\n');
    expect(connected, 'nothing is created without the RBAC').toBe(false);
    expect(port.asked).toContain('create pods/exec kubeknock-canary-x7k2p');
    expect(doctorExitCode(report)).toBe(2);
  });
});

describe('cleanup of canary namespaces', () => {
  it('finds the canary namespaces a killed canary left (by label and name), deletes them and waits until they are gone', async () => {
    const objects = new FakeObjects([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeknock-canary-abcde', labels: { 'kubeknock.dev/canary-expires': '1765137840', 'kubeknock.dev/run-id': 'canary-1' } } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'production', labels: {} } },
    ]);
    const pods = { server: 'https://fake.invalid', listPods: async () => [], deletePods: async () => undefined };
    const dry = await runCleanup(pods, { dryRun: true }, { objects, clock: fakeClock() });
    expect(renderCleanup(dry)).toBe(
      'No kubeknock pods (kubeknock.dev/run-id) in any namespace.\nWould delete 1 canary namespace (kubeknock.dev/canary-expires) that doctor --canary left:\n  kubeknock-canary-abcde\n',
    );
    expect(objects.store.size).toBe(2);
    const done = await runCleanup(pods, { dryRun: false }, { objects, clock: fakeClock() });
    expect(done.deleted).toBe(true);
    expect([...objects.store.keys()]).toEqual(['Namespace//production']);
  });
});
