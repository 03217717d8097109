/**
 * How wide a table may be: `--width N` when given, the terminal's columns when stdout is one, else
 * unlimited (a file or a pipe gets the full table, for tools and wide viewers). `--wide` always prints
 * the full table. Renderers fit a matrix to the width by switching to its compact form.
 */
import type { Argv } from 'yargs';
import type { CliIO } from './io.js';

export interface TableWidthFlags {
  readonly wide: boolean;
  readonly width?: number;
}

/** Narrower than this, not even a compact matrix can hold a row label and a few columns. */
const MIN_WIDTH = 40;

export function withTableWidthFlags<T>(yargs: Argv<T>): Argv<T & TableWidthFlags> {
  return yargs
    .option('wide', { type: 'boolean', default: false, describe: 'Print the full matrix, however wide (default: fit the terminal)' })
    .option('width', { type: 'number', describe: `Fit the matrix into this many columns (default: the terminal's width; none when stdout is not a terminal)` })
    .check((argv) => {
      const { wide, width } = argv as { wide?: boolean; width?: number };
      if (wide === true && width !== undefined) throw new Error('--wide prints the full matrix and --width fits it: give one of them');
      if (width !== undefined && (!Number.isInteger(width) || width < MIN_WIDTH)) throw new Error(`--width must be a whole number of columns, at least ${MIN_WIDTH} (got ${String(width)})`);
      return true;
    }) as Argv<T & TableWidthFlags>;
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
