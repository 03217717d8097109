/**
 * Only regular files are read as input. Opening a FIFO blocks until someone writes to it (a Ctrl-C
 * cannot interrupt that read), and a device can stream forever, so both are refused up front.
 */
import { stat } from 'node:fs/promises';

/** Why the path is no regular file, or undefined when it is one (or missing: the read says so). */
export async function notRegularFile(file: string): Promise<string | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (!info || info.isFile()) return undefined;
  if (info.isDirectory()) return 'is a directory, not a scenario file';
  const kind = info.isFIFO() ? 'a FIFO (named pipe)' : info.isSocket() ? 'a socket' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : 'not a regular file';
  return `is ${kind}, not a regular file; kubeknock reads only regular files: save the content to a file and pass its path`;
}
