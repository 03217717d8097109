/** Escaping for text placed into GitHub-flavoured Markdown. */
import { cleanText, oneLine } from './sanitize.js';

/**
 * Inline text: punctuation that could start emphasis, links, HTML or code, or end a table cell, is
 * backslash-escaped (CommonMark allows that for any ASCII punctuation).
 */
export function mdInline(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>|~&]/g, (char) => `\\${char}`);
}

/**
 * An inline code span that holds any text: the fence is longer than any run of backticks inside.
 * Not for table cells, where a `|` would still end the cell.
 */
export function mdCode(text: string): string {
  const line = oneLine(text);
  const longestRun = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** A fenced block for multi-line output, fenced longer than any backtick run inside it. */
export function mdBlock(text: string): string {
  const body = cleanText(text);
  const longestRun = Math.max(2, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  return `${fence}text\n${body}\n${fence}`;
}
