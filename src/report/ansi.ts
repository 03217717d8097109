/**
 * The few ANSI colours the table needs. Written here rather than taken from a colour library because
 * those decide on their own whether to colour (by reading the environment and the TTY); a renderer
 * must colour exactly when its caller says so.
 */
export type Tone = 'green' | 'red' | 'yellow' | 'dim' | 'bold';

const CODES: Readonly<Record<Tone, readonly [open: number, close: number]>> = {
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export type Paint = (tone: Tone, text: string) => string;

/** A painter that colours when `enabled` and is the identity otherwise. */
export function painter(enabled: boolean): Paint {
  if (!enabled) return (_tone, text) => text;
  return (tone, text) => {
    const [open, close] = CODES[tone];
    return text === '' ? text : `\u001b[${open}m${text}\u001b[${close}m`;
  };
}

const ANSI_SEQUENCE = /\u001b\[[0-9;]*m/g;

/** Columns a string occupies, ignoring colour codes. Cell texts are ASCII plus narrow symbols (✓ ✗ · →). */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI_SEQUENCE, '')].length;
}
