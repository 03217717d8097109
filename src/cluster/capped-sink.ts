import { Writable } from 'node:stream';

/**
 * A Writable that keeps the first `maxBytes` of what it is given and drops the rest, so a probe that
 * prints forever (a wrong command, a chatty server) cannot exhaust memory. Text is decoded once at
 * the end so multi-byte characters split across frames stay intact.
 */
export class CappedSink extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly maxBytes: number) {
    super();
    // client-node ends the stream at the status frame; a stray frame after it would be a
    // "write after end" error event, which must not crash the CLI over output we no longer need.
    this.on('error', () => undefined);
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const room = this.maxBytes - this.size;
    if (room > 0) {
      const kept = buffer.subarray(0, room);
      this.chunks.push(kept);
      this.size += kept.length;
    }
    this.dropped += Math.max(0, buffer.length - Math.max(room, 0));
    callback();
  }

  text(): string {
    const body = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `${body}\n[kubeknock: ${this.dropped} more bytes dropped]` : body;
  }
}
