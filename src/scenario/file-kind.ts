/**
 * The one way kubeknock reads an input file (scenarios, manifests, step files, journals): only a
 * regular file, and never more than the limit for its kind. The file is opened without blocking
 * and checked on the open descriptor, so a FIFO swapped in after a check cannot hang the read, and
 * the read stops one byte past the limit, so a file that grows (or a /proc file that says it is
 * empty) cannot fill memory either.
 */
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { notRegularProblem } from '../model/file-kind.js';
import { sizeLimitProblem } from './yaml-limits.js';

export type InputFile = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly problem: string };

export interface InputKind {
  /** "a scenario file", "a manifest file", "a journal": for messages. */
  readonly what: string;
  readonly maxBytes: number;
}

/** Why the path is no regular file, or undefined when it is one (or missing: the read says so). */
export async function notRegularFile(file: string, what = 'a scenario file'): Promise<string | undefined> {
  const info = await stat(file).catch(() => undefined);
  return info ? notRegularProblem(info, what) : undefined;
}

export async function readInputFile(file: string, kind: InputKind): Promise<InputFile> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, problem: openProblem(error, kind.what) };
  }
  try {
    const info = await handle.stat();
    const problem = notRegularProblem(info, kind.what) ?? sizeLimitProblem(info.size, kind.maxBytes, kind.what);
    if (problem) return { ok: false, problem };
    const buffer = Buffer.alloc(Math.min(info.size, kind.maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        // Past the size the file had when it was opened: read on only up to the limit.
        if (length > kind.maxBytes) break;
        return await readPast(handle, buffer, length, kind);
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > kind.maxBytes) return { ok: false, problem: sizeLimitProblem(length, kind.maxBytes, kind.what) ?? '' };
    return { ok: true, bytes: buffer.subarray(0, length) };
  } catch (error) {
    return { ok: false, problem: openProblem(error, kind.what) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** A file that grew while it was read (or claimed size 0): read on in chunks, up to one byte past the limit. */
async function readPast(handle: Awaited<ReturnType<typeof open>>, start: Buffer, length: number, kind: InputKind): Promise<InputFile> {
  const chunks = [start.subarray(0, length)];
  let total = length;
  while (total <= kind.maxBytes) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, kind.maxBytes + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
    if (bytesRead === 0) return { ok: true, bytes: Buffer.concat(chunks, total) };
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  return { ok: false, problem: `it grew past ${kind.maxBytes} bytes while being read, over the limit for ${kind.what}; split it into smaller files` };
}

function openProblem(error: unknown, what: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return `is a directory, not ${what}`;
  if (code === 'EACCES') return 'permission denied: kubeknock cannot read it';
  return `cannot read: ${(error as Error).message}`;
}
