/**
 * Matrices of a 12-workload app (test/fixtures/multi-ns-shop): the full tables are over 120 columns wide,
 * so at 120 the run table and `predict` switch to their compact forms, which must fit. Golden files
 * hold both forms; regenerate with UPDATE_GOLDEN=1 (see golden.test.ts) and review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { OutcomeClass } from '../../src/model/outcome.js';
import type { RunReport } from '../../src/model/report.js';
import type { Check } from '../../src/model/scenario.js';
import { widestLine } from '../../src/report/compact-grid.js';
import { renderTable } from '../../src/report/table.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runCli } from '../support/cli.js';
import { check, report } from './builders.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const FIXTURE = 'test/fixtures/multi-ns-shop';

function golden(name: string, actual: string): void {
  const path = fileURLToPath(new URL(`./golden/${name}.txt`, import.meta.url));
  if (UPDATE) writeFileSync(path, actual);
  expect(existsSync(path), `golden file ${path} should exist (create it with UPDATE_GOLDEN=1)`).toBe(true);
  expect(actual, `output should equal ${path}`).toBe(readFileSync(path, 'utf8'));
}

/** What a run of the shop's scenario against policies.yaml could see: the OR mistake, one retry that passed, one broken exec. */
const SAW: Readonly<Record<string, readonly OutcomeClass[]>> = {
  'debug → frontend:8080': ['connected', 'connected', 'connected'],
  'prometheus → payments:8080': ['timeout', 'timeout', 'connected'],
  'kafka → dns:kubernetes.default.svc.cluster.local.': ['exec-error'],
};

function saw(c: Check): readonly OutcomeClass[] {
  const planned = SAW[`${c.from} → ${c.toLabel}`];
  if (planned !== undefined) return planned;
  if (c.kind === 'dns') return ['resolved'];
  return c.expect === 'allow' ? ['connected'] : ['timeout'];
}

function shopRun(): RunReport {
  const file = `${FIXTURE}/scenario.yaml`;
  const parsed = parseScenario(file, readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), 'utf8'));
  if (!parsed.ok) throw new Error(`${file} is invalid: ${JSON.stringify(parsed.issues)}`);
  const checks = parsed.scenario.checks.map((c) => {
    if (c.expect === 'policy') throw new Error(`${c.id}: the fixture has no expect: policy checks`);
    return check({ from: c.from, to: c.toLabel, kind: c.kind, expect: c.expect, saw: saw(c) });
  });
  return report(checks, { scenario: { name: parsed.scenario.name, file } });
}

/** The matrix part of a table report, with its legend: after the heading, before the failures are spelled out. */
function matrixOf(text: string): string {
  return text.slice(text.indexOf('\n\n') + 2, text.indexOf('\nFailed ('));
}

describe('the run table of a 12-workload app', () => {
  const run = shopRun();

  it('is over 120 columns wide in full, and the full form is what a file gets (no width)', () => {
    const full = renderTable(run, { color: false });
    expect(widestLine(matrixOf(full)), 'the full matrix of 12 sources × 11 targets').toBeGreaterThan(120);
    golden('table-multi-ns-shop-full', full);
  });

  it('fits 120 columns by default on such a terminal: numbered targets with a legend, a word per cell', () => {
    const fitted = renderTable(run, { color: false, width: 120 });
    expect(widestLine(matrixOf(fitted)), 'every line of the matrix and its legend').toBeLessThanOrEqual(120);
    expect(fitted, 'a legend names each numbered target').toContain('1 frontend:8080  2 catalog:8080');
    expect(fitted, 'the failure is still spelled out below').toContain('✗ debug to frontend:8080 (tcp): expected deny, observed allow (connected) after 3 attempts');
    golden('table-multi-ns-shop-120', fitted);
  });

  it('lays out the same in colour: widths count what the terminal shows, not the escape codes', () => {
    const coloured = renderTable(run, { color: true, width: 120 });
    expect(coloured, 'colour is on').toContain('\u001b[32m');
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderTable(run, { color: false, width: 120 }));
  });

  it('falls back to one-letter codes when words do not fit either', () => {
    const narrow = matrixOf(renderTable(run, { color: false, width: 70 }));
    expect(widestLine(narrow), 'codes fit 70 columns').toBeLessThanOrEqual(70);
    const debugRow = narrow.split('\n').find((line) => line.startsWith('debug '));
    expect(debugRow, 'debug reached frontend (✗a), the other doors shut (✓d), the gateway open (✓a), DNS answered (✓a)').toMatch(/^debug\s+✗a(\s+✓d){8}\s+✓a\s+✓a$/);
  });
});

describe('kubeknock predict for a 12-workload app', () => {
  const args = ['predict', '-f', `${FIXTURE}/workloads.yaml`, '-f', `${FIXTURE}/policies.yaml`, '--port', '8080'];

  it('prints the full table when stdout is not a terminal (a file, a pipe), over 120 columns', async () => {
    const { code, stdout } = await runCli(args);
    expect(code).toBe(0);
    expect(widestLine(stdout)).toBeGreaterThan(120);
    const both = await runCli([...args, '--wide', '--width', '120']);
    expect({ code: both.code, stderr: both.stderr }, '--wide and --width together are refused').toEqual({
      code: 2,
      stderr: 'kubeknock: --wide prints the full matrix and --width 120 fits it into 120 columns: give one of them\nRun "kubeknock --help" for usage.\n',
    });
    expect((await runCli([...args, '--width', '30'])).stderr, 'a width no matrix fits').toContain('--width must be a whole number from 40 to 1000 (got 30)');
    golden('predict-multi-ns-shop-full', stdout);
  });

  it('with --width 120: grouped by namespace, keyed columns, every line within 120', async () => {
    const { code, stdout } = await runCli([...args, '--width', '120']);
    expect(code).toBe(0);
    expect(widestLine(stdout)).toBeLessThanOrEqual(120);
    const frontendColumn = stdout.split('\n').find((line) => line.startsWith('  D2 debug'));
    expect(frontendColumn, 'the OR mistake shows: debug reaches shop-web/frontend (A2), not catalog (B1)').toMatch(/^ {2}D2 debug\s+✓\s+✓\s+│ ✗i /);
    golden('predict-multi-ns-shop-120', stdout);
  });

  it('fits the terminal by default, and --wide prints the full table on it all the same', async () => {
    const terminal = { columns: 120 };
    expect((await runCli(args, {}, terminal)).stdout, 'a 120-column terminal gets the compact form').toBe((await runCli([...args, '--width', '120'])).stdout);
    expect((await runCli([...args, '--wide'], {}, terminal)).stdout, '--wide: the full table').toBe((await runCli(args)).stdout);
  });
});
