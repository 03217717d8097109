/** Column widths that make a cli-table3 table fit a terminal, when it would not fit as it is. */
import { visibleWidth } from './ansi.js';
import { maxOf } from '../model/arrays.js';

/** cli-table3's default padding: one space each side. */
const PADDING = 2;
/** Narrower than this and cells wrap into unreadable slivers; better to overflow. */
const MIN_COLUMN = 12;

/**
 * `undefined` when the table fits `width` (or no width is known); otherwise widths (padding
 * included, as cli-table3 counts them) obtained by narrowing the widest column one step at a time,
 * so short columns keep their natural width and only the long texts wrap.
 */
export function fitColumns(rows: readonly (readonly string[])[], width: number | undefined): number[] | undefined {
  const first = rows[0];
  if (width === undefined || first === undefined) return undefined;
  const widths = first.map((_, i) =>
    Math.max(maxOf(rows.map((row) => maxOf((row[i] ?? '').split('\n').map(visibleWidth)))), 1) + PADDING,
  );
  // One border character between columns and at both ends.
  const total = (): number => widths.reduce((sum, w) => sum + w, 0) + widths.length + 1;
  if (total() <= width) return undefined;
  while (total() > width) {
    const widest = widths.indexOf(maxOf(widths));
    const current = widths[widest];
    if (current === undefined || current <= MIN_COLUMN) break;
    widths[widest] = current - 1;
  }
  return widths;
}
