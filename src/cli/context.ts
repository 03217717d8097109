import type { CliIO } from './io.js';

/** Shared by every command: the IO and the exit code the handler decides. */
export interface CommandContext {
  readonly io: CliIO;
  exitCode: number;
}
