/** The part of the terminal report below the matrix: every failed and skipped check spelled out. */
import type { CheckResult, FailedCheck, SkippedCheck } from '../model/report.js';
import type { Paint } from './ansi.js';
import { attemptsText, checkTitle, formatDuration, lastOutput, outcomeText, resultMessage, skipReason } from './check-text.js';
import { checkNodesText } from './node-text.js';
import { cleanText, excerpt, oneLine } from './sanitize.js';

/** Output lines shown per failure; the JSON report has all of it. */
const OUTPUT_LINES = 3;
const INDENT = '    ';
const LABEL_WIDTH = 10;

export function renderDetails(checks: readonly CheckResult[], paint: Paint): string {
  const failed = checks.filter((c): c is FailedCheck => c.status === 'fail');
  const skipped = checks.filter((c): c is SkippedCheck => c.status === 'skipped');
  const sections: string[] = [];
  if (failed.length > 0) {
    sections.push([paint('bold', `Failed (${failed.length}):`), ...failed.map((c) => failedBlock(c, paint))].join('\n\n'));
  }
  // Skipped checks are one line each: when pods never start, every check is skipped for one reason.
  if (skipped.length > 0) {
    sections.push([paint('bold', `Skipped (${skipped.length}):`), ...skipped.map((c) => skippedLine(c, paint))].join('\n'));
  }
  return sections.join('\n\n');
}

function failedBlock(check: FailedCheck, paint: Paint): string {
  const from = check.fromPod === undefined ? check.from : `${check.from} (${check.fromPod})`;
  const to = check.address === undefined ? check.to : `${check.to} (${check.address})`;
  const nodes = checkNodesText(check);
  const lines = [
    paint('red', `✗ ${oneLine(check.name)}: ${resultMessage(check)}`),
    `${INDENT}${oneLine(`${from} → ${to} [${check.kind}]`)}`,
    ...field('nodes', nodes === undefined ? [] : [oneLine(nodes)]),
    ...field('command', check.command === undefined ? [] : [oneLine(check.command)]),
    ...field('outcome', [oneLine(outcomeText(check.outcome))]),
    ...field('output', excerpt(lastOutput(check), OUTPUT_LINES).map((line) => paint('dim', line))),
    ...field('attempts', [attemptsText(check)]),
    ...field('duration', [formatDuration(check.durationMs)]),
    ...field('note', check.message === undefined ? [] : [oneLine(check.message)]),
    // The explanation's indentation is its structure (direction, then policies, then rules): keep it.
    ...field('policy', check.explanation === undefined ? [] : cleanText(check.explanation).split('\n').map((line) => line.trimEnd())),
  ];
  return lines.join('\n');
}

function skippedLine(check: SkippedCheck, paint: Paint): string {
  return `${paint('yellow', `- ${checkTitle(check)}`)}: ${skipReason(check)}`;
}

/** `    label     first line` then continuation lines aligned under it; nothing when there are no lines. */
function field(label: string, values: readonly string[]): string[] {
  const continuation = `${INDENT}${' '.repeat(LABEL_WIDTH)}`;
  return values.map((value, i) => (i === 0 ? `${INDENT}${label.padEnd(LABEL_WIDTH)}${value}` : `${continuation}${value}`));
}
