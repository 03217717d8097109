/**
 * Issue 21, audit metrics in the cluster: a Pushgateway runs as a pod of the test cluster (the release
 * test/metrics/build.sh builds from the Go module proxy, packed by test/metrics/build-image.sh and
 * imported into every node, since nothing can be pulled), and the CronJob audit that
 * `kubeknock manifests cronjob --pushgateway` prints pushes to it. The metrics say pass; then, with
 * the policy removed, fail, naming the open cell, while the last success stays as it was.
 * The test reads the Pushgateway through the API server's Service proxy and parses what it serves with
 * Prometheus' own text parser (test/metrics/promcheck).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { promcheck, type Parsed } from '../support/prometheus-tools.js';
import { CLUSTER, IMAGE, REPO, kubeknock, kubectl, managedPods, useNamespace, writeScenario } from './cluster.js';

const run = promisify(execFile);
const GATEWAY_NS = 'kk-e2e-pushgateway';
const AUDIT_NS = 'kk-e2e-metrics-audit';
const TARGET_NS = 'kk-e2e-metrics-audited';
const NAME = 'kk-metrics-audit';
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

/** The Pushgateway as a restricted pod behind a Service, in memory (no persistence file). */
const gateway = (image: string): string => `apiVersion: v1
kind: Namespace
metadata: {name: ${GATEWAY_NS}}
---
apiVersion: v1
kind: Pod
metadata: {name: pushgateway, namespace: ${GATEWAY_NS}, labels: {app: pushgateway}}
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 65534, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: pushgateway
      image: ${image}
      imagePullPolicy: Never
      args: [--web.listen-address=:9091]
      ports: [{containerPort: 9091, name: http}]
      readinessProbe: {httpGet: {path: /-/ready, port: 9091}, periodSeconds: 2}
      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true}
---
apiVersion: v1
kind: Service
metadata: {name: pushgateway, namespace: ${GATEWAY_NS}}
spec:
  selector: {app: pushgateway}
  ports: [{port: 9091, targetPort: 9091, name: http}]
`;

/**
 * The JSON reports in a Job's log: `run -o json` prints one pretty-printed report for one scenario
 * (from a line `{` to a line `}`, its other lines indented) and JSON Lines for several. The log
 * interleaves stdout and stderr line by line, so kubeknock's stderr lines (the teardown's, written
 * right after the verdict) can fall between the report's lines: they are not indented, and left out.
 */
function reportsIn(log: string): RunReport[] {
  const reports: RunReport[] = [];
  let pretty: string[] | undefined;
  for (const line of log.split('\n')) {
    if (pretty !== undefined) {
      if (line === '}') {
        reports.push(JSON.parse([...pretty, line].join('\n')) as RunReport);
        pretty = undefined;
      } else if (line.startsWith(' ')) pretty.push(line);
    } else if (line === '{') pretty = [line];
    else if (line.startsWith('{')) reports.push(JSON.parse(line) as RunReport);
  }
  return reports;
}

let manifests = '';
let gatewayManifests = '';

beforeAll(async () => {
  expect(CONTAINERD_SOCKS.length, 'cluster.env names the containerd socket of every node').toBeGreaterThan(0);
  // The Pushgateway image, and the CLI image the CronJob runs (as test/e2e/cronjob.test.ts builds it).
  const [tarball, image] = (await run('bash', [`${REPO}test/metrics/build-image.sh`], { cwd: REPO, maxBuffer: 16 << 20, timeout: 20 * 60_000 })).stdout.trim().split('\n').slice(-2);
  const cli = (await run('bash', [`${REPO}test/image/build-cli-image.sh`], { cwd: REPO, maxBuffer: 16 << 20 })).stdout.trim().split('\n').at(-1) ?? '';
  for (const socket of CONTAINERD_SOCKS) {
    for (const file of [tarball ?? '', cli]) await run('ctr', ['--address', socket, '-n', 'k8s.io', 'images', 'import', file]);
  }
  gatewayManifests = gateway(image ?? '');
  await kubectl(['apply', '-f', '-'], gatewayManifests);
  await kubectl(['wait', '--for=condition=Ready', 'pod/pushgateway', '-n', GATEWAY_NS, '--timeout=120s']);

  const { version } = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { version: string };
  const lockdown = writeScenario(
    'metrics-lockdown',
    `  actors:
    backend: {namespace: ${TARGET_NS}, labels: {app: backend}}
    frontend: {namespace: ${TARGET_NS}, labels: {app: frontend}}
    db: {namespace: ${TARGET_NS}, labels: {app: db}, listen: [5432]}
  checks:
    - {from: backend, to: db:5432, expect: allow}
    - {from: frontend, to: db:5432, expect: deny}
`,
  );
  const printed = await kubeknock([
    'manifests', 'cronjob', lockdown,
    '--image', `localhost/kubeknock:${version}`, '--namespace', AUDIT_NS, '--name', NAME, '--schedule', '0 3 * * *',
    '--probe-image', IMAGE, '--probe-image-pull-policy', 'Never',
    '--pushgateway', `http://pushgateway.${GATEWAY_NS}.svc.cluster.local:9091`, '--metrics-group', 'cluster=e2e',
  ]);
  expect(printed.code, printed.stderr).toBe(0);
  manifests = printed.stdout;
  await kubectl(['apply', '-f', '-'], manifests);
}, 30 * 60_000);

