/**
 * The CronJob audit, in the cluster: the CLI image built without Docker (an OCI tarball: Node from the
 * npm registry plus the built CLI) and imported into the node's containerd; `kubeknock manifests
 * cronjob` applied; a Job triggered from the CronJob. It runs with in-cluster config, logs one JSON
 * report per scenario, and its exit code (0 all met, 1 a failed expectation) is the Job's status.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { RunReport } from '../../src/model/report.js';
import { CLUSTER, IMAGE, REPO, kubeknock, kubectl, managedPods, useNamespace, writeScenario } from './cluster.js';

const run = promisify(execFile);
const AUDIT_NS = 'kk-e2e-audit';
const TARGET_NS = 'kk-e2e-audited';
const NAME = 'kk-audit';
/** Every node's containerd: the CronJob's pods may land on any node, and nothing can be pulled. */
const CONTAINERD_SOCKS = (CLUSTER['CONTAINERD_SOCKS'] ?? '').split(',').filter(Boolean);

useNamespace(
  TARGET_NS,
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-backend, namespace: ${TARGET_NS}}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: backend}}}], ports: [{port: 5432}]}]
`,
);

let manifests = '';
let cliImage = '';

beforeAll(async () => {
  // The image the Dockerfile describes, built here without Docker and imported as the kubelet sees it.
  const built = await run('bash', [`${REPO}test/image/build-cli-image.sh`], { cwd: REPO, maxBuffer: 16 << 20 });
  const tarball = built.stdout.trim().split('\n').at(-1) ?? '';
  const { version } = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { version: string };
  cliImage = `localhost/kubeknock:${version}`;
  expect(CONTAINERD_SOCKS.length, 'cluster.env names the containerd socket of every node').toBeGreaterThan(0);
  for (const socket of CONTAINERD_SOCKS) await run('ctr', ['--address', socket, '-n', 'k8s.io', 'images', 'import', tarball]);

  const lockdown = writeScenario(
    'audit-lockdown',
    `  actors:
    backend: {namespace: ${TARGET_NS}, labels: {app: backend}}
    frontend: {namespace: ${TARGET_NS}, labels: {app: frontend}}
    db: {namespace: ${TARGET_NS}, labels: {app: db}, listen: [5432]}
  checks:
    - {from: backend, to: db:5432, expect: allow}
    - {from: frontend, to: db:5432, expect: deny}
`,
  );
  const dns = writeScenario('audit-dns', `  actors:\n    backend: {namespace: ${TARGET_NS}, labels: {app: backend}}\n  checks:\n    - {from: backend, dns: kubernetes.default.svc.cluster.local., expect: allow}\n`);
  const printed = await kubeknock([
    'manifests', 'cronjob', lockdown, dns,
    '--image', cliImage, '--namespace', AUDIT_NS, '--name', NAME, '--schedule', '0 3 * * *',
    '--probe-image', IMAGE, '--probe-image-pull-policy', 'Never',
  ]);
  expect(printed.code, printed.stderr).toBe(0);
  manifests = printed.stdout;
  await kubectl(['apply', '-f', '-'], manifests);
}, 300_000);

afterAll(async () => {
  await kubectl(['delete', '-f', '-', '--ignore-not-found', '--wait=true', '--timeout=120s'], manifests).catch(() => undefined);
});

/** Triggers a Job from the CronJob, waits for it to finish, returns its state and the reports it logged. */
async function triggerAudit(job: string): Promise<{ status: 'Complete' | 'Failed'; reports: RunReport[]; log: string }> {
  await kubectl(['create', 'job', job, `--from=cronjob/${NAME}`, '-n', AUDIT_NS]);
  const deadline = Date.now() + 180_000;
  let status = '';
  while (Date.now() < deadline) {
    status = await kubectl(['get', 'job', job, '-n', AUDIT_NS, '-o', 'jsonpath={range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}']);
    if (/\b(Complete|Failed)\b/.test(status)) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const log = await kubectl(['logs', `job/${job}`, '-n', AUDIT_NS]);
  const reports = log
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as RunReport);
  const finished = /\bComplete\b/.test(status) ? 'Complete' : /\bFailed\b/.test(status) ? 'Failed' : undefined;
  if (!finished) throw new Error(`job ${job} did not finish in 180 s (conditions: ${status || 'none'}); log:\n${log}`);
  return { status: finished, reports, log };
}

describe('the CronJob audit in the cluster', () => {
  it('is a CronJob that never overlaps and never retries, with deadlines and history limits', () => {
    const cronJob = parseAllDocuments(manifests)
      .map((d) => d.toJS() as { kind?: string; spec?: Record<string, unknown> & { jobTemplate?: { spec?: Record<string, unknown> } } })
      .find((d) => d.kind === 'CronJob');
    expect(cronJob?.spec).toMatchObject({ concurrencyPolicy: 'Forbid', schedule: '0 3 * * *' });
    expect(cronJob?.spec?.['startingDeadlineSeconds']).toBeGreaterThan(0);
    expect(cronJob?.spec?.['successfulJobsHistoryLimit']).toBeGreaterThan(0);
    expect(cronJob?.spec?.['failedJobsHistoryLimit']).toBeGreaterThan(0);
    expect(cronJob?.spec?.jobTemplate?.spec).toMatchObject({ backoffLimit: 0 });
    expect(cronJob?.spec?.jobTemplate?.spec?.['activeDeadlineSeconds']).toBeGreaterThan(0);
  });

  it('a triggered Job completes, logging one passing JSON report per scenario, and leaves no probe pod', async () => {
    const { status, reports, log } = await triggerAudit('audit-pass');
    expect(status, log).toBe('Complete');
    expect(reports.map((r) => r.scenario.name)).toEqual(['audit-lockdown', 'audit-dns']);
    for (const report of reports) {
      expect(report.summary.failed, `${report.scenario.name}; log:\n${log}`).toBe(0);
      expect(report.cluster?.server, 'in-cluster config: the kubernetes Service').toMatch(/^https:\/\/10\.96\.0\.1:443$/);
    }
    expect(await managedPods()).toEqual([]);
  });

  it('a Job whose audit finds a broken expectation fails, and its log names the cell', async () => {
    await kubectl(['delete', 'networkpolicy', 'db-from-backend', '-n', TARGET_NS]);
    const { status, reports, log } = await triggerAudit('audit-fail');
    expect(status, log).toBe('Failed');
    const failed = reports.flatMap((r) => r.checks.filter((c) => c.status === 'fail').map((c) => `${c.from} → ${c.to}: observed ${c.observed}`));
    expect(failed).toEqual(['frontend → db:5432: observed allow']);
    const pods = await kubectl(['get', 'pods', '-n', AUDIT_NS, '-l', 'job-name=audit-fail', '-o', 'jsonpath={range .items[*]}{.status.containerStatuses[0].state.terminated.exitCode}{"\\n"}{end}']);
    expect(pods.trim().split('\n'), 'one pod (backoffLimit 0), exit code 1').toEqual(['1']);
    expect(await managedPods()).toEqual([]);
  });
});
