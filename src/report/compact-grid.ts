/**
 * The compact form of a matrix, for tables too wide for the terminal: short column keys instead of
 * names (a legend or the row labels say what they stand for), no cell borders, and a `│` between
 * column groups (e.g. namespaces), so a 12-workload matrix reads in 120 columns. Pure text layout.
 */
import { visibleWidth } from './ansi.js';

export interface GridColumn {
  /** The short key shown as the column's head, e.g. `B3` or `7`. */
  readonly key: string;
  /** Columns of one group sit together between `│` separators; undefined: no grouping. */
  readonly group?: string;
}

export interface GridRowGroup {
  /** Printed on a line of its own above the group's rows, when given. */
  readonly title?: string;
  readonly rows: readonly { readonly label: string; readonly cells: readonly string[] }[];
}

const GAP = ' ';
const GROUP_SEPARATOR = '│';
/** Row labels under a group title are indented by this. */
const ROW_INDENT = '  ';

/** Lines of the grid: the head (corner + column keys), then each row group. Cells may carry colour. */
export function layoutGrid(corner: string, columns: readonly GridColumn[], groups: readonly GridRowGroup[]): string[] {
  const titled = groups.some((group) => group.title !== undefined);
  const indent = titled ? ROW_INDENT : '';
  const labelWidth = Math.max(visibleWidth(corner), ...groups.flatMap((g) => g.rows.map((r) => visibleWidth(indent + r.label))));
  const widths = columns.map((column, i) => Math.max(visibleWidth(column.key), ...groups.flatMap((g) => g.rows.map((r) => visibleWidth(r.cells[i] ?? '')))));
  const line = (label: string, cells: readonly string[]): string => {
    const parts = [pad(label, labelWidth)];
    columns.forEach((column, i) => {
      if (i > 0 && column.group !== columns[i - 1]?.group) parts.push(GROUP_SEPARATOR);
      parts.push(pad(cells[i] ?? '', widths[i] ?? 0));
    });
    return parts.join(GAP).trimEnd();
  };
  const lines = [line(corner, columns.map((c) => c.key))];
  for (const group of groups) {
    if (group.title !== undefined) lines.push(group.title);
    for (const row of group.rows) lines.push(line(indent + row.label, row.cells));
  }
  return lines;
}

/** `entries` joined by two spaces, wrapped to `width` (when given), continuation lines indented by `indent`. */
export function wrapEntries(entries: readonly string[], width: number | undefined, indent = ''): string[] {
  const lines: string[] = [];
  let current = '';
  for (const entry of entries) {
    const candidate = current === '' ? entry : `${current}  ${entry}`;
    if (current !== '' && width !== undefined && visibleWidth(candidate) > width) {
      lines.push(current);
      current = `${indent}${entry}`;
    } else {
      current = candidate;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}

/** The widest line of a text, in terminal columns. */
export function widestLine(text: string): number {
  return Math.max(0, ...text.split('\n').map(visibleWidth));
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}
