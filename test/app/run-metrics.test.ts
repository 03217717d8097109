/**
 * Issue 21, `run --metrics-file`: a real run (fake API, real BusyBox probes) writes its metrics the
 * textfile-collector way (a new file renamed over the old one), a failed run keeps the last success
 * the file recorded, and a run that breaks in preflight still writes metrics that say so (exit 2).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runWithMetrics } from '../../src/app/metrics/run-with-metrics.js';
import { runCommand } from '../../src/app/run.js';
import { systemClock } from '../../src/probe/clock.js';
import { runCli } from '../support/cli.js';
import { FakeCluster } from '../support/fake-cluster.js';
import { clientDbScenario, quietProgress, scenarioFile } from '../support/run-use-case.js';
import { startFakeApi, type FakeApi } from '../cluster-adapter/fake-api-server.js';
import { writeKubeconfig } from '../cluster-adapter/kubeconfig-file.js';
import { promcheck, type Parsed } from '../support/prometheus-tools.js';

const dir = mkdtempSync(join(tmpdir(), 'kk-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fake: FakeCluster | undefined;
let api: FakeApi | undefined;
afterEach(async () => {
  fake?.dispose();
  fake = undefined;
  await api?.close();
  api = undefined;
});

const value = (parsed: Parsed, name: string): string | undefined => parsed.samples.find((s) => s.name === name)?.value;

async function run(file: string, metricsFile: string, times: { start: number; end: number }): Promise<number> {
  const cluster = new FakeCluster({ namespaces: ['metrics'] });
  fake = cluster;
  const clock = { now: (() => { let calls = 0; return () => (calls++ === 0 ? times.start : times.end); })() };
  const outcome = await runWithMetrics({ file: metricsFile, format: 'prometheus' }, { clock, version: '0.1.0', fetch, warn: () => undefined }, () =>
    runCommand(
      { files: [file], overrides: {}, output: 'json', reportFormat: 'json', keep: false, clusterDomain: 'cluster.local', color: false },
      { connect: () => cluster, progress: quietProgress, clock: systemClock, write: () => undefined, toolVersion: '0.1.0' },
    ),
  );
  fake.dispose();
  fake = undefined;
  return outcome.exitCode;
}

describe('run --metrics-file', () => {
  it('a passing run, then a failing one: the file is replaced by rename and keeps the last success', async () => {
    const metrics = join(dir, 'kubeknock.prom');
    writeFileSync(metrics, 'old content\n');
    const before = statSync(metrics).ino;
    expect(await run(scenarioFile(clientDbScenario('metrics-pass', 'metrics', 'allow')), metrics, { start: 1_796_000_000_000, end: 1_796_000_004_500 })).toBe(0);
    // A new file renamed over the old one (node_exporter never reads half a file), no temporary left.
    expect(statSync(metrics).ino).not.toBe(before);
    expect(readdirSync(dir)).toEqual(['kubeknock.prom']);
    const passed = promcheck(readFileSync(metrics, 'utf8'), 'text');
    expect(value(passed, 'kubeknock_last_run_success')).toBe('1');
    expect(value(passed, 'kubeknock_run_duration_seconds')).toBe('4.5');
    expect(value(passed, 'kubeknock_last_success_timestamp_seconds')).toBe('1.7960000045e+09');

    expect(await run(scenarioFile(clientDbScenario('metrics-fail', 'metrics', 'deny')), metrics, { start: 1_796_000_600_000, end: 1_796_000_601_000 })).toBe(1);
    const failed = promcheck(readFileSync(metrics, 'utf8'), 'text');
    expect(value(failed, 'kubeknock_last_run_success')).toBe('0');
    expect(value(failed, 'kubeknock_last_run_timestamp_seconds')).toBe('1.796000601e+09');
    expect(value(failed, 'kubeknock_last_success_timestamp_seconds'), 'the last success survives a failed run').toBe('1.7960000045e+09');
    expect(failed.samples.filter((s) => s.name === 'kubeknock_failed_cell').map((s) => s.labels)).toEqual([{ scenario: 'metrics-fail', from: 'client', to: 'db:5432', failure: 'open' }]);
  });

  it('a run that fails in preflight (exit 2) still writes metrics that say it broke', async () => {
    api = await startFakeApi({ namespaces: { other: {} } });
    const metrics = join(dir, 'preflight.om');
    const file = scenarioFile(clientDbScenario('metrics-preflight', 'metrics', 'allow'));
    const { code, stderr } = await runCli(['run', file, '--kubeconfig', writeKubeconfig(api.loaded.server), '--metrics-file', metrics, '--metrics-format', 'openmetrics']);
    expect(code).toBe(2);
    expect(stderr).toContain('namespace "metrics" does not exist');
    const parsed = promcheck(readFileSync(metrics, 'utf8'), 'openmetrics');
    expect(value(parsed, 'kubeknock_last_run_exit_code')).toBe('2');
    expect(value(parsed, 'kubeknock_last_run_success')).toBe('0');
  });

  it('a --metrics-group before the scenarios takes one value: the CronJob\'s own argument order runs its scenario', async () => {
    const scenario = scenarioFile(clientDbScenario('x', 'metrics', 'allow'));
    // As manifests cronjob writes them: flags in --flag=value form, then the scenario paths.
    const { code, stderr } = await runCli(['run', '--pushgateway=http://127.0.0.1:9/', '--metrics-group=cluster=e2e', '--metrics-group', 'team=a', scenario, '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(code).toBe(2);
    expect(stderr).not.toContain('--metrics-group');
    expect(stderr).toContain('kubeconfig /nonexistent/kubeconfig (from --kubeconfig) does not exist');
  });

  it('refuses a directory that does not exist before anything runs', async () => {
    const metrics = join(dir, 'no', 'such', 'k.prom');
    const { code, stderr } = await runCli(['run', scenarioFile(clientDbScenario('x', 'metrics', 'allow')), '--kubeconfig', '/nonexistent/kubeconfig', '--metrics-file', metrics]);
    expect(code).toBe(2);
    expect(stderr).toBe(`kubeknock: --metrics-file ${metrics}: the directory ${join(dir, 'no', 'such')} does not exist; create it first (kubeknock does not create directories)\n`);
  });

  it.each([
    [['--metrics-group', 'cluster=a'], '--metrics-group: it names the group of a push; give --pushgateway URL too'],
    [['--pushgateway', 'ftp://pgw:9091'], '--pushgateway "ftp://pgw:9091": the scheme must be http or https, not ftp'],
    [['--pushgateway', 'pgw:9091'], '--pushgateway "pgw:9091": give the scheme too: http://pgw:9091'],
    [['--pushgateway', 'http://'], '--pushgateway "http://": not a URL'],
    [['--pushgateway', 'http://u:p@pgw:9091'], 'credentials in the URL would show in the process list'],
    [['--pushgateway', 'http://pgw:9091', '--metrics-group', 'scenario=a'], '"scenario" is a label of kubeknock\'s own series'],
    [['--pushgateway', 'http://pgw:9091', '--metrics-group', 'a=1', '--metrics-group', 'a=2'], '"a" is given twice'],
    [['--pushgateway', 'http://pgw:9091', '--metrics-group', '1a=1'], 'is no Prometheus label name'],
    [['--pushgateway', 'http://pgw:9091', '--metrics-group', 'novalue'], 'write KEY=VALUE'],
    [['--metrics-format', 'openmetrics'], '--metrics-format: it is the format of --metrics-file'],
    [['--dry-run', '--metrics-file', '/tmp/x.prom'], '--metrics-file and --pushgateway are not written by --dry-run'],
  ])('refuses %j as a usage error', async (flags, message) => {
    const { code, stderr } = await runCli(['run', scenarioFile(clientDbScenario('x', 'metrics', 'allow')), ...flags]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});

describe('rollout --metrics-file / --pushgateway', () => {
  it.each([
    [['rollout', '-f', 'examples/steps/policies/allow-backend.yaml', '--dry-run', '--metrics-file', '/tmp/x.prom']],
    [['rollout', '--undo', 'journal.json', '--pushgateway', 'http://pgw:9091']],
  ])('%j is refused: only a rollout that runs its steps has metrics', async (argv) => {
    const { code, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stderr).toContain('--metrics-file and --pushgateway are written by a rollout that runs its steps, not by --undo or --dry-run');
  });

  it('a rollout that breaks before its first step still writes metrics that say so (exit 2)', async () => {
    const metrics = join(dir, 'rollout.prom');
    const { code } = await runCli(['rollout', '-f', 'examples/steps/policies/allow-backend.yaml', '--kubeconfig', '/nonexistent/kubeconfig', '--yes', '--metrics-file', metrics]);
    expect(code).toBe(2);
    const parsed = promcheck(readFileSync(metrics, 'utf8'), 'text');
    expect(value(parsed, 'kubeknock_last_run_exit_code')).toBe('2');
  });
});
