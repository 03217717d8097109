/**
 * The status frame (channel 3) that ends an exec session. The API server sends
 * `{"status":"Success"}` for exit 0 and, for any other exit code,
 * `{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"N"}]}}`.
 * Every other Failure (InternalError when the container is gone, …) means the exec itself failed.
 */

export type ExecStatusOutcome =
  | { readonly type: 'exited'; readonly exitCode: number }
  | { readonly type: 'failed'; readonly reason: string };

export function interpretExecStatus(status: unknown): ExecStatusOutcome {
  const record = asRecord(status);
  if (!record) return { type: 'failed', reason: `unreadable exec status: ${JSON.stringify(status)}` };
  if (record['status'] === 'Success') return { type: 'exited', exitCode: 0 };
  const reason = typeof record['reason'] === 'string' ? record['reason'] : undefined;
  const message = typeof record['message'] === 'string' ? record['message'] : undefined;
  if (record['status'] === 'Failure' && reason === 'NonZeroExitCode') {
    const exitCode = exitCodeCause(record['details']);
    if (exitCode !== undefined) return { type: 'exited', exitCode };
    return { type: 'failed', reason: `exec reported a non-zero exit without the code: ${message ?? JSON.stringify(status)}` };
  }
  return { type: 'failed', reason: `exec failed: ${[reason, message].filter(Boolean).join(': ') || JSON.stringify(status)}` };
}

function exitCodeCause(details: unknown): number | undefined {
  const causes = asRecord(details)?.['causes'];
  if (!Array.isArray(causes)) return undefined;
  for (const cause of causes) {
    const record = asRecord(cause);
    if (record?.['reason'] === 'ExitCode' && typeof record['message'] === 'string') {
      const code = Number.parseInt(record['message'], 10);
      if (Number.isInteger(code) && code >= 0) return code;
    }
  }
  return undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
