/**
 * The one way kubeknock writes a file (a --report, discover -o, a journal file): the content goes to a
 * temporary file in the same directory, which then replaces the target in one rename. A reader, a
 * crash, a full disk or a SIGTERM halfway through the write finds either the old file or the new
 * one, never a truncated mix: writing in place truncates first, and an interrupted `discover -o
 * scenario.yaml` left the user's scenario at 0 bytes.
 */
import { unlinkSync } from 'node:fs';
import { lstat, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../model/errors.js';

/** Temporary files being written now: removed if the process exits (a signal) before their rename. */
const pending = new Set<string>();
let exitHookInstalled = false;

function track(temporary: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const file of pending) {
        try {
          unlinkSync(file);
        } catch {
          // Already gone: nothing to tidy.
        }
      }
    });
  }
  pending.add(temporary);
}

export interface OutputFileOptions {
  /** Permissions of a new file (an existing one keeps its own); default 0o666 less the umask. */
  readonly mode?: number;
}

export async function writeOutputFile(file: string, content: string | Uint8Array, options: OutputFileOptions = {}): Promise<void> {
  // A symbolic link is written through, as an in-place write would: the link stays a link.
  const target = (await lstat(file).catch(() => undefined))?.isSymbolicLink() ? await realpath(file) : file;
  const existing = await stat(target).catch(() => undefined);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  track(temporary);
  try {
    const handle = await open(temporary, 'wx', existing ? existing.mode & 0o7777 : (options.mode ?? 0o666));
    try {
      await handle.writeFile(content);
      // On disk before the rename, so a crash cannot leave a renamed but empty file.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  } finally {
    pending.delete(temporary);
  }
}

/**
 * Refuses an output file that is one of the command's input files (`discover -f x.yaml -o x.yaml`),
 * also through another path or a link, or a manifest file an input directory would read.
 */
export async function refuseOverwritingInputs(flag: string, output: string, inputs: readonly string[], cwd: string): Promise<void> {
  const outputReal = await realpath(path.resolve(cwd, output)).catch(() => undefined);
  if (outputReal === undefined) return;
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    const inputReal = await realpath(absolute).catch(() => undefined);
    const inputInfo = inputReal === undefined ? undefined : await stat(inputReal).catch(() => undefined);
    const read = inputReal === outputReal || (inputInfo?.isDirectory() === true && path.dirname(outputReal) === inputReal && /\.(ya?ml|json)$/i.test(outputReal));
    if (read) throw new InputError(`${flag} ${output} is also an input (${input}): writing it would overwrite what is being read; write the output to another file`);
  }
}
