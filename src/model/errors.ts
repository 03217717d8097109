/**
 * Errors that reach the user. Expected failures of a probe are values (outcomes), not errors; these are
 * for bad input and broken infrastructure, and each carries the exit code the CLI returns.
 */

/** One problem in user input, located precisely enough to fix it. */
export interface InputIssue {
  readonly file: string;
  /** 1-based line, or 0 when unknown. */
  readonly line: number;
  readonly column?: number;
  /** Field path, e.g. `spec.checks[2].to`. */
  readonly path: string;
  readonly message: string;
}

export abstract class KubeknockError extends Error {
  abstract readonly exitCode: number;
}

/** Bad flags, bad files: exit 2, nothing touched in the cluster. */
export class InputError extends KubeknockError {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly issues: readonly InputIssue[] = [],
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** The cluster or the machine let us down: unreachable API, pods that cannot start, failed cleanup. */
export class InfraError extends KubeknockError {
  readonly exitCode = 2;
  /**
   * The message already says everything useful about the cause (an API answer turned into one line),
   * so `describeError` must not append the cause's own text: client-node's is an HTTP dump.
   */
  readonly causeSummarized: boolean;
  constructor(message: string, options?: { cause?: unknown; causeSummarized?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InfraError';
    this.causeSummarized = options?.causeSummarized ?? false;
  }
}

export function formatIssue(issue: InputIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}${issue.column ? `:${issue.column}` : ''}` : issue.file;
  return `${where}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

/** Message of any thrown value, with the chain of causes ("creating pod x: forbidden: ..."). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const summarized = error instanceof InfraError && error.causeSummarized;
    const cause = error.cause === undefined || summarized ? '' : `: ${describeError(error.cause)}`;
    return error.message.includes(cause.slice(2)) && cause ? error.message : `${error.message}${cause}`;
  }
  return String(error);
}
