/**
 * The terminal report: a source × target matrix, then every failure in detail, then what ran and
 * how long it took. Colour only when the caller asks for it.
 */
import Table from 'cli-table3';
import type { CheckResult, RunReport } from '../model/report.js';
import { painter, type Paint, type Tone } from './ansi.js';
import { busyboxText, cellVerdict, familyBreakdownLine, runProblems, summaryLine } from './check-text.js';
import { widestLine } from './compact-grid.js';
import { fitColumns } from './fit-columns.js';
import { buildMatrix, kindPrefix } from './matrix.js';
import type { RenderOptions } from './render-options.js';
import { oneLine } from './sanitize.js';
import { statusMark, statusTone } from './status-mark.js';
import { renderCompactMatrix } from './run-matrix-compact.js';
import { renderDetails } from './table-details.js';
import { breakdownRows, classCountText, nodeFinding, reportBreakdown } from './node-text.js';
import { changeTexts, enforcementText, stepTitle } from './step-text.js';
import { appendAll, maxOf } from '../model/arrays.js';

const LEGEND = '✓ expectation met  ✗ not met  - skipped  ×N attempts  · not checked';

export function renderTable(report: RunReport, options: RenderOptions): string {
  const paint = painter(options.color);
  const sections = [heading(report), stepSection(report, paint), matrix(report.checks, options.width, paint), renderDetails(report.checks, paint), nodesSection(report, paint), footer(report, paint)];
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

function heading(report: RunReport): string {
  const cluster = report.cluster === undefined ? '' : ` · ${report.cluster.context ?? report.cluster.server}`;
  return oneLine(`${report.tool.name} ${report.tool.version} · ${report.scenario.name} (${report.scenario.file}) · run ${report.runId}${cluster}`);
}

/** A step of a multi-step run: its title, what it changed, and whether the network caught up. */
function stepSection(report: RunReport, paint: Paint): string {
  const { step } = report;
  if (step === undefined) return '';
  const enforced = step.enforcedAfterMs !== undefined;
  return [paint('bold', oneLine(stepTitle(step))), ...changeTexts(step).map((line) => `  ${oneLine(line)}`), `  ${paint(enforced ? 'green' : 'red', enforcementText(report, step))}`].join('\n');
}

/**
 * The matrix as a bordered table, its long cells wrapped to fit `width` where they can; when even
 * that cannot fit (a dozen targets in 120 columns), the compact form of src/report/run-matrix-compact.ts.
 */
function matrix(checks: readonly CheckResult[], width: number | undefined, paint: Paint): string {
  if (checks.length === 0) return 'No checks.';
  const grid = buildMatrix(checks);
  const head = ['from \\ to', ...grid.columns.map(oneLine)];
  const body = grid.rows.map((row) => [oneLine(row), ...grid.columns.map((column) => cell(grid.cell(row, column), paint))]);
  const colWidths = fitColumns([head, ...body], width);
  const table = new Table({
    head: head.map((h) => paint('bold', h)),
    // cli-table3 would colour head and border by itself, deciding from the environment: never let it.
    style: { head: [], border: [] },
    ...(colWidths === undefined ? {} : { colWidths, wordWrap: true, wrapOnWordBoundary: true }),
  });
  appendAll(table, body);
  const full = `${table.toString()}\n${paint('dim', LEGEND)}`;
  if (width === undefined || widestLine(full) <= width) return full;
  return renderCompactMatrix(grid, width, paint);
}

function cell(checks: readonly CheckResult[], paint: Paint): string {
  if (checks.length === 0) return paint('dim', '·');
  return checks
    .map((check) => paint(statusTone(check.status), `${statusMark(check.status)} ${kindPrefix(check, checks.length)}${cellVerdict(check)}`))
    .join('\n');
}

/** Same-node and cross-node checks apart, and the failure pattern when there is one; nothing on one node. */
function nodesSection(report: RunReport, paint: Paint): string {
  const breakdown = reportBreakdown(report);
  if (breakdown === undefined) return '';
  const rows = breakdownRows(breakdown);
  const width = maxOf(rows.map((row) => row.label.length));
  const finding = nodeFinding(breakdown, report.checks);
  return [
    paint('bold', oneLine(`Nodes (${breakdown.nodes.length}): ${breakdown.nodes.join(', ')}`)),
    ...rows.map((row) => `  ${row.label.padEnd(width)}  ${classCountText(row.count)}`),
    ...(finding === undefined ? [] : [paint('yellow', oneLine(finding))]),
  ].join('\n');
}

function footer(report: RunReport, paint: Paint): string {
  const lines = [`busybox   ${busyboxText(report)}`, `image     ${oneLine(report.image)}`];
  const problems = runProblems(report);
  if (problems.length > 0) {
    lines.push(paint('red', 'Run errors:'), ...problems.map((p) => paint('red', `  ✗ ${p.kind}: ${p.message}`)));
  }
  lines.push(paint(summaryTone(report, problems.length > 0), summaryLine(report)));
  const byFamily = familyBreakdownLine(report);
  if (byFamily !== undefined) lines.push(byFamily);
  return lines.join('\n');
}

function summaryTone(report: RunReport, troubled: boolean): Tone {
  if (troubled || report.summary.failed > 0) return 'red';
  return report.summary.skipped > 0 ? 'yellow' : 'green';
}
