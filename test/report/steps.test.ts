/**
 * A multi-step run is one report per step, rendered together through renderReports. Golden files for
 * every format (the exact text is the spec; regenerate with UPDATE_GOLDEN=1, then review the diff),
 * and the structure a consumer relies on: a JUnit testsuite and a TAP subtest per step, `step` in JSON.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Parser, type FinalResults } from 'tap-parser';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { renderReports, REPORT_FORMATS } from '../../src/report/format.js';
import { check, report } from './builders.js';
import { stepEnforced } from './fixtures.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

const baseline = report([check({ from: 'backend', to: 'postgres:5432', expect: 'allow', saw: ['connected'] }), check({ from: 'frontend', to: 'postgres:5432', expect: 'allow', saw: ['connected'] })], {
  step: { index: 1, count: 3, name: 'before any policy', changes: [], enforcedAfterMs: 180, rounds: 1, durationMs: 2_100 },
  durationMs: 2_100,
});

const denied = report(stepEnforced.checks, {
  step: { index: 2, count: 3, name: 'deny the frontend', changes: ['applied NetworkPolicy production/postgres-allow-backend', 'labelled frontend role=admin tier-'], enforcedAfterMs: 1_400, rounds: 2, durationMs: 3_900 },
  durationMs: 3_900,
});

const lagging = report([check({ from: 'backend', to: 'postgres:5432', expect: 'deny', saw: ['connected', 'connected', 'connected'] }), check({ from: 'frontend', to: 'postgres:5432', expect: 'deny', saw: ['timeout'] })], {
  step: { index: 3, count: 3, name: 'deny everyone', changes: ['deleted NetworkPolicy production/postgres-allow-backend'], rounds: 3, durationMs: 7_000 },
  durationMs: 7_000,
});

const RUN: readonly RunReport[] = [baseline, denied, lagging];

describe('a multi-step run matches its golden files', () => {
  // html inlines the bundle; its own tests open it in a browser (test/report/html/).
  it.each(REPORT_FORMATS.filter((format) => format !== 'html'))('%s', (format) => {
    const actual = renderReports(format, RUN, { color: false, width: 120 });
    const path = fileURLToPath(new URL(`./golden/steps-run-${format}.txt`, import.meta.url));
    if (UPDATE) writeFileSync(path, actual);
    expect(existsSync(path), `golden file ${path} should exist (create it with UPDATE_GOLDEN=1)`).toBe(true);
    expect(actual, `${format} output of the three-step run should equal ${path}`).toBe(readFileSync(path, 'utf8'));
  });
});

describe('a multi-step run, as its consumers read it', () => {
  it('JUnit: one testsuite per step, named after the scenario and the step, with the step in its properties and classnames', () => {
    const xml = renderReports('junit', RUN, { color: false });
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) }).parse(xml) as {
      testsuites: { testsuite: { name: string; testcase: { classname: string }[]; properties: { property: { name: string; value: string }[] } }[] };
    };
    const suites = parsed.testsuites.testsuite;
    expect(suites.map((s) => s.name)).toEqual(['postgres-lockdown · step 1/3: before any policy', 'postgres-lockdown · step 2/3: deny the frontend', 'postgres-lockdown · step 3/3: deny everyone']);
    expect(suites[1]?.testcase.map((t) => t.classname)).toEqual(['kubeknock.postgres-lockdown.step2.backend', 'kubeknock.postgres-lockdown.step2.frontend']);
    const properties = Object.fromEntries((suites[1]?.properties.property ?? []).map((p) => [p.name, p.value]));
    expect(properties).toMatchObject({
      step: '2/3',
      'step.name': 'deny the frontend',
      'step.change.1': 'applied NetworkPolicy production/postgres-allow-backend',
      'step.change.2': 'labelled frontend role=admin tier-',
      'step.enforcement': 'enforced after 1.4s (2 rounds)',
      'step.enforced-after-ms': '1400',
      'step.rounds': '2',
    });
    const lastProperties = (suites[2]?.properties.property ?? []).map((p) => p.name);
    expect(lastProperties, 'no enforcement time where the network never agreed').not.toContain('step.enforced-after-ms');
  });

  it('TAP: one subtest per step, failing only the step whose checks failed', async () => {
    const tap = renderReports('tap', RUN, { color: false });
    const names: string[] = [];
    const results = await new Promise<FinalResults>((resolve) => {
      const parser = new Parser();
      parser.on('assert', (result: { name: string }) => names.push(result.name));
      parser.on('complete', resolve);
      parser.end(tap);
    });
    expect(names).toEqual([
      'postgres-lockdown · step 1/3: before any policy (scenarios/postgres-lockdown.yaml)',
      'postgres-lockdown · step 2/3: deny the frontend (scenarios/postgres-lockdown.yaml)',
      'postgres-lockdown · step 3/3: deny everyone (scenarios/postgres-lockdown.yaml)',
    ]);
    expect({ pass: results.pass, fail: results.fail }).toEqual({ pass: 2, fail: 1 });
  });

  it('JSON Lines: every report carries its step, right after the scenario', () => {
    const lines = renderReports('json', RUN, { color: false }).trimEnd().split('\n');
    const parsed = lines.map((line) => JSON.parse(line) as RunReport);
    expect(parsed.map((r) => r.step)).toEqual(RUN.map((r) => r.step));
    expect(Object.keys(parsed[0] ?? {}).slice(0, 4)).toEqual(['tool', 'scenario', 'step', 'runId']);
  });
});
