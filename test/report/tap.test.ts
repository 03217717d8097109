import { Parser, type FinalResults, type Result } from 'tap-parser';
import { describe, expect, it } from 'vitest';
import { renderTap, renderTapSubtests } from '../../src/report/tap.js';
import { allPass, FIXTURES, interrupted, mixed, needsEscaping, policyExpectations } from './fixtures.js';

interface Parsed {
  readonly results: FinalResults;
  readonly asserts: Result[];
}

/** Feeds the TAP text to tap-parser (a stream parser) and collects every test point and the final tally. */
function parse(tap: string): Promise<Parsed> {
  return new Promise((resolve) => {
    const asserts: Result[] = [];
    const parser = new Parser();
    parser.on('assert', (result: Result) => asserts.push(result));
    parser.on('complete', (results: FinalResults) => resolve({ results, asserts }));
    parser.end(tap);
  });
}

describe('renderTap', () => {
  it.each(Object.entries(FIXTURES))('%s parses as TAP 14 with one test point per check', async (_name, fixture) => {
    const tap = renderTap(fixture);
    expect(tap.startsWith('TAP version 14\n'), 'the first line should be the version').toBe(true);
    const { results } = await parse(tap);
    expect(results.count, 'one test point per check').toBe(fixture.checks.length);
    expect(results.plan.end).toBe(fixture.checks.length);
    expect(results.failures.filter((f) => f.tapError !== null), 'no TAP syntax errors').toEqual([]);
  });

  it('passes a run where every expectation was met', async () => {
    const { results } = await parse(renderTap(allPass));
    expect({ ok: results.ok, pass: results.pass, fail: results.fail }).toEqual({ ok: true, pass: 3, fail: 0 });
  });

  it('fails wrong verdicts with a YAML diagnostic carrying the message and raw outcome', async () => {
    const { results, asserts } = await parse(renderTap(mixed));
    expect({ ok: results.ok, pass: results.pass, fail: results.fail }).toEqual({ ok: false, pass: 2, fail: 4 });
    const failed = asserts.find((a) => a.name === 'frontend → api:80 [tcp] expect deny');
    expect(failed?.ok).toBe(false);
    expect(failed?.diag).toMatchObject({
      message: 'expected deny, observed allow (connected) after 3 attempts',
      outcome: 'connected',
      attempts: ['connected', 'connected', 'connected'],
      command: 'nc -z -vv -w 2 10.244.1.7 80',
      output: '10.244.1.7 (10.244.1.7:5432) open',
    });
    const execError = asserts.find((a) => a.name === 'monitoring → api:80 [tcp] expect allow');
    expect(execError?.diag, 'an exec-error is a failure with severity error').toMatchObject({ severity: 'error', observed: 'error' });
  });

  it('says where an expectation came from, with the policy explanation as a block', async () => {
    const { asserts } = await parse(renderTap(policyExpectations));
    const failed = asserts.find((a) => a.name === 'frontend → postgres:5432 [tcp] expect policy');
    expect(failed?.diag).toMatchObject({ message: 'expected policy→deny, observed allow (connected) after 3 attempts', expected: 'deny', expected_from: 'policy' });
    expect(failed?.diag?.['policy']).toMatch(/^production\/kk-frontend-x7f2q → production\/kk-postgres-x7f2q TCP\/5432: DENY\n {2}egress {2}of .*\n {2}ingress of/);
  });

  it('marks checks that never ran # SKIP and bails out when the run had problems', async () => {
    const { results, asserts } = await parse(renderTap(interrupted));
    expect(asserts.map((a) => a.skip)).toEqual([false, 'interrupted by SIGINT before this check ran', 'the run ended before this check ran']);
    expect(results.skip).toBe(2);
    expect(results.bailout, 'an interrupted run must not look complete').toBe('cleanup: deleting probe pod production/kk-frontend-x7f2q: 403 Forbidden');
    expect(results.ok).toBe(false);
  });

  it('escapes # and \\ in descriptions so they are not read as directives', async () => {
    const { asserts } = await parse(renderTap(needsEscaping));
    expect(asserts[0]?.name).toBe('back<end> → svc/"prod"/api&co:80 [tcp] expect deny');
    expect(asserts[1]?.name).toBe('ops → x#y [tcp] expect allow');
    expect(asserts[1]?.skip, 'the # inside the reason should stay part of it').toBe('reason # with a<b>&"c\'|*_`#\\ \\x01\\x1b[31mred\\x07');
  });

  it('keeps multi-line output as a YAML block with control characters made visible', async () => {
    const { asserts } = await parse(renderTap(needsEscaping));
    expect(asserts[0]?.diag?.output).toBe('line1 a<b>&"c\'|*_`#\\ \\x01\\x1b[31mred\\x07\nline2 ]]> \\ufffe \\ud800 end\n```\nline4');
  });
});

describe('renderTapSubtests (several scenarios in one run)', () => {
  it('nests each scenario as a subtest whose summary point fails with it', async () => {
    const tap = renderTapSubtests([allPass, mixed]);
    const { results, asserts } = await parse(tap);
    expect(results.plan.end, 'one top-level point per scenario').toBe(2);
    expect(asserts.map((a) => [a.name, a.ok])).toEqual([
      [`${allPass.scenario.name} (${allPass.scenario.file})`, true],
      [`${mixed.scenario.name} (${mixed.scenario.file})`, false],
    ]);
    expect(results.ok).toBe(false);
    expect(results.failures.filter((f) => f.tapError !== null), 'no TAP syntax errors').toEqual([]);
    expect(tap).toContain(`\n    1..${mixed.checks.length}\n`);
  });
});
