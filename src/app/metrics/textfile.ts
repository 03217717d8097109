/**
 * `--metrics-file`: the exposition written the way node_exporter's textfile collector needs it, to a
 * temporary file in the same directory, then renamed over the old one, so a scrape never reads half a
 * file. The temporary name does not end in `.prom`, so the collector never reads it either.
 */
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InfraError, InputError } from '../../model/errors.js';

/** Up front, like --report: the directory must exist; kubeknock does not create directories. */
export async function checkMetricsTarget(file: string): Promise<void> {
  const dir = dirname(file);
  const dirInfo = await stat(dir).catch(() => undefined);
  if (!dirInfo) throw new InputError(`--metrics-file ${file}: the directory ${dir} does not exist; create it first (kubeknock does not create directories)`);
  if (!dirInfo.isDirectory()) throw new InputError(`--metrics-file ${file}: ${dir} is not a directory`);
  const info = await stat(file).catch(() => undefined);
  if (info && !info.isFile()) throw new InputError(`--metrics-file ${file}: exists and is not a regular file; name a file`);
}

export async function writeMetricsFile(file: string, content: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, content, { mode: 0o644 });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new InfraError(`cannot write the metrics to ${file} (${code}): ${(error as Error).message.replace(/^[A-Z]+: /, '')}`, { cause: error, causeSummarized: true });
  }
}

/**
 * The last success the file being replaced recorded, if any: a failed run rewrites the file and must
 * not lose it. Only a sample line without labels counts; anything unreadable counts as none.
 */
export async function previousLastSuccess(file: string, metric: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [name, value, ...rest] = line.trim().split(/\s+/);
    if (name !== metric || value === undefined || rest.length > 0) continue;
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds > 0) return seconds;
  }
  return undefined;
}
