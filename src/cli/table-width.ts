/**
 * How wide a table may be: `--width N` when given, the terminal's columns when stdout is one, else
 * unlimited (a file or a pipe gets the full table, for tools and wide viewers). `--wide` always prints
 * the full table. Renderers fit a matrix to the width by switching to its compact form.
 */
import type { Argv } from 'yargs';
import { InputError } from '../model/errors.js';
import { widestLine } from '../report/compact-grid.js';
import { boundsProblem } from '../scenario/bounds.js';
import type { CliIO } from './io.js';

export interface TableWidthFlags {
  readonly wide: boolean;
  readonly width?: number;
}

/** Narrower than 40, not even a compact matrix holds a row label and a few columns; past 1,000 no terminal is that wide. */
const WIDTH_BOUNDS = { min: 40, max: 1000 };

export function withTableWidthFlags<T>(yargs: Argv<T>): Argv<T & TableWidthFlags> {
  return yargs
    .option('wide', { type: 'boolean', default: false, describe: 'Print the full table, however wide (default: fit the terminal)' })
    // Read as text so a bad value is quoted as given ("abc"), not as the NaN a number flag makes of it.
    .option('width', { type: 'string', coerce: parseWidth, describe: `Fit the table into this many columns, ${WIDTH_BOUNDS.min} or more (default: the terminal's width; none when stdout is not a terminal)` })
    .check((argv) => {
      const problem = tableWidthProblem(argv as Partial<TableWidthFlags>);
      if (problem) throw new Error(problem);
      return true;
    }) as Argv<T & TableWidthFlags>;
}

function parseWidth(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? String(raw[raw.length - 1]) : String(raw);
  const width = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isInteger(width)) return width;
  throw new Error(`--width must be a whole number of terminal columns from ${WIDTH_BOUNDS.min} to ${WIDTH_BOUNDS.max}, e.g. --width 120 (got ${JSON.stringify(text)})`);
}

/**
 * A table whose narrowest form (the compact one, legend wrapped) is still wider than `--width` is
 * refused rather than printed past the width: exit 2, with the width that would fit. Only an explicit
 * `--width` is held to this; a terminal narrower than the table just gets the narrowest form.
 */
export function refuseTooNarrow(text: string, flags: TableWidthFlags): void {
  if (flags.width === undefined || flags.wide) return;
  const narrowest = widestLine(text);
  if (narrowest <= flags.width) return;
  throw new InputError(`--width ${flags.width} is narrower than this output can be: its narrowest form is ${narrowest} columns wide; give --width ${narrowest} or more, or --wide for the full table`);
}

export function tableWidthProblem(flags: Partial<TableWidthFlags>): string | undefined {
  if (flags.width === undefined) return undefined;
  if (flags.wide === true) return `--wide prints the full matrix and --width ${flags.width} fits it into ${flags.width} columns: give one of them`;
  return boundsProblem('--width', flags.width, WIDTH_BOUNDS);
}

/** `{ width }` for the render options, or nothing when the table may be as wide as it likes. */
export function tableWidthOption(flags: TableWidthFlags, io: CliIO): { readonly width?: number } {
  const width = tableWidth(flags, io);
  return width === undefined ? {} : { width };
}

function tableWidth(flags: TableWidthFlags, io: CliIO): number | undefined {
  if (flags.wide) return undefined;
  if (flags.width !== undefined) return flags.width;
  return io.stdout.isTTY === true && io.stdout.columns !== undefined && io.stdout.columns > 0 ? io.stdout.columns : undefined;
}
