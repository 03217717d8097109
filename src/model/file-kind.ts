/**
 * Only regular files are read as input. Opening a FIFO blocks until someone writes to it (and a
 * thread blocked in open() keeps even `process.exit()` waiting, so no signal ends the CLI), and a
 * device can stream forever (`/dev/zero`), so both are refused before a byte is read.
 */

/** What a stat call says about a path (fs.Stats and fs.Dirent both fit). */
export interface FileKindInfo {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}

/** Why the path is no regular file (`what` names what was expected, e.g. "a scenario file"), or undefined. */
export function notRegularProblem(info: FileKindInfo, what: string): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isDirectory()) return `is a directory, not ${what}`;
  const kind = info.isFIFO() ? 'a FIFO (named pipe)' : info.isSocket() ? 'a socket' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : 'not a regular file';
  return `is ${kind}, not a regular file; kubeknock reads only regular files: save the content to a file and pass its path`;
}
