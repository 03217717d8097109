/** Plain text wrapped at spaces to a width, for reports whose lines are sentences (diff's summary, notes, policy lists). */
import { widestLine } from './compact-grid.js';

/**
 * `text` in lines of at most `width` columns (when given), broken at spaces; continuation lines start
 * with `indent`. A single word longer than the room stays whole: the caller refuses a width that
 * cannot hold its longest word (see refuseTooNarrow in the CLI).
 */
export function wrapWords(text: string, width: number | undefined, indent = ''): string[] {
  if (width === undefined || widestLine(text) <= width) return [text];
  const lead = /^\s*/.exec(text)?.[0] ?? '';
  const lines: string[] = [];
  let current = '';
  for (const word of text.slice(lead.length).split(' ')) {
    const prefix = lines.length === 0 ? lead : indent;
    const candidate = current === '' ? `${prefix}${word}` : `${current} ${word}`;
    if (current !== '' && widestLine(candidate) > width) {
      lines.push(current);
      current = `${indent}${word}`;
    } else {
      current = candidate;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}
