/**
 * The `--report FILE` of a run. Its directory must exist: kubeknock does not create directories, so
 * a typo in the path (`--report reprots/x.xml`) is an error before any pod exists, not a new tree the
 * CI never uploads. Checked up front; written before anything goes to stdout, so a reader that closes
 * stdout early (`| head`) cannot cost the file.
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InfraError, InputError } from '../model/errors.js';
import { writeOutputFile } from './output-file.js';

export async function checkReportTarget(file: string): Promise<void> {
  const dir = dirname(file);
  const dirInfo = await stat(dir).catch(() => undefined);
  if (!dirInfo) throw new InputError(`--report ${file}: the directory ${dir} does not exist; create it first (kubeknock does not create directories)`);
  if (!dirInfo.isDirectory()) throw new InputError(`--report ${file}: ${dir} is not a directory`);
  const info = await stat(file).catch(() => undefined);
  if (info && !info.isFile()) throw new InputError(`--report ${file}: exists and is not a regular file (a directory, FIFO or device); name a file`);
}

export async function writeReportFile(file: string, content: string): Promise<void> {
  try {
    await writeOutputFile(file, content.endsWith('\n') ? content : `${content}\n`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new InfraError(`cannot write the report to ${file} (${code}): ${(error as Error).message.replace(/^[A-Z]+: /, '')}`, { cause: error, causeSummarized: true });
  }
}
