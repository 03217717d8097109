/**
 * The run matrix in compact form, for when the bordered table cannot fit the terminal: targets become
 * numbered columns with a legend, and each cell says in a word (or, when even that is too wide, a
 * code) whether the expectation was met and what the network did. Failures are spelled out in full
 * below the matrix, as ever; `--wide` prints the bordered table.
 */
import { assertNever } from '../model/assert-never.js';
import type { Observed } from '../model/outcome.js';
import type { CheckResult } from '../model/report.js';
import type { Paint } from './ansi.js';
import { layoutGrid, widestLine, wrapEntries } from './compact-grid.js';
import type { Matrix } from './matrix.js';
import { oneLine } from './sanitize.js';
import { statusMark, statusTone } from './status-mark.js';

type CellForm = 'words' | 'codes';

/** Entries of the legend, wrapped between entries to the width. */
const LEGENDS: Readonly<Record<CellForm, readonly string[]>> = {
  words: ['✓ expectation met', '✗ not met', 'then what the network did: allow, deny, or error (the probe could not tell)', '* after retries', '- skipped', '· not checked'],
  codes: ['✓ met', '✗ not met', 'a allowed', 'd denied', '? the probe could not tell', '- skipped', '· not checked'],
};

/** Words when they fit `width`, else codes (which may still overflow with very many targets). */
export function renderCompactMatrix(grid: Matrix, width: number, paint: Paint): string {
  const words = compact(grid, 'words', width, paint);
  return widestLine(words) <= width ? words : compact(grid, 'codes', width, paint);
}

function compact(grid: Matrix, form: CellForm, width: number, paint: Paint): string {
  const columns = grid.columns.map((_label, i) => ({ key: String(i + 1) }));
  const rows = grid.rows.map((row) => ({ label: oneLine(row), cells: grid.columns.map((column) => cell(grid.cell(row, column), form, paint)) }));
  const lines = layoutGrid(paint('bold', 'from \\ to'), columns, [{ rows }]);
  const targets = wrapEntries(grid.columns.map((label, i) => `${i + 1} ${oneLine(label)}`), width, '  ');
  const legend = wrapEntries([...LEGENDS[form], '--wide: the full table'], width);
  return [...lines, ...targets, ...legend.map((line) => paint('dim', line))].join('\n');
}

function cell(checks: readonly CheckResult[], form: CellForm, paint: Paint): string {
  if (checks.length === 0) return paint('dim', '·');
  return checks.map((check) => paint(statusTone(check.status), verdict(check, form))).join(form === 'words' ? ', ' : ',');
}

function verdict(check: CheckResult, form: CellForm): string {
  const mark = statusMark(check.status);
  switch (check.status) {
    case 'pass':
    case 'fail': {
      if (form === 'codes') return `${mark}${observedCode(check.observed)}`;
      return `${mark} ${check.observed}${check.attempts.length > 1 ? '*' : ''}`;
    }
    case 'skipped':
      return form === 'codes' ? mark : `${mark} skipped`;
    default:
      return assertNever(check, 'check result');
  }
}

function observedCode(observed: Observed): string {
  switch (observed) {
    case 'allow':
      return 'a';
    case 'deny':
      return 'd';
    case 'error':
      return '?';
    default:
      return assertNever(observed, 'observation');
  }
}
