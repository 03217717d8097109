/**
 * Issue 9, item 8, `--report` gaps: the file records a run that failed in preflight, its directory
 * must exist (no `mkdir -p` of any path), `--dry-run --report` is refused, and a file that cannot be
 * written is a clear error naming it (exit 2), not "unexpected error".
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/app/run.js';
import type { RunReport } from '../../src/model/report.js';
import { systemClock } from '../../src/probe/clock.js';
import { runCli } from '../support/cli.js';
import { FakeCluster } from '../support/fake-cluster.js';
import { startFakeApi, type FakeApi } from '../cluster-adapter/fake-api-server.js';
import { writeKubeconfig } from '../cluster-adapter/kubeconfig-file.js';

const dir = mkdtempSync(join(tmpdir(), 'kk-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scenario = join(dir, 'one.yaml');
writeFileSync(
  scenario,
  `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: one}
spec:
  defaults: {timeoutSeconds: 1, attempts: 1, retryDelaySeconds: 0, settleSeconds: 0}
  actors:
    client: {namespace: one}
    db: {namespace: one, listen: [5432]}
  checks:
    - {from: client, to: db:5432, expect: allow}
`,
);

let fake: FakeCluster | undefined;
let api: FakeApi | undefined;
afterEach(async () => {
  fake?.dispose();
  fake = undefined;
  await api?.close();
  api = undefined;
});

const quiet = { step: () => undefined, update: () => undefined, failed: () => undefined, finish: () => undefined };
const request = (reportFile: string) => ({ files: [scenario], overrides: {}, output: 'json' as const, reportFile, reportFormat: 'json' as const, keep: false, clusterDomain: 'cluster.local', color: false });

describe('run --report', () => {
  it('is written, with the error, when preflight fails', async () => {
    api = await startFakeApi({ namespaces: { other: {} } });
    const report = join(dir, 'preflight.json');
    const { code, stderr } = await runCli(['run', scenario, '--kubeconfig', writeKubeconfig(api.loaded.server), '--report', report]);
    expect(code).toBe(2);
    expect(stderr).toContain('namespace "one" does not exist');
    const written = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
    expect(written.errors).toHaveLength(1);
    expect(written.errors[0]?.kind).toBe('preflight');
    expect(written.errors[0]?.message).toContain('namespace "one" does not exist');
    expect(written.summary).toEqual({ total: 1, passed: 0, failed: 0, skipped: 1 });
    expect(written.checks[0]?.message).toBe('not run: preflight failed');
  });

  it('refuses a directory that does not exist, before anything runs, and creates none', async () => {
    const report = join(dir, 'no', 'such', 'dir', 'r.json');
    const { code, stderr } = await runCli(['run', scenario, '--kubeconfig', '/nonexistent/kubeconfig', '--report', report]);
    expect(code).toBe(2);
    expect(stderr).toBe(`kubeknock: --report ${report}: the directory ${join(dir, 'no', 'such', 'dir')} does not exist; create it first (kubeknock does not create directories)\n`);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('refuses a report path that is a directory', async () => {
    const { code, stderr } = await runCli(['run', scenario, '--kubeconfig', '/nonexistent/kubeconfig', '--report', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain(`--report ${dir}: exists and is not a regular file`);
  });

  it('with --dry-run is refused, not silently ignored', async () => {
    const { code, stderr, stdout } = await runCli(['run', scenario, '--dry-run', '--report', join(dir, 'dry.json')]);
    expect(code).toBe(2);
    expect(stderr).toContain('--report is not written by --dry-run: nothing runs, so there is no report');
    expect(stdout).toBe('');
    expect(existsSync(join(dir, 'dry.json'))).toBe(false);
  });

  it('that cannot be written is a clear error naming the file; stdout still gets the report', async () => {
    // A regular file no one can write, even root: the kernel answers EIO to writing it in place, and
    // ENOENT to the temporary file next to it that kubeknock writes first.
    const cluster = new FakeCluster({ namespaces: ['one'] });
    fake = cluster;
    let stdout = '';
    const outcome = runCommand(request('/proc/version'), { connect: () => cluster, progress: quiet, clock: systemClock, write: (text) => (stdout += text), toolVersion: '0.0.0-test' });
    await expect(outcome).rejects.toThrow(/^cannot write the report to \/proc\/version \((EIO|ENOENT)\)/);
    expect((JSON.parse(stdout) as RunReport).summary.total).toBe(1);
  });
});
