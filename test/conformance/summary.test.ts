/** The conformance run's count line comes from ginkgo's JSON report, with filtered-out specs left out. */
import { describe, expect, it } from 'vitest';
import { parseGinkgoReport, ReportFormatError, trafficOf } from './ginkgo-report.js';
import { summarizeList, summarizeRun } from './summary.js';

const TCP_CONTEXT = ['[sig-network] Netpol', 'NetworkPolicy between server and client'];
const UDP_CONTEXT = ['[sig-network] Netpol [LinuxOnly]', 'NetworkPolicy between server and client using UDP'];
const SCTP_CONTEXT = [
  '[sig-network] Netpol [Feature:SCTPConnectivity] [LinuxOnly]',
  'NetworkPolicy between server and client using SCTP',
];

// The fields parseGinkgoReport reads, shaped as ginkgo v2.21 writes them (see a real report.json).
function spec(containers: string[] | null, leaf: string, state: string, extra: Record<string, unknown> = {}) {
  return {
    ContainerHierarchyTexts: containers,
    LeafNodeType: containers === null ? 'BeforeSuite' : 'It',
    LeafNodeText: leaf,
    State: state,
    RunTime: 27_700_000_000,
    NumAttempts: state === 'skipped' ? 0 : 1,
    ...extra,
  };
}
// `selected`: the pre-run count, which a real report has for every spec the focus picked.
const report = (selected: number, ...specs: unknown[]) => [
  { SuiteDescription: 'NetworkPolicy conformance', PreRunStats: { TotalSpecs: 50, SpecsThatWillRun: selected }, SpecReports: specs },
];

describe('a run report', () => {
  it('counts passed and failed specs and leaves the not-selected ones out', () => {
    const results = parseGinkgoReport(
      report(
        2,
        spec(null, '', 'passed'),
        spec(TCP_CONTEXT, "should support a 'default-deny-ingress' policy", 'passed'),
        spec(UDP_CONTEXT, 'should enforce policy based on Ports', 'failed', {
          Failure: { Message: 'Had 3 wrong results in reachability matrix\nexpected: …' },
        }),
        spec(SCTP_CONTEXT, 'should enforce policy based on Ports', 'skipped'),
      ),
    );
    expect(summarizeRun(results)).toEqual({
      lines: [
        "passed   27.7 s  TCP   [sig-network] Netpol NetworkPolicy between server and client should support a 'default-deny-ingress' policy",
        'FAILED   27.7 s  UDP   [sig-network] Netpol [LinuxOnly] NetworkPolicy between server and client using UDP should enforce policy based on Ports',
        '        failed: Had 3 wrong results in reachability matrix',
        'conformance: 1 passed, 1 failed',
      ],
      ok: false,
    });
  });

  it('names a spec that skipped itself at run time and says skipped only then', () => {
    const results = parseGinkgoReport(
      report(
        2,
        spec(TCP_CONTEXT, 'should support allow-all policy', 'passed'),
        spec(UDP_CONTEXT, 'should support a default-deny-ingress policy', 'skipped', {
          NumAttempts: 1,
          Failure: { Message: 'Only supported for node OS distro [windows] (not debian)' },
        }),
      ),
    );
    const { lines, ok } = summarizeRun(results);
    expect(lines.at(-2)).toMatch(/^skipped +UDP .*: Only supported for node OS distro/);
    expect(lines.at(-1)).toBe('conformance: 1 passed, 0 failed, 1 skipped');
    expect(ok).toBe(true);
  });

  it.each([
    [
      'the suite setup failed',
      report(1, spec(null, '', 'failed', { Failure: { Message: 'waiting for every node to be schedulable' } }), spec(TCP_CONTEXT, 'x', 'skipped')),
      undefined,
      [
        'FAILED   27.7 s  suite BeforeSuite',
        '        failed: waiting for every node to be schedulable',
        'conformance: 1 of the 1 selected specs did not run',
        'conformance: 0 passed, 1 failed',
      ],
    ],
    [
      'a CI name matched nothing',
      report(1, spec(TCP_CONTEXT, 'x', 'passed')),
      2,
      [
        'passed   27.7 s  TCP   [sig-network] Netpol NetworkPolicy between server and client x',
        'conformance: test/conformance/ci-specs.txt names 2 specs but they select 1: a name no longer matches',
        'conformance: 1 passed, 0 failed',
      ],
    ],
    ['the focus picked nothing', report(0, spec(TCP_CONTEXT, 'x', 'skipped')), undefined, ['conformance: no spec was selected', 'conformance: 0 passed, 0 failed']],
    [
      'the suite timed out before the last spec',
      report(2, spec(TCP_CONTEXT, 'x', 'passed'), spec(TCP_CONTEXT, 'y', 'skipped')),
      undefined,
      [
        'passed   27.7 s  TCP   [sig-network] Netpol NetworkPolicy between server and client x',
        'conformance: 1 of the 2 selected specs did not run',
        'conformance: 1 passed, 0 failed',
      ],
    ],
  ])('fails when %s', (_what, json, expected, lines) => {
    expect(summarizeRun(parseGinkgoReport(json), expected)).toEqual({ lines, ok: false });
  });

  it.each(['timedout', 'panicked', 'interrupted', 'aborted'])('counts a spec in state %s as failed', (state) => {
    const run = summarizeRun(parseGinkgoReport(report(1, spec(TCP_CONTEXT, 'x', state))));
    expect(run.lines.at(-1)).toBe('conformance: 0 passed, 1 failed');
    expect(run.ok).toBe(false);
  });

  it.each([
    ['not a list', {}],
    ['a spec without a state', [{ PreRunStats: { SpecsThatWillRun: 1 }, SpecReports: [{ LeafNodeType: 'It', LeafNodeText: 'x', RunTime: 0, NumAttempts: 0 }] }]],
    ['an unknown state', report(1, spec(TCP_CONTEXT, 'x', 'exploded'))],
    ['without its pre-run count', [{ SpecReports: [] }]],
  ])('rejects a report that is %s', (_what, json) => {
    expect(() => parseGinkgoReport(json)).toThrow(ReportFormatError);
  });
});

describe('a dry-run listing', () => {
  it('lists the selected specs by traffic and counts each kind', () => {
    const results = parseGinkgoReport(
      report(
        3,
        spec(['[sig-network] Netpol API'], 'should support creating NetworkPolicy API operations', 'passed'),
        spec(UDP_CONTEXT, 'should enforce policy based on Ports', 'passed'),
        spec(TCP_CONTEXT, 'should enforce updated policy', 'passed'),
        spec(SCTP_CONTEXT, 'should enforce policy based on Ports', 'skipped'),
      ),
    );
    expect(summarizeList(results, 3)).toEqual({
      lines: [
        'TCP   [sig-network] Netpol NetworkPolicy between server and client should enforce updated policy',
        'UDP   [sig-network] Netpol [LinuxOnly] NetworkPolicy between server and client using UDP should enforce policy based on Ports',
        'API   [sig-network] Netpol API should support creating NetworkPolicy API operations',
        'conformance: 3 specs selected (TCP 1, UDP 1, SCTP 0, API 1), 1 not selected',
      ],
      ok: true,
    });
  });
});

describe('the traffic of a spec', () => {
  it.each([
    [TCP_CONTEXT, 'TCP'],
    [UDP_CONTEXT, 'UDP'],
    [SCTP_CONTEXT, 'SCTP'],
    [['[sig-network] Netpol API'], 'API'],
  ])('%j sends %s', (containers, traffic) => {
    expect(trafficOf(containers)).toBe(traffic);
  });
});