afterAll(async () => {
  await kubectl(['delete', '-f', '-', '--ignore-not-found', '--wait=true', '--timeout=120s'], manifests).catch(() => undefined);
  await kubectl(['delete', '-f', '-', '--ignore-not-found', '--wait=true', '--timeout=120s'], gatewayManifests).catch(() => undefined);
});

/** Triggers a Job from the CronJob and waits (bounded) for it to finish. */
async function triggerAudit(job: string): Promise<{ status: 'Complete' | 'Failed'; log: string }> {
  await kubectl(['create', 'job', job, `--from=cronjob/${NAME}`, '-n', AUDIT_NS]);
  const deadline = Date.now() + 180_000;
  let status = '';
  while (Date.now() < deadline) {
    status = await kubectl(['get', 'job', job, '-n', AUDIT_NS, '-o', 'jsonpath={range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}']);
    if (/\b(Complete|Failed)\b/.test(status)) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const log = await kubectl(['logs', `job/${job}`, '-n', AUDIT_NS]);
  const finished = /\bComplete\b/.test(status) ? 'Complete' : /\bFailed\b/.test(status) ? 'Failed' : undefined;
  if (!finished) throw new Error(`job ${job} did not finish in 180 s (conditions: ${status || 'none'}); log:\n${log}`);
  return { status: finished, log };
}

/** What the Pushgateway serves Prometheus, through the API server's Service proxy, parsed by Prometheus' parser. */
async function scrape(): Promise<Parsed> {
  return promcheck(await kubectl(['get', '--raw', `/api/v1/namespaces/${GATEWAY_NS}/services/http:pushgateway:9091/proxy/metrics`]), 'text');
}
const values = (parsed: Parsed, name: string) => parsed.samples.filter((s) => s.name === name && s.labels['job'] === 'kubeknock' && s.labels['cluster'] === 'e2e');

describe('the CronJob audit pushes its metrics to a Pushgateway in the cluster', () => {
  let firstSuccess = '';

  it('a passing audit: success 1, no failed cell, a last-success timestamp', async () => {
    const { status, log } = await triggerAudit('metrics-pass');
    expect(status, log).toBe('Complete');
    const parsed = await scrape();
    expect(values(parsed, 'kubeknock_last_run_success').map((s) => s.value), log).toEqual(['1']);
    expect(values(parsed, 'kubeknock_checks').filter((s) => s.labels['result'] === 'failed').map((s) => s.value)).toEqual(['0']);
    expect(values(parsed, 'kubeknock_failed_cell')).toEqual([]);
    const success = values(parsed, 'kubeknock_last_success_timestamp_seconds');
    expect(success.map((s) => s.labels['kubeknock_group'])).toEqual(['last-success']);
    firstSuccess = success[0]?.value ?? '';
    expect(Number(firstSuccess)).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(await managedPods()).toEqual([]);
  });

  it('with the policy removed: the Job fails and the metrics name the open cell; the last success stays', async () => {
    await kubectl(['delete', 'networkpolicy', 'db-from-backend', '-n', TARGET_NS]);
    const { status, log } = await triggerAudit('metrics-fail');
    expect(status, log).toBe('Failed');
    const reports = reportsIn(log);
    expect(reports.flatMap((r) => r.checks.filter((c) => c.status === 'fail').map((c) => `${c.from} → ${c.to}`))).toEqual(['frontend → db:5432']);
    expect(log, 'the push succeeded: no metrics error in the log').not.toContain('kubeknock: metrics:');
    const parsed = await scrape();
    expect(values(parsed, 'kubeknock_last_run_success').map((s) => s.value)).toEqual(['0']);
    expect(values(parsed, 'kubeknock_last_run_exit_code').map((s) => s.value)).toEqual(['1']);
    expect(values(parsed, 'kubeknock_failed_cell').map((s) => [s.labels['from'], s.labels['to'], s.labels['failure']])).toEqual([['frontend', 'db:5432', 'open']]);
    expect(values(parsed, 'kubeknock_last_success_timestamp_seconds').map((s) => s.value)).toEqual([firstSuccess]);
  });
});
