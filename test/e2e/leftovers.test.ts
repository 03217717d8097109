/**
 * Runs that do not end well, and runs that overlap, on the real cluster:
 * - a CLI killed with SIGKILL mid-run leaves its probe pods; at their deadline the kubelet marks them
 *   Failed/DeadlineExceeded and the objects stay. `doctor` lists them and the next run in the same
 *   namespace removes them and says so.
 * - two runs at once in one namespace: a `pods` target of one never selects the other's probe pods,
 *   a selector that matches only probe pods stops the run (exit 2), and neither run's sweep touches
 *   the other's pods.
 */
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { CLUSTER, IMAGE, kubeknock, kubectl, managedPods, useNamespace, writeScenario } from './cluster.js';

const EXTERNAL_IP = CLUSTER['EXTERNAL_IP'] ?? '203.0.113.10';
/** SYNs to this port of the stand-in external host are dropped: a probe there runs its full timeout. */
const DROP_PORT = Number(CLUSTER['EXTERNAL_DROP_PORT'] ?? 81);

/** How leftovers describe a finished pod. */
const FINISHED = '(Failed/DeadlineExceeded|Succeeded)';

async function podPhases(namespace: string): Promise<string[]> {
  const out = await kubectl(['get', 'pods', '-n', namespace, '-l', 'kubeknock.dev/run-id', '-o', 'jsonpath={range .items[*]}{.status.phase}/{.status.reason}{"\\n"}{end}']);
  return out.split('\n').filter(Boolean);
}

/** Polls `probe` until it returns true or `timeoutMs` passes; returns whether it did. */
async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

describe('a run killed with SIGKILL', () => {
  const NS = 'kk-e2e-killed';
  useNamespace(NS);

  it('leaves pods that fail at their deadline; doctor lists them; the next run removes them and says so', async () => {
    // The shortest deadline a scenario allows, so the kubelet ends the orphans within the test.
    const killed = writeScenario(
      'killed',
      `  actors:
    client: {namespace: ${NS}, labels: {app: client}}
    server: {namespace: ${NS}, labels: {app: server}, listen: [8080]}
  checks:
    - {from: client, to: {host: ${EXTERNAL_IP}, port: ${DROP_PORT}}, expect: allow, timeoutSeconds: 30, attempts: 1}
`,
      'timeoutSeconds: 2, attempts: 1, settleSeconds: 1',
      'deadlineSeconds: 60',
    );
    let killedAt = 0;
    const run = await kubeknock(['run', killed, '--run-id', 'sigkilled'], {
      onStderr: (text, child) => {
        if (killedAt === 0 && /running 1 probe/.test(text)) {
          killedAt = Date.now();
          child.kill('SIGKILL');
        }
      },
    });
    expect(killedAt, `the run reached the probing phase:\n${run.stderr}`).toBeGreaterThan(0);
    expect(run.signal).toBe('SIGKILL');
    expect((await managedPods()).filter((p) => p.startsWith(`${NS}/`)), 'SIGKILL leaves the probe pods').toHaveLength(2);

    // The kubelet ends them at the deadline (Failed/DeadlineExceeded); should its sync loop run late, the
    // probe's own idle timer ends a moment later (Succeeded). Either way the objects stay.
    const finished = await waitFor(async () => {
      const phases = await podPhases(NS);
      return phases.length === 2 && phases.every((p) => /^(Failed\/DeadlineExceeded|Succeeded\/)$/.test(p));
    }, 150_000);
    expect(finished, `both pods finished within 150 s of the kill: ${(await podPhases(NS)).join(', ')}`).toBe(true);

    const doctor = await kubeknock(['doctor', '-n', NS]);
    const line = doctor.stdout.split('\n').find((l) => l.includes('leftover probe pods')) ?? '';
    expect(line, doctor.stdout).toMatch(new RegExp(`! leftover probe pods: 2 in any namespace: ${NS}/kubeknock-client-\\w+ \\(run sigkilled, ${FINISHED}, \\d+s old\\); ${NS}/kubeknock-server-\\w+ \\(run sigkilled, ${FINISHED}, \\d+s old\\)`));

    const next = writeScenario(
      'after-kill',
      `  actors:
    client: {namespace: ${NS}, labels: {app: client}}
    server: {namespace: ${NS}, labels: {app: server}, listen: [8080]}
  checks:
    - {from: client, to: server:8080, expect: allow}
`,
    );
    const again = await kubeknock(['run', next, '-o', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`removed 2 probe pod\\(s\\) that earlier runs left behind: ${NS}/kubeknock-client-\\w+ \\(run sigkilled, ${FINISHED}, \\d+s old\\); ${NS}/kubeknock-server-\\w+ \\(run sigkilled`));
    expect(await managedPods()).toEqual([]);
  });
});

