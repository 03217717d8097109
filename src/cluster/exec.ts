/**
 * One command in one container through the exec subresource (WebSocket, v5/v4.channel.k8s.io).
 * client-node's `Exec.exec()` resolves when the socket OPENS; the command's end is the status frame
 * on channel 3, or a socket that closes without one. So this adapter owns the lifetime: its own
 * timeout and abort, a bounded capture of stdout/stderr, and one result shape for every ending.
 */
import { Readable } from 'node:stream';
import { Exec, KubeConfig } from '@kubernetes/client-node';
// Not re-exported by the package index, but the only way to give the handler our own streams (see
// below); the package has no exports map and the version is pinned.
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import type { ExecResult, PodRef } from '../probe/cluster-port.js';
import { CappedSink } from './capped-sink.js';
import { interpretExecStatus, type ExecStatusOutcome } from './exec-status.js';

export interface ExecOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Per stream; output beyond it is dropped (and says so). */
  readonly maxOutputBytes?: number;
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;


/** An exec's result; `notConnected` when no HTTP answer came back at all (the API server was unreachable). */
export type ExecAttempt = ExecResult & { readonly notConnected?: boolean };

export function execInPod(kc: KubeConfig, pod: PodRef, container: string, command: readonly string[], options: ExecOptions): Promise<ExecAttempt> {
  const stdout = new CappedSink(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
  const stderr = new CappedSink(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
  // Our own streams, not process.stdin/out/err (client-node's defaults): a v5 close frame from the
  // server makes the handler end "its" streams, which must never be the CLI's own stdout.
  const handler = new WebSocketHandler(new HandshakeBoundConfig(kc, options.timeoutMs), undefined, {
    stdin: Readable.from([]),
    stdout,
    stderr,
  });
  const exec = new Exec(kc, handler);

  return new Promise<ExecAttempt>((resolve) => {
    let settled = false;
    let socket: { terminate(): void; readyState: number } | undefined;
    const finish = (ending: ExecStatusOutcome, notConnected = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Closing the socket does not kill the remote process; the probe commands carry their own
      // timeouts (nc -w, wget -T), so an abandoned one ends by itself.
      if (socket && socket.readyState !== CLOSED) socket.terminate();
      const output = { stdout: stdout.text(), stderr: stderr.text() };
      resolve(
        ending.type === 'exited'
          ? { type: 'exited', exitCode: ending.exitCode, ...output }
          : { type: 'failed', reason: ending.reason, ...output, ...(notConnected ? { notConnected } : {}) },
      );
    };
    const onAbort = (): void => finish({ type: 'failed', reason: `exec aborted${abortReason(options.signal)}` });
    const timer = setTimeout(() => finish({ type: 'failed', reason: `exec timed out after ${formatMs(options.timeoutMs)}` }), options.timeoutMs);
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    exec
      .exec(pod.namespace, pod.name, container, [...command], stdout, stderr, null, false, (status) => finish(interpretExecStatus(status)))
      .then((ws) => {
        socket = ws;
        if (settled) {
          ws.terminate();
          return;
        }
        const closedEarly = (): void => finish({ type: 'failed', reason: 'exec connection closed without an exit status' });
        // Frames that arrived with the handshake are processed before this callback runs, so the
        // socket may already be closed; its close event would then never reach us.
        if (ws.readyState === CLOSED) closedEarly();
        else ws.on('close', closedEarly);
      })
      .catch((error: unknown) => finish({ type: 'failed', reason: describeHandshakeError(error, pod) }, handshakeStatus(error) === undefined));
  });
}

const CLOSED = 3;

/**
 * The caller's KubeConfig with a handshake timeout added to the WebSocket options, so a server that
 * accepts the TCP connection but never answers does not leave a socket behind after our timeout.
 * Delegating (rather than copying the config) keeps the caller's authenticators and their token cache.
 */
class HandshakeBoundConfig extends KubeConfig {
  constructor(
    private readonly inner: KubeConfig,
    private readonly handshakeTimeoutMs: number,
  ) {
    super();
  }

  override getCurrentCluster(): ReturnType<KubeConfig['getCurrentCluster']> {
    return this.inner.getCurrentCluster();
  }

  override async applyToHTTPSOptions(opts: Parameters<KubeConfig['applyToHTTPSOptions']>[0]): Promise<void> {
    await this.inner.applyToHTTPSOptions(opts);
    Object.assign(opts, { handshakeTimeout: this.handshakeTimeoutMs });
  }
}

/**
 * The ws library refuses a non-101 answer with "Unexpected server response: 403" and does not expose
 * the body, so the code is all we have; the usual causes are well known.
 */
export function describeHandshakeError(error: unknown, pod: PodRef): string {
  // The caller knows which pod it asked for and says so; this says only what went wrong.
  const message = errorMessage(error);
  switch (handshakeStatus(error)) {
    case '403':
      return `exec forbidden (HTTP 403): the current user may not use pods/exec in namespace ${pod.namespace}; RBAC needs "create" and "get" on pods/exec`;
    case '404':
      return 'exec refused (HTTP 404): the pod was not found; it was deleted or never existed';
    case '401':
      return 'exec refused (HTTP 401): the API server rejected our credentials';
    case '400':
      return 'exec refused (HTTP 400): wrong container name, or the container is not running';
    default:
      return `exec could not connect: ${message}`;
  }
}

/** The HTTP status the server answered the upgrade with; undefined when no answer came back. */
function handshakeStatus(error: unknown): string | undefined {
  return /Unexpected server response: (\d{3})/.exec(errorMessage(error))?.[1];
}

/** client-node rejects with the ws ErrorEvent ({ message, error }) rather than an Error. */
function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) {
    const record = error as { message?: unknown; error?: unknown };
    if (typeof record.message === 'string' && record.message) return record.message;
    if (record.error instanceof Error) return record.error.message;
  }
  return String(error);
}

function abortReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? `: ${reason.message}` : '';
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms} ms`;
}
