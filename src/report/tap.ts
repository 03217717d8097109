/**
 * TAP version 14: one test point per check, a YAML diagnostic block under every failure, `# SKIP`
 * for checks that never ran. Problems of the run itself end the stream with `Bail out!`, which TAP
 * consumers treat as "the run did not complete" rather than as a clean result.
 */
import { stringify } from 'yaml';
import { assertNever } from '../model/assert-never.js';
import type { CheckResult, FailedCheck, RunReport } from '../model/report.js';
import { busyboxText, checkTitle, familyBreakdownLine, failureSeverity, outcomeLabel, resultMessage, runProblems, skipReason, summaryLine } from './check-text.js';
import { breakdownRows, classCountText, nodeFinding, nodesTookPartText, reportBreakdown } from './node-text.js';
import { cleanText, oneLine } from './sanitize.js';
import { changeTexts, enforcementText, stepTitle } from './step-text.js';

export function renderTap(report: RunReport): string {
  const problems = runProblems(report);
  const lines = [
    'TAP version 14',
    `1..${report.checks.length}`,
    `# ${oneLine(`${titleOf(report)} (${report.scenario.file}), run ${report.runId}`)}`,
    ...stepComments(report),
    ...report.checks.flatMap((check, i) => testPoint(check, i + 1)),
    `# ${oneLine(busyboxText(report))}`,
    `# ${oneLine(`image ${report.image}`)}`,
    `# ${oneLine(summaryLine(report))}`,
    ...nodeComments(report),
    ...[familyBreakdownLine(report)].flatMap((line) => (line === undefined ? [] : [`# ${oneLine(line)}`])),
    ...problems.map((p) => `# run error ${oneLine(`${p.kind}: ${p.message}`)}`),
  ];
  const first = problems[0];
  if (first !== undefined) lines.push(`Bail out! ${oneLine(`${first.kind}: ${first.message}`)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Several runs as one TAP 14 stream: each scenario (each step, for a multi-step run) is a subtest (its own plan, indented four spaces)
 * whose summary test point fails when any of its checks failed or the run itself had problems.
 */
export function renderTapSubtests(reports: readonly RunReport[]): string {
  const lines = ['TAP version 14', `1..${reports.length}`];
  reports.forEach((report, i) => {
    const inner = renderTap(report).trimEnd().split('\n').slice(1);
    const failed = report.summary.failed > 0 || report.summary.skipped > 0 || runProblems(report).length > 0;
    const title = escapeDescription(`${titleOf(report)} (${report.scenario.file})`);
    lines.push(`# Subtest: ${title}`, ...inner.map((line) => `    ${line}`), `${failed ? 'not ok' : 'ok'} ${i + 1} - ${title}`);
  });
  return `${lines.join('\n')}\n`;
}

/** `shop`, or `shop · step 2/5: deny all ingress` for a step of a multi-step run. */
function titleOf(report: RunReport): string {
  return report.step === undefined ? report.scenario.name : `${report.scenario.name} · ${stepTitle(report.step)}`;
}

function stepComments(report: RunReport): string[] {
  const { step } = report;
  if (step === undefined) return [];
  return [...changeTexts(step), enforcementText(report, step)].map((line) => `# ${oneLine(line)}`);
}

/** The same-node / cross-node counts and the failure pattern, when more than one node took part. */
function nodeComments(report: RunReport): string[] {
  const breakdown = reportBreakdown(report);
  if (breakdown === undefined) return [];
  const finding = nodeFinding(breakdown, report.checks);
  return [nodesTookPartText(breakdown), ...breakdownRows(breakdown).map(({ label, count }) => `${label}: ${classCountText(count)}`), ...(finding === undefined ? [] : [finding])].map(
    (line) => `# ${oneLine(line)}`,
  );
}

function testPoint(check: CheckResult, n: number): string[] {
  const description = escapeDescription(checkTitle(check));
  switch (check.status) {
    case 'pass':
      return [`ok ${n} - ${description}`];
    case 'skipped':
      return [`ok ${n} - ${description} # SKIP ${escapeDescription(skipReason(check))}`];
    case 'fail':
      return [`not ok ${n} - ${description}`, ...diagnostics(check)];
    default:
      return assertNever(check, 'check result');
  }
}

/** The YAML block: `  ---`, the fields indented two spaces, `  ...`. */
function diagnostics(check: FailedCheck): string[] {
  const output = check.attempts.at(-1)?.output.trim();
  const fields = {
    message: resultMessage(check),
    severity: failureSeverity(check.observed),
    check: check.name,
    id: check.id,
    from: check.from,
    pod: check.fromPod,
    from_node: check.fromNode,
    to: check.to,
    address: check.address,
    to_node: check.toNode,
    kind: check.kind,
    expected: check.expect,
    expected_from: check.expectSource,
    observed: check.observed,
    outcome: outcomeLabel(check.outcome),
    detail: check.outcome.detail,
    command: check.command,
    attempts: check.attempts.map((a) => outcomeLabel(a.outcome)),
    duration_ms: check.durationMs,
    note: check.message,
    policy: check.explanation,
    output: output === '' ? undefined : output,
  };
  // Control characters made visible first, so multi-line output comes out as a readable block
  // scalar; yaml then omits undefined values and quotes whatever would not survive as plain YAML.
  const cleaned = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? cleanText(v) : v]));
  const yaml = stringify(cleaned, { lineWidth: 0 }).trimEnd();
  return ['  ---', ...yaml.split('\n').map((line) => `  ${line}`), '  ...'];
}

/** TAP 14 reserves `#` (directives) and `\` in descriptions; both are escaped with a backslash. */
function escapeDescription(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}
