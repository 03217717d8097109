/** The streams and environment the CLI runs with; injected so tests can run it in-process. */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** Terminal columns, when the sink is a terminal (process.stdout has it). */
  readonly columns?: number;
}

export interface CliIO {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** The terminal to ask a confirmation on; absent (or not a TTY) means nobody can answer. */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** Aborted on SIGINT/SIGTERM by the bin; long-running commands stop and clean up. */
  readonly signal?: AbortSignal;
  /** Told, on the first signal, whether the command now cleans up (true) or stops at once (false). */
  readonly onInterrupt?: (cleansUp: boolean) => void;
}
