/**
 * The network-policy-api conformance run's count lines come from `go test -json` events, at the test
 * and the subtest level, with the SCTP-only tests (kept out by -test.skip, so absent from the events)
 * counted from sctp-tests.txt. fixtures/go-test-json-sample.jsonl is real `go test -json` output of
 * fixtures/go-test-json-sample.go.txt, a stand-in shaped like the suite (TestConformanceProfiles > ShortName >
 * "Should …" subtests, a failed deny probe, SCTP probes left out, a test skipped for a feature).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventFormatError, parseGoTestJson, type TestEvent } from './go-test-events.js';
import { parseSkipList, SkipListError, skipPattern } from './skip-list.js';
import { summarize, type SummaryOptions } from './summary.js';

const SAMPLE = readFileSync(new URL('fixtures/go-test-json-sample.jsonl', import.meta.url), 'utf8');
const SKIP_LIST = readFileSync(new URL('sctp-tests.txt', import.meta.url), 'utf8');
const ROOT = 'TestConformanceProfiles';
const options = (tests: number, subtests: number): SummaryOptions => ({
  root: ROOT,
  sctpSkipped: parseSkipList(SKIP_LIST, 'sctp-tests.txt'),
  expectedTests: tests,
  expectedSubtests: subtests,
});

// Hand-made events for the cases the sample does not show, in the shape parseGoTestJson returns.
const end = (test: string | undefined, verdict: 'pass' | 'fail' | 'skip', seconds = 1): TestEvent => ({ kind: 'end', test, verdict, seconds });
const out = (test: string | undefined, text: string): TestEvent => ({ kind: 'output', test, text });
const passing = (shortName: string, subtests: number): TestEvent[] => [
  ...Array.from({ length: subtests }, (_, i) => end(`${ROOT}/${shortName}/Should_${i}`, 'pass')),
  end(`${ROOT}/${shortName}`, 'pass', 12.34),
];

describe('the real go test -json sample', () => {
  it('counts both levels, names the failed subtest with its probe line, and counts the SCTP left-outs', () => {
    const summary = summarize(parseGoTestJson(SAMPLE), options(7, 24));
    expect(summary).toEqual({
      lines: [
        'skipped           CNPAdminTierEgressNamedPort: Skipping CNPAdminTierEgressNamedPort: suite does not support ClusterNetworkPolicyNamedPorts',
        'passed    0.0 s  CNPAdminTierEgressTCP: 2 subtests passed',
        'FAILED    0.0 s  CNPAdminTierGress: 1 of 2 subtests failed (2 SCTP probes left out)',
        "          FAILED Should_support_an_'deny-gress'_policy_across_different_protocols: Expected connection to be dropped from network-policy-conformance-gryffindor/harry-potter-0 to 10.244.2.7, but instead it returned a different status: REFUSED",
        'skipped           CNPAdminTierEgressSCTP: probes only SCTP, which this kernel lacks (go test -skip), 6 subtests',
        'skipped           CNPAdminTierIngressSCTP: probes only SCTP, which this kernel lacks (go test -skip), 6 subtests',
        'skipped           CNPBaselineTierEgressSCTP: probes only SCTP, which this kernel lacks (go test -skip), 4 subtests',
        'skipped           CNPBaselineTierIngressSCTP: probes only SCTP, which this kernel lacks (go test -skip), 4 subtests',
        'network-policy-api conformance: 2 SCTP probes left out inside the tests that ran (sctp-less.patch)',
        'network-policy-api conformance subtests: 3 passed, 1 failed, 20 skipped (SCTP)',
        'network-policy-api conformance: 1 passed, 1 failed, 4 skipped (SCTP), 1 skipped (feature not claimed)',
      ],
      ok: false,
    });
  });

  it('reads every line of it as an event or leaves it out (start, run), never as an error', () => {
    const events = parseGoTestJson(SAMPLE);
    expect(events.filter((e) => e.kind === 'end')).toHaveLength(9); // 4 subtests, 3 tests, the root test and the package
    expect(events.at(-1)).toEqual({ kind: 'end', test: undefined, verdict: 'fail', seconds: 0.006 });
  });
});

describe('a run', () => {
  it('passes when every test that ran passed and the counts add up to the suite', () => {
    const events = [...passing('CNPAdminTierEgressTCP', 3), ...passing('CNPBaselineTierEgressTCP', 2), end(ROOT, 'pass')];
    const summary = summarize(events, options(6, 25));
    expect(summary.lines.slice(0, 2)).toEqual([
      'passed   12.3 s  CNPAdminTierEgressTCP: 3 subtests passed',
      'passed   12.3 s  CNPBaselineTierEgressTCP: 2 subtests passed',
    ]);
    expect(summary.lines.slice(-2)).toEqual([
      'network-policy-api conformance subtests: 5 passed, 0 failed, 20 skipped (SCTP)',
      'network-policy-api conformance: 2 passed, 0 failed, 4 skipped (SCTP)',
    ]);
    expect(summary.ok).toBe(true);
  });

  it.each([
    [
      'the suite setup failed before any test',
      [out(ROOT, '    helper.go:151: Error: error waiting for network-policy-conformance-gryffindor namespaces to be ready\n'), end(ROOT, 'fail')],
      [
        'network-policy-api conformance: TestConformanceProfiles failed outside any test (the suite\'s setup): Error: error waiting for network-policy-conformance-gryffindor namespaces to be ready',
        'network-policy-api conformance: 4 tests seen (4 of them skipped), but the suite has 6',
      ],
    ],
    ['the binary never started the suite', [out(undefined, 'flag provided but not defined: -x\n'), end(undefined, 'fail')], ['network-policy-api conformance: the suite did not start: no TestConformanceProfiles in the output', 'network-policy-api conformance: 4 tests seen (4 of them skipped), but the suite has 6']],
    [
      'the timeout cut the run (a test that ran out of time, one that never started)',
      [end(`${ROOT}/CNPAdminTierEgressTCP/Should_0`, 'pass'), out(`${ROOT}/CNPAdminTierEgressTCP`, '=== RUN   x\n')],
      [
        'FAILED            CNPAdminTierEgressTCP: started but never ended (the suite\'s timeout, or the binary crashed)',
        'network-policy-api conformance: 5 tests seen (4 of them skipped), but the suite has 6',
      ],
    ],
    [
      'a test to be skipped ran after all',
      [...passing('CNPAdminTierEgressSCTP', 1), ...passing('CNPAdminTierEgressTCP', 4), end(ROOT, 'pass')],
      ['network-policy-api conformance: CNPAdminTierEgressSCTP was to be skipped, but it ran'],
    ],
    [
      'a subtest is missing although every test ran',
      [...passing('CNPAdminTierEgressTCP', 3), ...passing('CNPBaselineTierEgressTCP', 1), end(ROOT, 'pass')],
      ['network-policy-api conformance: 24 subtests seen (20 of them skipped), but the suite has 25'],
    ],
  ])('fails when %s', (_what, events, problems) => {
    const summary = summarize(events, options(6, 25));
    for (const p of problems) expect(summary.lines).toContain(p);
    expect(summary.ok).toBe(false);
  });
});

describe('the SCTP skip list', () => {
  it('names the 4 SCTP-only tests of v0.3.1 with their 20 subtests', () => {
    const list = parseSkipList(SKIP_LIST, 'sctp-tests.txt');
    expect(list.map((t) => t.name)).toEqual([
      'CNPAdminTierEgressSCTP',
      'CNPAdminTierIngressSCTP',
      'CNPBaselineTierEgressSCTP',
      'CNPBaselineTierIngressSCTP',
    ]);
    expect(list.reduce((n, t) => n + t.subtests, 0)).toBe(20);
  });

  it('becomes a -test.skip pattern that matches only those tests under the root, at their level', () => {
    const pattern = skipPattern(ROOT, [
      { name: 'CNPAdminTierEgressSCTP', subtests: 6 },
      { name: 'CNPBaselineTierIngressSCTP', subtests: 4 },
    ]);
    expect(pattern).toBe('^TestConformanceProfiles$/^(CNPAdminTierEgressSCTP|CNPBaselineTierIngressSCTP)$');
  });

  it.each(['CNPAdminTierEgressSCTP', 'CNPAdminTierEgressSCTP six', 'CNP/Admin 6', 'CNPAdminTierEgressSCTP 6 7'])(
    'rejects the line %j with its file and line number',
    (line) => {
      expect(() => parseSkipList(`# comment\n${line}\n`, 'sctp-tests.txt')).toThrow(SkipListError);
      expect(() => parseSkipList(`# comment\n${line}\n`, 'sctp-tests.txt')).toThrow(/^sctp-tests\.txt:2: /);
    },
  );
});

describe('the event reader', () => {
  it.each([
    ['a line that is not JSON', 'PASS\n', /:1: not a JSON object/],
    ['an event without an Action', '{"Test":"x"}\n', /:1: Action is not a string/],
    ['an output event without its text', '{"Action":"output","Test":"x"}\n', /:1: an output event without an Output string/],
    ['a non-numeric Elapsed', '{"Action":"pass","Test":"x","Elapsed":"1s"}\n', /:1: Elapsed is not a number/],
  ])('rejects %s, naming the line', (_what, text, message) => {
    expect(() => parseGoTestJson(text, 'events.jsonl')).toThrow(EventFormatError);
    expect(() => parseGoTestJson(text, 'events.jsonl')).toThrow(message);
  });
});
