/**
 * The process's stdout and stderr, wrapped so that a reader who goes away (`| head`, EPIPE) or a
 * device that refuses the bytes (`> /dev/full`, ENOSPC) ends the output instead of the process:
 * Node would otherwise throw the stream's 'error' event and die with a stack trace and exit 1,
 * which to kubeknock's callers means "an expectation failed".
 */
import type { TextSink } from './io.js';

export type OutputFailure =
  /** The reader closed its end (EPIPE): it wanted no more, so nothing more is written, quietly. */
  | { readonly kind: 'closed' }
  /** The bytes could not be written (ENOSPC, EIO, …): the output is incomplete. */
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

export interface GuardedSink extends TextSink {
  /** The first failure, once a write has failed; writes after it are dropped. */
  readonly failure: OutputFailure | undefined;
  /** Resolves once every write so far has reached the stream or failed. */
  settled(): Promise<void>;
}

interface WritableLike {
  write(text: string, callback: (error?: Error | null) => void): boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
  readonly isTTY?: boolean;
}

export function guardStream(stream: WritableLike): GuardedSink {
  let failure: OutputFailure | undefined;
  /** Each write not yet called back, with the function that marks it done. */
  const pending = new Map<Promise<void>, () => void>();
  const fail = (error: unknown): void => {
    failure ??= failureOf(error);
    // A failed stream may never call back the writes queued behind the one that failed.
    for (const resolve of pending.values()) resolve();
    pending.clear();
  };
  // Without a listener the failure is an uncaught 'error' event: the crash this module exists to avoid.
  stream.on('error', fail);
  return {
    get failure() {
      return failure;
    },
    get isTTY() {
      return stream.isTTY;
    },
    write(text: string): boolean {
      if (failure) return false;
      let resolve = (): void => undefined;
      const done = new Promise<void>((r) => (resolve = r));
      const settle = (): void => {
        pending.delete(done);
        resolve();
      };
      pending.set(done, settle);
      try {
        stream.write(text, (error) => {
          if (error) fail(error);
          settle();
        });
      } catch (error) {
        fail(error);
      }
      return failure === undefined;
    },
    async settled(): Promise<void> {
      await Promise.all(pending.keys());
    },
  };
}

function failureOf(error: unknown): OutputFailure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
  if (code === 'EPIPE') return { kind: 'closed' };
  return { kind: 'failed', code, message: error instanceof Error ? error.message : String(error) };
}

/**
 * The exit code once the output has settled. A closed stdout keeps the command's own code: the
 * verdict (0 met, 1 failed, 2 broken) does not change because the reader stopped reading, and a
 * `run` has written its --report file before stdout. A stdout that could not take the bytes is exit
 * 2 with one line on stderr, because whoever reads that output gets less than was produced.
 */
export function exitCodeAfterOutput(code: number, stdout: GuardedSink, stderr: TextSink): number {
  const failure = stdout.failure;
  if (failure === undefined || failure.kind === 'closed') return code;
  stderr.write(`kubeknock: cannot write to standard output (${failure.code}: ${describeCode(failure.code)}); the output is incomplete\n`);
  return 2;
}

function describeCode(code: string): string {
  switch (code) {
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EIO':
      return 'input/output error';
    case 'EBADF':
      return 'standard output is not open for writing';
    default:
      return 'write failed';
  }
}
