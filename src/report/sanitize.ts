/**
 * Probe output and error messages come from inside the cluster. Control characters in them could
 * move the cursor or recolour a terminal, break a Markdown table or a TAP line, so every human-facing
 * renderer passes such text through here first and shows the characters as visible escapes.
 */

// C0 controls except tab and newline, DEL, C1 controls, the noncharacters U+FFFE/U+FFFF and lone
// surrogates (which no UTF-8 writer can encode faithfully).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visibleEscape(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Multi-line text with control characters (other than newline and tab) made visible. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\t/g, '  ').replace(CONTROL, visibleEscape);
}

/** One line: runs of whitespace, newlines included, become one space. */
export function oneLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

/**
 * The first `maxLines` non-empty lines of `text`, each trimmed, plus a note of how many were left
 * out. An excerpt, not a dump: the JSON report carries the whole output.
 */
export function excerpt(text: string, maxLines: number): string[] {
  const lines = cleanText(text)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length <= maxLines) return lines;
  const rest = lines.length - maxLines;
  return [...lines.slice(0, maxLines), `… ${rest} more line${rest === 1 ? '' : 's'}`];
}

const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A value from user input shown inside a message: every control character visible, newline and tab
 * included, so a value can neither recolour the terminal nor start a line that looks like one of
 * kubeknock's own ("x.yaml: ok …").
 */
export function visible(text: string): string {
  return text.replace(ANY_CONTROL, (char) => (char === '\n' ? '\\n' : char === '\t' ? '\\t' : char === '\r' ? '\\r' : visibleEscape(char)));
}

/** The same data with `visible` applied to every string in it, for renderers of user-supplied objects. */
export function visibleStrings<T>(value: T): T {
  if (typeof value === 'string') return visible(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => visibleStrings(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [visible(key), visibleStrings(item)])) as T;
  }
  return value;
}
