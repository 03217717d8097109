/**
 * What of an input value a message may show. A file that is not what it should be (a step file that
 * is `/etc/passwd`, a token file given as a kubeconfig) parses as one long string, and a message
 * that quotes it whole copies the file into a CI log. Every message quotes at most the first line,
 * at most 80 characters of it, as JSON (so control characters are escaped and no line can be forged).
 */

export const EXCERPT_CHARACTERS = 80;

/** `"first line of the valu…" (12 lines)`: a value quoted for a message; a short one whole, a long one cut short. */
export function excerptOf(value: unknown): string {
  const whole = JSON.stringify(value) ?? String(value);
  // Up to 80 characters between the quotes, escaped newlines included: shown as it is.
  if (whole.length <= EXCERPT_CHARACTERS + 2) return whole;
  if (typeof value !== 'string') return `${whole.slice(0, EXCERPT_CHARACTERS - 1)}…`;
  const lines = value.split(/\r\n|\r|\n/);
  const first = lines[0] ?? '';
  const quoted = JSON.stringify(first.slice(0, EXCERPT_CHARACTERS));
  const more = lines.length > 1 ? ` (${lines.length} lines)` : '';
  return `${quoted.slice(0, -1)}…"${more}`;
}

/** One line of free text (an error from a library that may quote the file it read), cut short. */
export function textExcerpt(text: string): string {
  const first = (text.split(/\r\n|\r|\n/)[0] ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return first.length > EXCERPT_CHARACTERS ? `${first.slice(0, EXCERPT_CHARACTERS - 1)}…` : first;
}
