/**
 * `kubeknock run` as a user runs it, against the real test cluster and its real NetworkPolicy
 * enforcer: exit codes, the JSON report, and no probe pod left behind on any path.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { kubeknock, managedPods, reportPath, useNamespace, writeScenario } from './cluster.js';
import { outcomeOf } from '../support/outcome.js';

const NS = 'kk-e2e-run';
const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-only-from-backend, namespace: ${NS}}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: backend}}}]
      ports: [{port: 5432}]
`;

const ACTORS = `  actors:
    backend: {namespace: ${NS}, labels: {app: backend}}
    frontend: {namespace: ${NS}, labels: {app: frontend}}
    db: {namespace: ${NS}, labels: {app: db}, listen: [5432, 8080]}
`;

useNamespace(NS, POLICY);

describe('kubeknock run on the real cluster', () => {
  it('meets every expectation of a lockdown, with one exec per probe pod, and leaves no pod behind', async () => {
    const file = writeScenario(
      'lockdown',
      `${ACTORS}  checks:
    - {from: backend, to: db:5432, expect: allow}
    - {from: backend, to: db:8080, kind: http, expect: deny}
    - {from: frontend, to: [db:5432, db:8080], expect: deny}
    - {from: [backend, frontend], dns: kubernetes.default.svc.cluster.local., expect: allow}
    - {from: frontend, to: {service: kubernetes, namespace: default, port: 443}, expect: allow}
`,
    );
    const reportFile = reportPath('lockdown.json');
    const run = await kubeknock(['run', file, '-o', 'json', '--report', reportFile]);
    expect(run.code, `exit code; stderr:\n${run.stderr}`).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.summary).toMatchObject({ total: 7, passed: 7, failed: 0, skipped: 0 });
    expect(report.busyboxVersion).toMatch(/^BusyBox v1\.\d+\.\d+/);
    // One exec per source pod per round: round k runs in each pod that still has a check due for its
    // k-th attempt, so the probe execs are the sum over the two sources of their most-tried check (2
    // when nothing was retried; 7 if each check had its own exec). Before them, the settle's one DNS
    // wait in each pod whose checks expect DNS to answer: both here (their dns check).
    const rounds = new Map<string, number>();
    for (const check of report.checks) rounds.set(check.from, Math.max(rounds.get(check.from) ?? 0, check.attempts.length));
    expect([...rounds.keys()].sort()).toEqual(['backend', 'frontend']);
    const dnsWaits = 2;
    expect(report.stats.execs, `one exec per source pod and round (${JSON.stringify([...rounds])}) + ${dnsWaits} DNS waits`).toBe([...rounds.values()].reduce((sum, n) => sum + n, dnsWaits));
    const denied = report.checks.filter((c) => c.expect === 'deny');
    for (const check of denied) expect(['timeout', 'refused', 'no-route'], `${check.name}`).toContain(outcomeOf(check)?.class);
    expect(JSON.parse(readFileSync(reportFile, 'utf8'))).toMatchObject({ runId: report.runId });
    expect(await managedPods()).toEqual([]);
  });

  it('exits 1 and names the broken cell when the network disagrees', async () => {
    const file = writeScenario(
      'wrong',
      `${ACTORS}  checks:
    - {from: frontend, to: db:5432, expect: allow, attempts: 2}
    - {from: backend, to: db:5432, expect: allow}
`,
    );
    const run = await kubeknock(['run', file, '-o', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as RunReport;
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.name)).toEqual(['frontend → db:5432']);
    expect(failed[0]?.attempts).toHaveLength(2);
    expect(failed[0]?.observed).toBe('deny');
    expect(await managedPods()).toEqual([]);
  });

  it('exits 2 before creating anything when a namespace does not exist', async () => {
    const file = writeScenario('nons', `  actors:\n    a: {namespace: kk-e2e-does-not-exist}\n    b: {namespace: ${NS}, listen: [80]}\n  checks:\n    - {from: a, to: b:80, expect: allow}\n`);
    const run = await kubeknock(['run', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('namespace "kk-e2e-does-not-exist" does not exist');
    expect(run.stderr).toMatch(/nons\.yaml:\d+/);
    expect(await managedPods()).toEqual([]);
  });

  it('fails within seconds, not at the timeout, when the probe image is missing', async () => {
    const file = writeScenario('noimage', `${ACTORS}  checks:\n    - {from: backend, to: db:5432, expect: allow}\n`);
    const run = await kubeknock(['run', file, '--image', 'localhost/kubeknock/no-such-image:0', '--image-pull-policy', 'Never']);
    expect(run.code, run.stderr).toBe(2);
    // The pod's own reason and the image it names, not any line with "image" in it (the banner has one).
    expect(run.stderr).toMatch(/probe pod \S+ cannot start: container \S+: ErrImageNeverPull \(image "localhost\/kubeknock\/no-such-image:0"\)/);
    expect(run.ms, 'fail fast, far below the 120 s start timeout').toBeLessThan(60_000);
    expect(await managedPods()).toEqual([]);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('on %s mid-run: pods deleted, partial report written, exit %i', async (signal, expected) => {
    const file = writeScenario(
      `signal-${signal.toLowerCase()}`,
      `${ACTORS}  checks:\n    - {from: frontend, to: db:5432, expect: allow, attempts: 10, timeoutSeconds: 3}\n`,
    );
    const reportFile = reportPath(`signal-${signal}.json`);
    let sent = false;
    const run = await kubeknock(['run', file, '--report', reportFile], {
      onStderr: (text, child) => {
        if (!sent && /running 1 probe|retrying/.test(text)) {
          sent = true;
          child.kill(signal);
        }
      },
    });
    expect(sent, 'the run reached the probing phase').toBe(true);
    expect(run.code, run.stderr).toBe(expected);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    expect(report.interrupted).toBe(true);
    expect(await managedPods()).toEqual([]);
  });
});