describe('two runs at once in one namespace', () => {
  const NS = 'kk-e2e-overlap';
  // A real workload the pods target should find: a busybox HTTP server labelled app=worker.
  useNamespace(
    NS,
    `apiVersion: v1
kind: Pod
metadata: {name: real-worker, namespace: ${NS}, labels: {app: worker}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: http
      image: ${IMAGE}
      imagePullPolicy: Never
      command: [sh, -c, 'mkdir -p /tmp/www && exec httpd -f -p 7000 -h /tmp/www']
      ports: [{containerPort: 7000}]
`,
  );

  it('never target each other’s probe pods, refuse a selector matching only probe pods, and leave each other’s pods alone', async () => {
    await kubectl(['wait', '--for=condition=Ready', `pod/real-worker`, '-n', NS, '--timeout=120s']);
    const realIp = (await kubectl(['get', 'pod', 'real-worker', '-n', NS, '-o', 'jsonpath={.status.podIP}'])).trim();
    // Run A: probe pods that look like the worker (and a "lonely" one nothing real matches), kept busy
    // by a probe that runs into dropped SYNs for 20 s.
    const first = writeScenario(
      'overlap-a',
      `  actors:
    client: {namespace: ${NS}, labels: {app: client}}
    worker: {namespace: ${NS}, labels: {app: worker}, listen: [7000]}
    lonely: {namespace: ${NS}, labels: {app: lonely}, listen: [7000]}
  checks:
    - {from: client, to: {host: ${EXTERNAL_IP}, port: ${DROP_PORT}}, expect: deny, timeoutSeconds: 20, attempts: 1}
    - {from: client, to: worker:7000, expect: allow}
`,
    );
    let releaseB: () => void = () => undefined;
    const aProbing = new Promise<void>((resolve) => (releaseB = resolve));
    const a = kubeknock(['run', first, '--run-id', 'overlap-a', '-o', 'json'], {
      onStderr: (text) => {
        if (/running 2 probe/.test(text)) releaseB();
      },
    });
    await Promise.race([aProbing, a.then((r) => Promise.reject(new Error(`run A ended before probing: ${r.stderr}`)))]);

    const second = writeScenario(
      'overlap-b',
      `  actors:
    client: {namespace: ${NS}, labels: {app: client-b}}
  checks:
    - {from: client, to: {pods: {namespace: ${NS}, matchLabels: {app: worker}}, port: 7000, select: each}, expect: allow}
`,
    );
    const onlyProbes = writeScenario(
      'overlap-c',
      `  actors:
    client: {namespace: ${NS}, labels: {app: client-c}}
  checks:
    - {from: client, to: {pods: {namespace: ${NS}, matchLabels: {app: lonely}}, port: 7000, select: each}, expect: allow}
`,
    );
    const [b, c] = await Promise.all([kubeknock(['run', second, '--run-id', 'overlap-b', '-o', 'json']), kubeknock(['run', onlyProbes, '--run-id', 'overlap-c'])]);

    expect(b.code, b.stderr).toBe(0);
    const reportB = JSON.parse(b.stdout) as RunReport;
    const targets = JSON.stringify(reportB.checks.map((check) => [check.to, check.attempts.map((attempt) => attempt.output)]));
    expect(reportB.checks, `one check per selected pod: only the real worker (${realIp}): ${targets}`).toHaveLength(1);
    expect(targets).toContain(realIp);
    expect(b.stderr, 'run A’s pods are within their deadline: run B leaves them alone').toMatch(/left alone 3 probe pod\(s\) of other run\(s\) still within their deadline \(run overlap-a\)/);

    expect(c.code, c.stderr).toBe(2);
    expect(c.stderr).toMatch(/matches only kubeknock probe pods in namespace "kk-e2e-overlap" \(1, of run overlap-a\), and probe pods are never targets/);

    const finishedA = await a;
    expect(finishedA.code, finishedA.stderr).toBe(0);
    expect((JSON.parse(finishedA.stdout) as RunReport).summary).toMatchObject({ total: 2, passed: 2 });
    expect(await managedPods()).toEqual([]);
  });
});
