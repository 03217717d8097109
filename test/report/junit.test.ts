import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit.js';
import { allPass, FIXTURES, interrupted, mixed, needsEscaping, policyExpectations } from './fixtures.js';

interface Testcase {
  classname: string;
  name: string;
  time: string;
  failure?: { message: string; type: string; '#text'?: string };
  error?: { message: string; type: string; '#text'?: string };
  skipped?: { message: string };
}
interface Suite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  testcase: Testcase[];
  'system-out': string;
}

function parse(xml: string): Suite {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    // Decode character references (&#10;) and keep every value a string, as a CI tool would.
    htmlEntities: true,
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => name === 'testcase' || name === 'testsuite',
  });
  const doc = parser.parse(xml) as { testsuites: { testsuite: Suite[] } };
  const suite = doc.testsuites.testsuite[0];
  if (suite === undefined) throw new Error('expected one <testsuite>');
  return suite;
}

describe('renderJunit', () => {
  it.each(Object.entries(FIXTURES))('%s is well-formed XML 1.0', (_name, fixture) => {
    const xml = renderJunit(fixture);
    expect(XMLValidator.validate(xml), 'fast-xml-parser should accept the document').toBe(true);
    expect(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(xml), 'no character XML 1.0 forbids should remain').toBe(false);
  });

  it('has one testcase per check with counts on the suite', () => {
    const suite = parse(renderJunit(mixed));
    expect(suite.name).toBe('postgres-lockdown');
    expect(suite.testcase).toHaveLength(6);
    expect({ tests: suite.tests, failures: suite.failures, errors: suite.errors, skipped: suite.skipped }, 'mixed has 3 wrong verdicts and 1 exec-error').toEqual({
      tests: '6',
      failures: '3',
      errors: '1',
      skipped: '0',
    });
  });

  it('names testcases `<from> → <to> [<kind>] expect <x>` under kubeknock.<scenario>.<from>', () => {
    const [first] = parse(renderJunit(mixed)).testcase;
    expect(first?.classname).toBe('kubeknock.postgres-lockdown.backend');
    expect(first?.name).toBe('backend → postgres:5432 [tcp] expect allow');
    expect(first?.time, 'three 41 ms attempts').toBe('0.123');
  });

  it('gives a wrong verdict a <failure> a dashboard can show', () => {
    const testcase = parse(renderJunit(mixed)).testcase.find((t) => t.name === 'frontend → api:80 [tcp] expect deny');
    expect(testcase?.failure?.message).toBe('expected deny, observed allow (connected) after 3 attempts');
    expect(testcase?.failure?.type, 'type should be the raw outcome class').toBe('connected');
    expect(testcase?.failure?.['#text'], 'the body should carry the command').toContain('command: nc -z -vv -w 2 10.244.1.7 80');
  });

  it('names an expect: policy testcase by what the scenario says, and puts the policy explanation in the failure body', () => {
    const suite = parse(renderJunit(policyExpectations));
    const testcase = suite.testcase.find((t) => t.name === 'frontend → postgres:5432 [tcp] expect policy');
    expect(testcase?.failure?.message).toBe('expected policy→deny, observed allow (connected) after 3 attempts');
    expect(testcase?.failure?.['#text']).toMatch(/\npolicy:\nproduction\/kk-frontend-x7f2q → production\/kk-postgres-x7f2q TCP\/5432: DENY\n {2}egress {2}of/);
    expect(suite.testcase.find((t) => t.name === 'run: policy')?.error?.type, 'an unjudged policy check is a run error').toBe('policy');
  });

  it('reports an exec-error as <error>, never as a pass or a plain failure', () => {
    const testcase = parse(renderJunit(mixed)).testcase.find((t) => t.classname === 'kubeknock.postgres-lockdown.monitoring' && t.error);
    expect(testcase?.error?.type).toBe('exec-error');
    expect(testcase?.error?.message).toBe('expected allow, observed error (exec-error) after 1 attempt');
    expect(testcase?.failure).toBeUndefined();
  });

  it('marks checks that never ran <skipped> and turns run problems into error testcases', () => {
    const suite = parse(renderJunit(interrupted));
    expect(suite.testcase.filter((t) => t.skipped !== undefined).map((t) => t.skipped?.message)).toEqual([
      'skipped: interrupted by SIGINT before this check ran',
      'skipped: the run ended before this check ran',
    ]);
    const problems = suite.testcase.filter((t) => t.name.startsWith('run: '));
    expect(problems.map((t) => [t.name, t.error?.type]), 'a cleanup error and the interrupt should each be an error testcase').toEqual([
      ['run: cleanup', 'cleanup'],
      ['run: interrupted', 'interrupted'],
    ]);
    expect(suite.errors).toBe('2');
  });

  it('records the BusyBox version in system-out', () => {
    expect(parse(renderJunit(allPass))['system-out']).toContain('BusyBox v1.36.1');
  });

  it('escapes <>&"\' and makes control characters visible, so names survive a round trip', () => {
    const suite = parse(renderJunit(needsEscaping));
    expect(suite.name).toBe('weird.name <x>');
    const [first] = suite.testcase;
    expect(first?.name).toBe('back<end> → svc/"prod"/api&co:80 [tcp] expect deny');
    expect(first?.classname, 'dots in names should not add classname levels').toBe('kubeknock.weird_name_<x>.back<end>');
    const body = first?.failure?.['#text'] ?? '';
    expect(body).toContain(`check: name a<b>&"c'|*_\`#\\ \\x01\\x1b[31mred\\x07`);
    expect(body, 'U+FFFE and a lone surrogate should be shown as escapes').toContain('line2 ]]> \\ufffe \\ud800 end');
  });

  it('puts multi-line run errors on one line in the error message', () => {
    const withNewline = { ...mixed, errors: [{ kind: 'cleanup' as const, message: 'first line\nsecond\tline' }] };
    const problem = parse(renderJunit(withNewline)).testcase.find((t) => t.name === 'run: cleanup');
    expect(problem?.error?.message).toBe('first line second line');
  });
});
