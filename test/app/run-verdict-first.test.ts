/**
 * Issue 18, item 2: the verdict (report file, stdout) comes out as soon as the last probe is judged;
 * the probe pods are deleted after it, still before the use case returns, on every path, and the
 * summary line says both times.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCommand, type RunDeps } from '../../src/app/run.js';
import type { RunReport } from '../../src/model/report.js';
import { systemClock } from '../../src/probe/clock.js';
import type { PodRef } from '../../src/probe/cluster-port.js';
import { FakeCluster, type FakeClusterOptions } from '../support/fake-cluster.js';
import { clientDbScenario, scenarioFile } from '../support/run-use-case.js';

const dir = mkdtempSync(join(tmpdir(), 'kk-verdict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fake: FakeCluster | undefined;
afterEach(() => {
  fake?.dispose();
  fake = undefined;
});

/** The fake cluster, writing what happens in order into `events`. */
class RecordingCluster extends FakeCluster {
  constructor(
    private readonly events: string[],
    private readonly reportFile: string,
    options: FakeClusterOptions,
  ) {
    super(options);
  }

  override async deletePods(pods: readonly PodRef[]): Promise<void> {
    this.events.push(`deleting pods (report file ${existsSync(this.reportFile) ? 'written' : 'missing'})`);
    await super.deletePods(pods);
    this.events.push('pods deleted');
  }
}

interface Setup {
  readonly events: string[];
  readonly finish: string[];
  readonly reportFile: string;
  readonly run: (deps?: Partial<RunDeps>, keep?: boolean) => ReturnType<typeof runCommand>;
}

function setup(name: string, options: FakeClusterOptions = {}): Setup {
  const events: string[] = [];
  const finish: string[] = [];
  const reportFile = join(dir, `${name}.json`);
  const cluster = new RecordingCluster(events, reportFile, { namespaces: ['shop'], ...options });
  fake = cluster;
  const file = scenarioFile(clientDbScenario(name, 'shop', 'allow'));
  const run = (deps: Partial<RunDeps> = {}, keep = false) =>
    runCommand(
      { files: [file], overrides: {}, output: 'table', reportFile, reportFormat: 'json', keep, clusterDomain: 'cluster.local', color: false },
      {
        connect: () => cluster,
        progress: { step: () => undefined, update: () => undefined, failed: () => undefined, finish: (ok, text) => void finish.push(`${ok ? 'ok' : 'failed'}: ${text}`) },
        clock: systemClock,
        write: (text) => void events.push(`stdout: ${text.split('\n')[0] ?? ''}`),
        toolVersion: '0.0.0-test',
        ...deps,
      },
    );
  return { events, finish, reportFile, run };
}

describe('run: verdict before pod deletion', () => {
  it('writes the report file and stdout first, deletes the pods after, and the summary says both times', async () => {
    const { events, finish, reportFile, run } = setup('order');
    const { exitCode, reports } = await run();
    expect(exitCode).toBe(0);
    expect(events.map((e) => e.replace(/^stdout: .*/, 'stdout')), 'the verdict comes out before the pods are deleted').toEqual([
      'stdout',
      'deleting pods (report file written)',
      'pods deleted',
    ]);
    expect(fake?.pods.size, 'every probe pod deleted before runCommand returned').toBe(0);
    expect(finish).toHaveLength(1);
    expect(finish[0]).toMatch(/^ok: 1\/1 checks passed; verdict after \d+\.\ds, probe pods removed after \d+\.\ds$/);
    const written = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    expect(written.teardownMs, 'the report file is written again once the pods are gone, with the teardown time').toBeGreaterThanOrEqual(0);
    expect(reports[0]?.teardownMs).toBe(written.teardownMs);
  });

  it('still deletes the pods when printing the verdict throws, and rethrows after', async () => {
    const { events, run } = setup('broken-stdout');
    const failure = run({
      write: () => {
        events.push('stdout throws');
        throw new Error('EPIPE');
      },
    });
    await expect(failure).rejects.toThrow('EPIPE');
    expect(events).toEqual(['stdout throws', 'deleting pods (report file written)', 'pods deleted']);
    expect(fake?.pods.size).toBe(0);
  });

  it('deletes the pods after a run interrupted mid-probe, and the report says it was interrupted', async () => {
    const controller = new AbortController();
    const { events, reportFile, run } = setup('interrupted', { onExec: () => controller.abort(new Error('interrupted by SIGINT')) });
    const { exitCode } = await run({ signal: controller.signal });
    expect(exitCode).toBe(130);
    expect(events.map((e) => e.replace(/^stdout: .*/, 'stdout'))).toEqual(['stdout', 'deleting pods (report file written)', 'pods deleted']);
    expect(fake?.pods.size).toBe(0);
    expect((JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport).interrupted).toBe(true);
  });

  it('reports a failed deletion after the verdict: exit 2, the cleanup error in the rewritten report file', async () => {
    const { events, finish, reportFile, run } = setup('delete-fails', { failDelete: true });
    const { exitCode } = await run();
    expect(exitCode).toBe(2);
    expect(events[0]).toMatch(/^stdout/);
    expect(events[1]).toBe('deleting pods (report file written)');
    expect(finish[0]).toMatch(/^failed: 1\/1 checks passed; verdict after \d+\.\ds, removing the probe pods failed after \d+\.\ds$/);
    const written = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    expect(written.errors.map((e) => e.kind)).toEqual(['cleanup']);
  });

  it('with --keep deletes nothing and says the pods were kept', async () => {
    const { events, finish, run } = setup('keep');
    await run({}, true);
    expect(events.map((e) => e.replace(/^stdout: .*/, 'stdout'))).toEqual(['stdout']);
    expect(finish[0]).toMatch(/verdict after \d+\.\ds, probe pods kept \(--keep\)$/);
  });
});
