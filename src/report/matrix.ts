/** Checks arranged as the source × target grid both the table and the Markdown summary draw. */
import type { CheckResult } from '../model/report.js';

export interface Matrix {
  /** Sources (actor names), in order of first appearance. */
  readonly rows: readonly string[];
  /** Target labels, in order of first appearance. */
  readonly columns: readonly string[];
  /** The checks of one cell, in report order; empty when that pair was not checked. */
  cell(row: string, column: string): readonly CheckResult[];
}

export function buildMatrix(checks: readonly CheckResult[]): Matrix {
  const rows = new Set<string>();
  const columns = new Set<string>();
  const cells = new Map<string, CheckResult[]>();
  // A NUL cannot occur in an actor name or label, so it separates the two halves unambiguously.
  const key = (row: string, column: string): string => `${row}\u0000${column}`;
  for (const check of checks) {
    rows.add(check.from);
    columns.add(check.to);
    const k = key(check.from, check.to);
    const list = cells.get(k);
    if (list) list.push(check);
    else cells.set(k, [check]);
  }
  return {
    rows: [...rows],
    columns: [...columns],
    cell: (row, column) => cells.get(key(row, column)) ?? [],
  };
}

/**
 * Several checks in one cell (tcp and http to the same target) are told apart by their kind; a lone
 * check needs no prefix.
 */
export function kindPrefix(check: CheckResult, cellSize: number): string {
  return cellSize > 1 ? `${check.kind}: ` : '';
}
