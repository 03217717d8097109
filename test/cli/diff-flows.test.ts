/**
 * `kubeknock diff --flows`: the postgres lockdown over the obsdemo flows. Golden table and Markdown
 * (regenerate with `UPDATE_GOLDEN=1 npx vitest run --config test/vitest.config.ts test/cli/diff-flows.test.ts`),
 * JSON, exit codes, and refusals before anything is judged.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { writeKubeconfig } from '../cluster-adapter/kubeconfig-file.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const F = 'test/fixtures/flows';
const LOCKDOWN = ['diff', '-f', `${F}/obsdemo/workloads.yaml`, '--to', `${F}/obsdemo/postgres-lockdown.yaml`];
/** The fixtures' window is in the past on any later day: age is tested in test/app/read-flows.test.ts. */
const FLOWS = ['--flows', `${F}/valid-obsdemo.yaml`, '--flows-max-age', '0'];

function golden(name: string, actual: string): void {
  const path = fileURLToPath(new URL(`../fixtures/flows/golden/${name}`, import.meta.url));
  if (UPDATE) writeFileSync(path, actual);
  expect(existsSync(path), `golden file ${path} should exist (create it with UPDATE_GOLDEN=1)`).toBe(true);
  expect(actual, `the output should equal ${path}`).toBe(readFileSync(path, 'utf8'));
}

describe('kubeknock diff --flows', () => {
  it('lists the cut connection that carried traffic first and counts it in the summary (golden: diff-lockdown.txt)', async () => {
    const { code, stdout, stderr } = await runCli([...LOCKDOWN, ...FLOWS]);
    expect(stderr).toBe('');
    expect(code, 'exit code unchanged: 1 for cuts').toBe(1);
    golden('diff-lockdown.txt', stdout);
    expect(stdout.split('\n')[1]).toBe("flows: 1 cut connection carried observed traffic (9 samples); 4 of 4 observed flows placed on the diff's cells");
    expect(stdout.indexOf('CUT — carried traffic: 9 samples, last seen 2026-12-07T19:41:50Z: obsdemo/analytics → obsdemo/pg TCP/5432')).toBeLessThan(stdout.indexOf('CUT (allow → deny)'));
  });

  it('says it in the first line of the Markdown (golden: diff-lockdown.md)', async () => {
    const { stdout } = await runCli([...LOCKDOWN, ...FLOWS, '-o', 'markdown']);
    expect(stdout.split('\n')[0]).toBe('### kubeknock diff: ⚠️ 1 cut connection carried observed traffic — 2 connections cut, 0 opened');
    golden('diff-lockdown.md', stdout);
  });

  it('carries the cut flows in the JSON', async () => {
    const { stdout } = await runCli([...LOCKDOWN, ...FLOWS, '-o', 'json']);
    const parsed = JSON.parse(stdout) as { summary: { cutFlows: number }; flows: { cut: { from: string; samples: number; lastSeen: string; flows: string[] }[]; unplaced: unknown[] } };
    expect(parsed.summary.cutFlows).toBe(1);
    expect(parsed.flows.cut).toMatchObject([{ from: 'obsdemo/analytics', to: 'obsdemo/pg', port: 5432, protocol: 'TCP', samples: 9, lastSeen: '2026-12-07T19:41:50Z', flows: ['obsdemo/app=analytics → obsdemo/app=postgres:5432/TCP (via Service obsdemo/pg:5432)'] }]);
  });

  it('lists the flows it cannot place', async () => {
    const { stdout } = await runCli([...LOCKDOWN, '--flows', `${F}/valid-interrupted.yaml`, '--flows-max-age', '0']);
    expect(stdout).toContain('observed flows the diff cannot place: 2');
    expect(stdout).toContain('  - obsdemo/app=backend → external 203.0.113.9:443/TCP: the destination is external 203.0.113.9: the diff has no ipBlock cells for addresses outside the cluster');
  });

  it('--fail-on-cut-flows exits 1 when an observed flow is cut, and needs --flows', async () => {
    expect((await runCli([...LOCKDOWN, ...FLOWS, '--fail-on-cut-flows'])).code).toBe(1);
    const alone = await runCli([...LOCKDOWN, '--fail-on-cut-flows']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--fail-on-cut-flows needs the observed flows: add --flows FILE');
  });

  it('keeps exit 0 when the candidate changes nothing, and says no observed flow is cut', async () => {
    const { code, stdout } = await runCli(['diff', '-f', `${F}/obsdemo/workloads.yaml`, '-f', `${F}/obsdemo/postgres-lockdown.yaml`, '--to', `${F}/obsdemo/postgres-lockdown.yaml`, ...FLOWS]);
    expect(code).toBe(0);
    expect(stdout).toContain('CUT FLOWS: none of the 4 observed flows is cut');
  });

  it('with --from-cluster, refuses flows observed on another cluster before asking the API server anything', async () => {
    // Nothing listens there: the refusal must come from the kubeconfig's server alone.
    const kubeconfig = writeKubeconfig('http://127.0.0.1:9');
    const { code, stderr } = await runCli(['diff', '--from-cluster', '--kubeconfig', kubeconfig, '--to', `${F}/obsdemo/postgres-lockdown.yaml`, ...FLOWS]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${F}/valid-obsdemo.yaml was observed on another cluster; nothing was sent to the cluster`);
    expect(stderr).toContain('cluster.server: observed on https://10.250.0.1:6443, but the current cluster (kubeconfig) is http://127.0.0.1:9');
  });

  it.each([
    ['a malformed file', ['--flows', `${F}/invalid-port-and-protocol.yaml`], 'flows[3].port: got 80800'],
    ['flows older than --flows-max-age (the fixture ended 2026-12-07T19:42:00Z)', ['--flows', `${F}/valid-obsdemo.yaml`, '--flows-max-age', '1m'], 'older than --flows-max-age 1m'],
    ['a bad --flows-max-age', ['--flows', `${F}/valid-obsdemo.yaml`, '--flows-max-age', 'soon'], 'expected a duration like 24h'],
  ])('refuses %s with exit 2', async (_, flags, message) => {
    const { code, stderr } = await runCli([...LOCKDOWN, ...flags]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
