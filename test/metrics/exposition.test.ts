/**
 * Issue 21, audit metrics: the exposition of a run, read back by Prometheus' own parsers (the text
 * format by prometheus/common/expfmt, OpenMetrics by Prometheus' scrape parser, via
 * test/metrics/promcheck), never by a regular expression of ours.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { auditMetrics, lastSuccessMetrics, MAX_CELL_SERIES, type AuditMetricsInput } from '../../src/report/metrics/audit.js';
import { renderExposition } from '../../src/report/metrics/exposition.js';
import { check, report } from '../report/builders.js';
import { prometheusTools, promcheck, type Parsed } from '../support/prometheus-tools.js';

beforeAll(() => void prometheusTools(), 20 * 60_000);

const mixed = report([
  check({ from: 'client', to: 'db:5432', expect: 'allow', saw: ['connected'] }),
  check({ from: 'client', to: 'db:5432', expect: 'allow', kind: 'http', saw: ['timeout'] }),
  check({ from: 'intruder', to: 'db:5432', expect: 'deny', saw: ['connected'], overrides: { expectSource: 'policy' } }),
  check({ from: 'intruder', to: 'web:80', expect: 'deny', saw: ['exec-error'] }),
  check({ from: 'client', to: 'web:80', expect: 'allow', skipped: 'the run was interrupted' }),
]);

const input = (reports: readonly RunReport[], exitCode = 1): AuditMetricsInput => ({ version: '0.1.0', reports, exitCode, finishedAtSeconds: 1_796_000_000.25, durationSeconds: 12.5 });

const value = (parsed: Parsed, name: string, labels: Record<string, string> = {}): string | undefined =>
  parsed.samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()))?.value;

describe('audit metrics exposition', () => {
  it('text format: every family parses, as gauges, with the run values and no timestamps', () => {
    const parsed = promcheck(renderExposition(auditMetrics(input([mixed])), 'prometheus'), 'text');
    expect(parsed.types['kubeknock_build_info']).toBe('gauge');
    expect(value(parsed, 'kubeknock_build_info', { version: '0.1.0' })).toBe('1');
    expect(value(parsed, 'kubeknock_last_run_timestamp_seconds')).toBe('1.79600000025e+09');
    expect(value(parsed, 'kubeknock_last_run_success')).toBe('0');
    expect(value(parsed, 'kubeknock_last_run_exit_code')).toBe('1');
    expect(value(parsed, 'kubeknock_run_duration_seconds')).toBe('12.5');
    const scenario = 'postgres-lockdown';
    expect(value(parsed, 'kubeknock_checks', { scenario, result: 'passed' })).toBe('1');
    expect(value(parsed, 'kubeknock_checks', { scenario, result: 'failed' })).toBe('3');
    expect(value(parsed, 'kubeknock_checks', { scenario, result: 'skipped' })).toBe('1');
    // client → db:5432 (closed), intruder → db:5432 (open), intruder → web:80 (error): three cells.
    expect(value(parsed, 'kubeknock_failed_cells', { scenario })).toBe('3');
    // The intruder → db expectation came from the live policies: no drift from a frozen baseline.
    expect(value(parsed, 'kubeknock_drift_cells', { scenario })).toBe('2');
    expect(parsed.samples.filter((s) => s.name === 'kubeknock_failed_cell').map((s) => s.labels)).toEqual([
      { scenario, from: 'client', to: 'db:5432', failure: 'closed' },
      { scenario, from: 'intruder', to: 'db:5432', failure: 'open' },
      { scenario, from: 'intruder', to: 'web:80', failure: 'error' },
    ]);
    expect(value(parsed, 'kubeknock_failed_cell_series_dropped')).toBe('0');
    expect(parsed.samples.some((s) => s.name === 'kubeknock_last_success_timestamp_seconds')).toBe(false);
  });

  it('OpenMetrics: parses with # EOF, info and units as the spec names them', () => {
    const text = renderExposition([...auditMetrics(input([mixed], 0)), ...lastSuccessMetrics(1_796_000_000)], 'openmetrics');
    expect(text.endsWith('# EOF\n')).toBe(true);
    const parsed = promcheck(text, 'openmetrics');
    expect(parsed.types['kubeknock_build']).toBe('info');
    expect(value(parsed, 'kubeknock_build_info', { version: '0.1.0' })).toBe('1');
    expect(parsed.types['kubeknock_run_duration_seconds']).toBe('gauge');
    expect(value(parsed, 'kubeknock_last_success_timestamp_seconds')).toBe('1.796e+09');
    expect(value(parsed, 'kubeknock_last_run_success')).toBe('1');
    expect(text).toContain('# UNIT kubeknock_run_duration_seconds seconds');
    // No steps, so no step families: an empty family says nothing.
    expect(text).not.toContain('kubeknock_step_');
  });

  it('OpenMetrics without # EOF is rejected by the parser (the checker can fail)', () => {
    const text = renderExposition(auditMetrics(input([mixed])), 'openmetrics').replace('# EOF\n', '');
    expect(() => promcheck(text, 'openmetrics')).toThrow(/does not end with # EOF/);
  });

  it('multi-step runs: one series set per step, with each step enforcement lag', () => {
    const steps = [1, 2, 3].map((index) =>
      report([check({ from: 'client', to: 'db:5432', expect: index === 2 ? 'deny' : 'allow', saw: [index === 3 ? 'timeout' : index === 2 ? 'timeout' : 'connected'] })], {
        step: { index, count: 3, name: `step ${index}`, changes: [], rounds: 1, durationMs: 1000, ...(index === 3 ? {} : { enforcedAfterMs: index * 1500 }) },
      }),
    );
    for (const format of ['text', 'openmetrics'] as const) {
      const parsed = promcheck(renderExposition(auditMetrics(input(steps)), format === 'text' ? 'prometheus' : 'openmetrics'), format);
      const scenario = 'postgres-lockdown';
      expect(value(parsed, 'kubeknock_step_enforcement_lag_seconds', { scenario, step: '1' })).toBe('1.5');
      expect(value(parsed, 'kubeknock_step_enforcement_lag_seconds', { scenario, step: '2' })).toBe('3');
      expect(value(parsed, 'kubeknock_step_enforcement_lag_seconds', { scenario, step: '3' })).toBeUndefined();
      expect(value(parsed, 'kubeknock_step_enforced', { scenario, step: '3' })).toBe('0');
      expect(value(parsed, 'kubeknock_failed_cells', { scenario, step: '3' })).toBe('1');
      expect(value(parsed, 'kubeknock_checks', { scenario, step: '2', result: 'passed' })).toBe('1');
    }
  });

  it('label values that are hostile (quotes, backslashes, line feeds, non-ASCII) round-trip exactly', () => {
    const hostile = report([check({ from: 'a"b\\c\nd', to: 'svc/ns/ü:80', expect: 'deny', saw: ['connected'] })], { scenario: { name: 'x"}\n# EOF', file: 'x.yaml' } });
    for (const format of ['text', 'openmetrics'] as const) {
      const parsed = promcheck(renderExposition(auditMetrics(input([hostile])), format === 'text' ? 'prometheus' : 'openmetrics'), format);
      expect(parsed.samples.find((s) => s.name === 'kubeknock_failed_cell')?.labels).toEqual({ scenario: 'x"}\n# EOF', from: 'a"b\\c\nd', to: 'svc/ns/ü:80', failure: 'open' });
    }
  });

  it('two scenarios of one name, and one file run twice, still give distinct label sets', () => {
    const a = report([check({ from: 'c', to: 'd:1', expect: 'allow', saw: ['timeout'] })], { scenario: { name: 'same', file: 'a.yaml' } });
    const b = report([check({ from: 'c', to: 'd:1', expect: 'allow', saw: ['timeout'] })], { scenario: { name: 'same', file: 'b.yaml' } });
    const parsed = promcheck(renderExposition(auditMetrics(input([a, b, a])), 'prometheus'), 'text');
    expect(parsed.samples.filter((s) => s.name === 'kubeknock_failed_cells').map((s) => s.labels['scenario'])).toEqual(['same (a.yaml)', 'same (b.yaml)', 'same (a.yaml) #2']);
  });

  it(`caps per-cell series at ${MAX_CELL_SERIES} and counts the rest`, () => {
    const many = report(Array.from({ length: 250 }, (_, i) => check({ from: `src${String(i).padStart(3, '0')}`, to: 'db:5432', expect: 'allow', saw: ['timeout'] })));
    const parsed = promcheck(renderExposition(auditMetrics(input([many])), 'prometheus'), 'text');
    expect(parsed.samples.filter((s) => s.name === 'kubeknock_failed_cell')).toHaveLength(MAX_CELL_SERIES);
    expect(value(parsed, 'kubeknock_failed_cell_series_dropped')).toBe('150');
    expect(value(parsed, 'kubeknock_failed_cells', { scenario: 'postgres-lockdown' })).toBe('250');
  });

  it('a run that broke before any scenario still says when and how it ended', () => {
    const parsed = promcheck(renderExposition(auditMetrics(input([], 2)), 'prometheus'), 'text');
    expect(value(parsed, 'kubeknock_last_run_exit_code')).toBe('2');
    expect(value(parsed, 'kubeknock_last_run_success')).toBe('0');
    expect(parsed.samples.filter((s) => s.name === 'kubeknock_checks')).toEqual([]);
  });
});
