/**
 * JUnit XML for CI dashboards (GitLab, Jenkins, GitHub test reporters): one testsuite per
 * scenario (per step, for a multi-step run), one testcase per check. A wrong verdict is a <failure>, a probe that could not observe
 * anything an <error>, a check that never ran <skipped>; problems of the run itself (pods that never
 * started, an interrupt, a failed cleanup) become error testcases so a dashboard cannot show a
 * half-run as green.
 */
import { assertNever } from '../model/assert-never.js';
import type { CheckResult, FailedCheck, RunError, RunReport } from '../model/report.js';
import { IP_FAMILIES } from '../model/family.js';
import { attemptsText, busyboxText, checkTitle, failureSeverity, familyBreakdownLine, lastOutput, outcomeText, resultMessage, runProblems, summaryLine } from './check-text.js';
import { breakdownRows, checkNodesText, classCountText, nodeFinding, reportBreakdown } from './node-text.js';
import { enforcementText, stepTitle } from './step-text.js';
import { xmlAttrs, xmlText } from './xml.js';

export function renderJunit(report: RunReport): string {
  return renderJunitSuites([report]);
}

/** Several scenarios' runs as one document: one testsuite each under a <testsuites> with the totals. */
export function renderJunitSuites(reports: readonly RunReport[]): string {
  const suites = reports.map(suiteOf);
  const total = (key: keyof SuiteCounts): number => suites.reduce((sum, suite) => sum + suite.counts[key], 0);
  const totals = { name: 'kubeknock', tests: total('tests'), failures: total('failures'), errors: total('errors'), skipped: total('skipped') };
  const time = seconds(reports.reduce((sum, report) => sum + report.durationMs, 0));
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites ${xmlAttrs({ ...totals, time })}>`, ...suites.map((s) => s.xml), '</testsuites>', ''].join('\n');
}

interface SuiteCounts {
  readonly tests: number;
  readonly failures: number;
  readonly errors: number;
  readonly skipped: number;
}

function suiteOf(report: RunReport): { readonly counts: SuiteCounts; readonly xml: string } {
  const problems = runProblems(report);
  // Steps of one run repeat the same checks: the step in the classname keeps their testcases apart.
  const suite = `${classSegment(report.scenario.name)}${report.step === undefined ? '' : `.step${report.step.index}`}`;
  const count = (verdict: Verdict): number => report.checks.filter((c) => verdictOf(c) === verdict).length;
  const counts = {
    tests: report.checks.length + problems.length,
    failures: count('failure'),
    errors: count('error') + problems.length,
    skipped: count('skipped'),
  };
  const name = report.step === undefined ? report.scenario.name : `${report.scenario.name} · ${stepTitle(report.step)}`;
  const suiteAttrs = { name, ...counts, time: seconds(report.durationMs), timestamp: report.startedAt, file: report.scenario.file };
  const xml = [
    `  <testsuite ${xmlAttrs(suiteAttrs)}>`,
    properties(report),
    ...report.checks.map((check) => testcase(check, suite, report.scenario.file)),
    ...problems.map((problem) => problemCase(problem, suite)),
    `    <system-out>${xmlText(`${busyboxText(report)}\nimage: ${report.image}\n${summaryLine(report)}${familyOut(report)}`)}</system-out>`,
    ...(problems.length === 0 ? [] : [`    <system-err>${xmlText(problems.map((p) => `${p.kind}: ${p.message}`).join('\n'))}</system-err>`]),
    '  </testsuite>',
  ].join('\n');
  return { counts, xml };
}

type Verdict = 'pass' | 'failure' | 'error' | 'skipped';

function verdictOf(check: CheckResult): Verdict {
  switch (check.status) {
    case 'pass':
      return 'pass';
    case 'skipped':
      return 'skipped';
    case 'fail':
      // An exec-error is a failed check, but "we could not tell" is not "the network misbehaved".
      return failureSeverity(check.observed) === 'fail' ? 'failure' : 'error';
    default:
      return assertNever(check, 'check result');
  }
}

function testcase(check: CheckResult, suite: string, file: string): string {
  const attrs = xmlAttrs({
    classname: `kubeknock.${suite}.${classSegment(check.from)}`,
    name: checkTitle(check),
    time: seconds(check.durationMs),
    file,
  });
  switch (check.status) {
    case 'pass':
      return `    <testcase ${attrs}/>`;
    case 'skipped':
      return `    <testcase ${attrs}>\n      <skipped ${xmlAttrs({ message: resultMessage(check) })}/>\n    </testcase>`;
    case 'fail': {
      const element = verdictOf(check);
      const body = `<${element} ${xmlAttrs({ message: resultMessage(check), type: check.outcome.class })}>${xmlText(failureBody(check))}</${element}>`;
      return `    <testcase ${attrs}>\n      ${body}\n    </testcase>`;
    }
    default:
      return assertNever(check, 'check result');
  }
}

/** The body a dashboard shows when the failure is expanded: everything needed to rerun it by hand. */
function failureBody(check: FailedCheck): string {
  const nodes = checkNodesText(check);
  const lines = [
    `check: ${check.name} (${check.id})`,
    `from: ${check.from}${check.fromPod === undefined ? '' : ` (pod ${check.fromPod})`}`,
    `to: ${check.to}${check.address === undefined ? '' : ` (${check.address})`}`,
    ...(nodes === undefined ? [] : [`nodes: ${nodes}`]),
    `outcome: ${outcomeText(check.outcome)}`,
    ...(check.command === undefined ? [] : [`command: ${check.command}`]),
    `attempts: ${attemptsText(check)}`,
    ...(check.message === undefined ? [] : [`note: ${check.message}`]),
    ...(check.explanation === undefined ? [] : [`policy:\n${check.explanation}`]),
  ];
  const output = lastOutput(check).trim();
  return output === '' ? lines.join('\n') : `${lines.join('\n')}\noutput:\n${output}`;
}

function problemCase(problem: RunError, suite: string): string {
  const attrs = xmlAttrs({ classname: `kubeknock.${suite}`, name: `run: ${problem.kind}`, time: seconds(0) });
  return `    <testcase ${attrs}>\n      <error ${xmlAttrs({ message: problem.message, type: problem.kind })}/>\n    </testcase>`;
}

/** `family.ipv6.failed` and the like, for dashboards that chart a dual-stack run's families apart. */
function familyProperties(report: RunReport): [string, string][] {
  const byFamily = report.summary.byFamily;
  if (byFamily === undefined) return [];
  return IP_FAMILIES.flatMap((family) => (['total', 'passed', 'failed', 'skipped'] as const).map((key): [string, string] => [`family.${family}.${key}`, String(byFamily[family][key])]));
}

function familyOut(report: RunReport): string {
  const line = familyBreakdownLine(report);
  return line === undefined ? '' : `\n${line}`;
}

function properties(report: RunReport): string {
  const props: [string, string | undefined][] = [
    ['kubeknock.version', report.tool.version],
    ['run-id', report.runId],
    ['image', report.image],
    ['busybox', report.busyboxVersion],
    ['cluster', report.cluster?.server],
    ['context', report.cluster?.context],
    ['interrupted', String(report.interrupted)],
    ...stepProperties(report),
    ...nodeProperties(report),
    ...familyProperties(report),
  ];
  const lines = props
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([name, value]) => `      <property ${xmlAttrs({ name, value })}/>`);
  return ['    <properties>', ...lines, '    </properties>'].join('\n');
}

/** Which step, each change on its own property, and the enforcement: in words, and in milliseconds when measured. */
function stepProperties(report: RunReport): [string, string | undefined][] {
  const { step } = report;
  if (step === undefined) return [];
  return [
    ['step', `${step.index}/${step.count}`],
    ['step.name', step.name],
    ...step.changes.map((change, i): [string, string] => [`step.change.${i + 1}`, change]),
    ['step.enforcement', enforcementText(report, step)],
    ['step.enforced-after-ms', step.enforcedAfterMs === undefined ? undefined : String(step.enforcedAfterMs)],
    ['step.rounds', String(step.rounds)],
  ];
}

/** The nodes that took part and the same-node / cross-node counts, when more than one node did. */
function nodeProperties(report: RunReport): [string, string | undefined][] {
  const breakdown = reportBreakdown(report);
  if (breakdown === undefined) return [];
  return [
    ['nodes', breakdown.nodes.join(', ')],
    ...breakdownRows(breakdown).map(({ label, count }): [string, string] => [`nodes.${label.replace(/ /g, '-')}`, classCountText(count)]),
    ['nodes.finding', nodeFinding(breakdown, report.checks)],
  ];
}

/** Dashboards split classnames at dots into package and class: keep names from adding levels. */
function classSegment(name: string): string {
  return name.replace(/[.\s]+/g, '_');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
