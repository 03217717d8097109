/**
 * `kubeknock run a.yaml b.yaml`: every file is checked before anything is created, the scenarios run
 * one after the other, and the exit code and reports cover all of them. The FakeCluster runs the real
 * busybox probes on loopback addresses.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { runCommand, type RunOutcome } from '../../src/app/run.js';
import type { RunReport } from '../../src/model/report.js';
import { systemClock } from '../../src/probe/clock.js';
import type { ReportFormat } from '../../src/report/format.js';
import { FakeCluster, type FakeClusterOptions } from '../support/fake-cluster.js';
import { clientDbScenario } from '../support/run-use-case.js';

const scenario = clientDbScenario;

describe('run with several scenario files', () => {
  let fake: FakeCluster | undefined;
  afterEach(() => fake?.dispose());

  function files(contents: Record<string, string>): string[] {
    const dir = mkdtempSync(join(tmpdir(), 'kk-several-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    return Object.entries(contents).map(([name, text]) => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    });
  }

  /** The whole run use case over a FakeCluster (namespaces one and two unless `cluster` says otherwise). */
  async function run(
    paths: string[],
    output: ReportFormat,
    options: { reportFile?: string; cluster?: FakeClusterOptions; signal?: AbortSignal } = {},
  ): Promise<RunOutcome & { stdout: string; cluster: FakeCluster }> {
    const cluster = new FakeCluster({ namespaces: ['one', 'two'], ...options.cluster });
    fake = cluster;
    let stdout = '';
    const quiet = { step: () => undefined, update: () => undefined, failed: () => undefined, finish: () => undefined };
    const outcome = await runCommand(
      { files: paths, overrides: {}, output, reportFormat: 'junit', keep: false, clusterDomain: 'cluster.local', color: false, ...(options.reportFile ? { reportFile: options.reportFile } : {}) },
      { connect: () => cluster, progress: quiet, clock: systemClock, write: (text) => (stdout += text), toolVersion: '0.0.0-test', ...(options.signal ? { signal: options.signal } : {}) },
    );
    return { ...outcome, stdout, cluster };
  }

  it('runs each in turn; -o json prints one report per line; the JUnit file holds one testsuite each', async () => {
    const paths = files({ 'one.yaml': scenario('one', 'one', 'allow'), 'two.yaml': scenario('two', 'two', 'deny') });
    const reportFile = `${paths[0]}.xml`;
    const { reports, exitCode, stdout, cluster } = await run(paths, 'json', { reportFile });
    expect(reports.map((r) => r.scenario.name)).toEqual(['one', 'two']);
    expect(new Set(reports.map((r) => r.runId)).size, 'each scenario has its own run id').toBe(2);
    // two: the port is open but the scenario expects deny — a failed check, so exit 1 for the whole run.
    expect(reports.map((r) => r.summary.failed)).toEqual([0, 1]);
    expect(exitCode).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => (JSON.parse(line) as RunReport).scenario.name)).toEqual(['one', 'two']);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(reportFile, 'utf8')) as {
      testsuites: { '@_tests': string; '@_failures': string; testsuite: { '@_name': string }[] };
    };
    expect(xml.testsuites.testsuite.map((s) => s['@_name'])).toEqual(['one', 'two']);
    expect(xml.testsuites).toMatchObject({ '@_tests': '2', '@_failures': '1' });
    expect(cluster.pods.size, 'every probe pod deleted').toBe(0);
  });

  it('checks every file against the cluster before creating a pod: a missing namespace in the second stops both', async () => {
    const paths = files({ 'one.yaml': scenario('one', 'one', 'allow'), 'two.yaml': scenario('two', 'absent', 'allow') });
    await expect(run(paths, 'table', { cluster: { namespaces: ['one'] } })).rejects.toThrow(/two\.yaml refers to; nothing was created/);
    expect(fake?.created, 'nothing created').toEqual([]);
  });

  it('does not start the next scenario after an interrupt', async () => {
    const paths = files({ 'one.yaml': scenario('one', 'one', 'allow'), 'two.yaml': scenario('two', 'two', 'allow') });
    const controller = new AbortController();
    const { reports, exitCode, cluster } = await run(paths, 'json', { cluster: { onExec: () => controller.abort('SIGTERM') }, signal: controller.signal });
    expect(reports.map((r) => [r.scenario.name, r.interrupted])).toEqual([['one', true]]);
    expect(exitCode).toBe(143);
    expect(cluster.created.every((pod) => pod.metadata.namespace === 'one'), 'no pod of the second scenario').toBe(true);
    expect(cluster.pods.size).toBe(0);
  });
});
