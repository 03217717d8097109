/**
 * A Markdown summary for pull-request comments and GITHUB_STEP_SUMMARY: the matrix as a table with
 * ✅/❌, then the failures. Kept well under GitHub's 65,536-character comment limit by detailing only
 * the first failures; the JSON report has them all.
 */
import { assertNever } from '../model/assert-never.js';
import type { CheckResult, FailedCheck, RunReport } from '../model/report.js';
import { attemptsText, busyboxText, cellVerdict, checkTitle, familyBreakdownLine, formatDuration, lastOutput, resultMessage, runProblems, skipReason, summaryLine } from './check-text.js';
import { buildMatrix, kindPrefix } from './matrix.js';
import { mdBlock, mdCode, mdInline } from './markdown-text.js';
import { breakdownRows, checkNodesText, nodeFinding, nodesTookPartText, reportBreakdown } from './node-text.js';
import { excerpt } from './sanitize.js';
import { changeTexts, enforcementText, stepTitle } from './step-text.js';

const DETAILED_FAILURES = 30;
const LISTED_SKIPS = 30;
const OUTPUT_LINES = 3;

export function renderMarkdown(report: RunReport): string {
  const sections = [
    `## ${headline(report)}`,
    `**${summaryLine(report)}**`,
    mdInline(familyBreakdownLine(report) ?? ''),
    stepSection(report),
    matrix(report.checks),
    nodesSection(report),
    problemsSection(report),
    failuresSection(report.checks),
    skippedSection(report.checks),
    `${mdInline(busyboxText(report))} · image ${mdCode(report.image)} · run ${mdCode(report.runId)} · ${mdInline(`${report.tool.name} ${report.tool.version}`)}`,
  ];
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

function headline(report: RunReport): string {
  const { failed, skipped } = report.summary;
  const name = `kubeknock: ${mdInline(report.scenario.name)}${report.step === undefined ? '' : ` · ${mdInline(stepTitle(report.step))}`}`;
  if (failed > 0 || runProblems(report).length > 0) return `❌ ${name}`;
  return skipped > 0 ? `⚠️ ${name}` : `✅ ${name}`;
}

/** What the step changed, then whether the network caught up, as a list before the matrix. */
function stepSection(report: RunReport): string {
  const { step } = report;
  if (step === undefined) return '';
  const enforced = `${step.enforcedAfterMs === undefined ? '❌' : '✅'} ${mdInline(enforcementText(report, step))}`;
  return [...changeTexts(step).map((line) => `- ${mdInline(line)}`), `- ${enforced}`].join('\n');
}

function mark(check: CheckResult): string {
  switch (check.status) {
    case 'pass':
      return '✅';
    case 'fail':
      return '❌';
    case 'skipped':
      return '⚪';
    default:
      return assertNever(check, 'check result');
  }
}

function matrix(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '_No checks._';
  const grid = buildMatrix(checks);
  const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const cell = (list: readonly CheckResult[]): string =>
    list.length === 0 ? '·' : list.map((c) => `${mark(c)} ${mdInline(`${kindPrefix(c, list.length)}${cellVerdict(c)}`)}`).join('<br>');
  return [
    row(['from \\\\ to', ...grid.columns.map(mdInline)]),
    row(['---', ...grid.columns.map(() => '---')]),
    ...grid.rows.map((r) => row([`**${mdInline(r)}**`, ...grid.columns.map((c) => cell(grid.cell(r, c)))])),
  ].join('\n');
}

/** Same-node and cross-node checks apart, and the failure pattern when there is one; nothing on one node. */
function nodesSection(report: RunReport): string {
  const breakdown = reportBreakdown(report);
  if (breakdown === undefined) return '';
  const row = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
  const finding = nodeFinding(breakdown, report.checks);
  return [
    '### Nodes',
    '',
    mdInline(nodesTookPartText(breakdown)),
    '',
    row(['class', 'checks', 'passed', 'failed', 'skipped']),
    row(['---', '---:', '---:', '---:', '---:']),
    ...breakdownRows(breakdown).map(({ label, count }) => row([label, count.checks, count.passed, count.failed, count.skipped])),
    ...(finding === undefined ? [] : ['', `**${mdInline(finding)}**`]),
  ].join('\n');
}

function problemsSection(report: RunReport): string {
  const problems = runProblems(report);
  if (problems.length === 0) return '';
  return ['### Run errors', '', ...problems.map((p) => `- **${mdInline(p.kind)}**: ${mdInline(p.message)}`)].join('\n');
}

function failuresSection(checks: readonly CheckResult[]): string {
  const failed = checks.filter((c): c is FailedCheck => c.status === 'fail');
  if (failed.length === 0) return '';
  const shown = failed.slice(0, DETAILED_FAILURES).map(failure);
  const rest = failed.length - shown.length;
  const more = rest > 0 ? [`…and ${rest} more failed checks: see the JSON report.`] : [];
  return [`### Failures (${failed.length})`, ...shown, ...more].join('\n\n');
}

function failure(check: FailedCheck): string {
  const from = `${mdInline(check.from)}${check.fromPod === undefined ? '' : ` (${mdCode(check.fromPod)})`}`;
  const to = `${mdInline(check.to)}${check.address === undefined ? '' : ` (${mdCode(check.address)})`}`;
  const outcome = `${mdInline(check.outcome.class)}: ${mdInline(check.outcome.detail)}`;
  const nodes = checkNodesText(check);
  const lines = [
    `#### ❌ ${mdInline(check.name)}`,
    '',
    mdInline(resultMessage(check)),
    '',
    `- ${from} → ${to}, ${check.kind}`,
    ...(nodes === undefined ? [] : [`- nodes ${mdInline(nodes)}`]),
    ...(check.command === undefined ? [] : [`- command ${mdCode(check.command)}`]),
    `- outcome ${outcome}`,
    `- attempts ${mdInline(attemptsText(check))} in ${formatDuration(check.durationMs)}`,
    ...(check.message === undefined ? [] : [`- note: ${mdInline(check.message)}`]),
  ];
  const output = excerpt(lastOutput(check), OUTPUT_LINES);
  const blocks = [
    lines.join('\n'),
    ...(output.length === 0 ? [] : [mdBlock(output.join('\n'))]),
    ...(check.explanation === undefined ? [] : [`What the policies say:\n\n${mdBlock(check.explanation)}`]),
  ];
  return blocks.join('\n\n');
}

function skippedSection(checks: readonly CheckResult[]): string {
  const skipped = checks.filter((c) => c.status === 'skipped');
  if (skipped.length === 0) return '';
  const listed = skipped.slice(0, LISTED_SKIPS).map((c) => `- ⚪ ${mdInline(checkTitle(c))}: ${mdInline(skipReason(c))}`);
  const rest = skipped.length - listed.length;
  return [`### Skipped (${skipped.length})`, '', ...listed, ...(rest > 0 ? [`- …and ${rest} more`] : [])].join('\n');
}
