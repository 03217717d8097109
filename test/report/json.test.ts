import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA_VERSION, type RunReport } from '../../src/model/report.js';
import { renderJson } from '../../src/report/json.js';
import { FIXTURES, mixed, policyExpectations } from './fixtures.js';

describe('renderJson', () => {
  it.each(Object.entries(FIXTURES))('%s parses back to the same report', (_name, fixture) => {
    const parsed = JSON.parse(renderJson(fixture)) as RunReport;
    expect(parsed, 'JSON.parse(renderJson(report)) should equal the report, plus the schema version').toEqual({ ...fixture, schemaVersion: REPORT_SCHEMA_VERSION });
  });

  it('is pretty-printed with two spaces and ends with a newline', () => {
    const text = renderJson(mixed);
    expect(text.startsWith('{\n  "tool": {\n    "name": "kubeknock"'), 'tool should come first, indented by two spaces').toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('orders keys the same way whatever order the report was built in', () => {
    const reversed = Object.fromEntries(Object.entries(mixed).reverse()) as unknown as RunReport;
    const shuffledChecks = {
      ...reversed,
      checks: mixed.checks.map((c) => Object.fromEntries(Object.entries(c).reverse()) as unknown as RunReport['checks'][number]),
    };
    expect(renderJson(shuffledChecks), 'building the same report in another key order should not change the JSON').toBe(renderJson(mixed));
  });

  it('keeps the raw outcome class of every attempt', () => {
    const parsed = JSON.parse(renderJson(mixed)) as RunReport;
    const classes = parsed.checks[1]?.attempts.map((a) => a.outcome.class);
    expect(classes, 'frontend → postgres saw connected twice, then timeout').toEqual(['connected', 'connected', 'timeout']);
  });

  it('carries where each expectation came from and the policy explanation, right after the expectation and the message', () => {
    const parsed = JSON.parse(renderJson(policyExpectations)) as RunReport;
    const [derived, broken, unjudged, declared] = parsed.checks;
    expect(Object.keys(broken ?? {})).toEqual(['id', 'name', 'from', 'fromPod', 'to', 'address', 'kind', 'family', 'expect', 'expectSource', 'status', 'observed', 'outcome', 'command', 'explanation', 'durationMs', 'attempts']);
    expect(derived).toMatchObject({ expect: 'allow', expectSource: 'policy', explanation: expect.stringContaining('TCP/5432: ALLOW') });
    expect(unjudged).toMatchObject({ expect: 'policy', expectSource: 'policy', status: 'skipped' });
    expect(declared?.expectSource).toBe('scenario');
    expect(declared?.explanation).toBeUndefined();
  });
});
