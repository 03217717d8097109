import type { CliIO } from './io.js';

/** Shared by every command: the IO and the exit code the handler decides. */
export interface CommandContext {
  readonly io: CliIO;
  exitCode: number;
  /**
   * Set by a command that has something to undo (a live run's probe pods): it takes io.signal and
   * returns once cleaned up. Every other command is stopped at once by SIGINT/SIGTERM (130/143).
   */
  cleansUpOnInterrupt?: boolean;
}
