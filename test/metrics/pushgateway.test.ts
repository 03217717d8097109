/**
 * Issue 21, audit metrics against a real Pushgateway (built from the Go module proxy by
 * test/metrics/build.sh, listening on 127.0.0.1 at a free port): push, read back, replace, the
 * last-success group that a failed run leaves alone, and rejected or failed pushes as clear errors
 * that never hide the run's own result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_JOB, type GroupingKey } from '../../src/app/metrics/grouping.js';
import { publishMetrics, type MetricsRequest } from '../../src/app/metrics/publish.js';
import { putGroup } from '../../src/app/metrics/pushgateway.js';
import { runWithMetrics } from '../../src/app/metrics/run-with-metrics.js';
import type { RunReport } from '../../src/model/report.js';
import { check, report } from '../report/builders.js';
import { freePort, prometheusTools, promcheck, startPushgateway, type Parsed, type RunningPushgateway } from '../support/prometheus-tools.js';

let gateway: RunningPushgateway;
beforeAll(async () => {
  prometheusTools();
  gateway = await startPushgateway();
}, 20 * 60_000);
afterAll(async () => gateway?.stop());

const failing = report([
  check({ from: 'client', to: 'db:5432', expect: 'allow', saw: ['timeout'] }),
  check({ from: 'intruder', to: 'db:5432', expect: 'deny', saw: ['connected'] }),
]);
const passing = report([check({ from: 'client', to: 'db:5432', expect: 'allow', saw: ['connected'] }), check({ from: 'intruder', to: 'db:5432', expect: 'deny', saw: ['timeout'] })]);

// A value with a "/" cannot be a path segment: it must travel base64-encoded and come back as it was.
const group: GroupingKey = { job: DEFAULT_JOB, labels: [['cluster', 'eu/prod-1'], ['team', 'net/sec']] };
const request = (): MetricsRequest => ({ format: 'prometheus', pushgateway: { url: gateway.url, group } });
const push = (reports: readonly RunReport[], exitCode: number, at: number): Promise<string[]> =>
  publishMetrics(request(), { version: '0.1.0', reports, exitCode, finishedAtSeconds: at, durationSeconds: 3 }, { fetch });

/** What the Pushgateway serves to Prometheus, read by Prometheus' own text parser. */
async function scrape(): Promise<Parsed> {
  const response = await fetch(`${gateway.url}/metrics`);
  expect(response.status, 'GET /metrics of the Pushgateway').toBe(200);
  return promcheck(await response.text(), 'text');
}
const series = (parsed: Parsed, name: string) => parsed.samples.filter((s) => s.name === name);

describe('audit metrics pushed to a real Pushgateway', () => {
  it('a failed run: its group holds the failed cells, under the job and the grouping labels', async () => {
    expect(await push([failing], 1, 1_796_000_000)).toEqual([]);
    const parsed = await scrape();
    expect(series(parsed, 'kubeknock_failed_cell').map((s) => s.labels)).toEqual([
      { job: 'kubeknock', instance: '', cluster: 'eu/prod-1', team: 'net/sec', scenario: 'postgres-lockdown', from: 'client', to: 'db:5432', failure: 'closed' },
      { job: 'kubeknock', instance: '', cluster: 'eu/prod-1', team: 'net/sec', scenario: 'postgres-lockdown', from: 'intruder', to: 'db:5432', failure: 'open' },
    ]);
    expect(series(parsed, 'kubeknock_last_run_success')[0]?.value).toBe('0');
    expect(series(parsed, 'kubeknock_last_success_timestamp_seconds')).toEqual([]);
  });

  it('a passing run replaces the group (the failed cells are gone) and records its success in a group of its own', async () => {
    expect(await push([passing], 0, 1_796_000_600)).toEqual([]);
    const parsed = await scrape();
    expect(series(parsed, 'kubeknock_failed_cell')).toEqual([]);
    expect(series(parsed, 'kubeknock_last_run_success')[0]?.value).toBe('1');
    expect(series(parsed, 'kubeknock_last_success_timestamp_seconds')).toEqual([
      { name: 'kubeknock_last_success_timestamp_seconds', labels: { job: 'kubeknock', instance: '', cluster: 'eu/prod-1', team: 'net/sec', kubeknock_group: 'last-success' }, value: '1.7960006e+09' },
    ]);
  });

  it('a later failed run replaces the run group but leaves the last success as it was', async () => {
    expect(await push([failing], 1, 1_796_001_200)).toEqual([]);
    const parsed = await scrape();
    expect(series(parsed, 'kubeknock_last_run_timestamp_seconds')[0]?.value).toBe('1.7960012e+09');
    expect(series(parsed, 'kubeknock_last_success_timestamp_seconds')[0]?.value).toBe('1.7960006e+09');
    expect(series(parsed, 'kubeknock_failed_cell')).toHaveLength(2);
  });

  it('a push the Pushgateway rejects (two samples with one label set) is a clear error with its HTTP status and reason', async () => {
    const body = '# TYPE kubeknock_checks gauge\nkubeknock_checks{result="passed"} 1\nkubeknock_checks{result="passed"} 2\n';
    const error = await putGroup(fetch, gateway.url, { job: 'kubeknock', labels: [['cluster', 'rejected']] }, body, 'text/plain; version=0.0.4').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(new RegExp(`^pushing the metrics to ${gateway.url}/metrics/job/kubeknock/cluster/rejected failed: HTTP 400 Bad Request: .*was collected before with the same name and label values`));
  });

  it('a failed push turns a passed run into exit 2, says why on stderr, and keeps the report', async () => {
    const warnings: string[] = [];
    const deps = { fetch, clock: { now: () => 1_796_000_000_000 }, version: '0.1.0', warn: (text: string) => warnings.push(text) };
    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable: MetricsRequest = { format: 'prometheus', pushgateway: { url: closed, group } };
    const passed = await runWithMetrics(unreachable, deps, async () => ({ reports: [passing], exitCode: 0 }));
    expect(passed.exitCode).toBe(2);
    expect(passed.reports).toEqual([passing]);
    expect(warnings).toEqual([`metrics: pushing the metrics to ${closed}/metrics/job/kubeknock/cluster@base64/ZXUvcHJvZC0x/team@base64/bmV0L3NlYw== failed: ECONNREFUSED; check the --pushgateway URL and that the Pushgateway is reachable from here`]);
    // A failed run keeps its own exit code: the push failure must not hide the finding.
    const failed = await runWithMetrics(unreachable, deps, async () => ({ reports: [failing], exitCode: 1 }));
    expect(failed.exitCode).toBe(1);
    expect(warnings).toHaveLength(2);
  });
});
