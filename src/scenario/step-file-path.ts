/**
 * What a scenario's step may name as a manifest: a relative path inside the scenario file's directory
 * tree, after resolving symbolic links. A scenario is reviewed and shared as a folder, and a step
 * that named `../../../../etc/passwd` or `/var/run/secrets/…/token` would read a file nobody meant to
 * give it (and, before messages were cut short, print it into a CI log).
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';

const FIX = 'put the manifest in the scenario file\'s directory (or below it) and name it by its relative path, e.g. "policies/deny.yaml"';

/** Why a step may not read `reference` (as the scenario writes it), or undefined when it may. */
export async function stepFileProblem(reference: string, scenarioFile: string): Promise<string | undefined> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(reference)) return 'is a URL; kubeknock reads no URLs: download the manifest into the scenario file\'s directory (or below it) and name it by its relative path, e.g. "policies/deny.yaml"';
  if (path.isAbsolute(reference)) return `is an absolute path; a step reads only files inside the scenario's directory tree: ${FIX}`;
  const directory = path.dirname(path.resolve(scenarioFile));
  const target = path.resolve(directory, reference);
  if (outside(directory, target)) return `leads out of the scenario's directory (${directory}); a step reads only files inside it: ${FIX}`;
  const realDirectory = await realpath(directory).catch(() => directory);
  // A missing file is the reader's to report; a link is followed to where it really leads.
  const realTarget = await realpath(target).catch(() => undefined);
  if (realTarget !== undefined && outside(realDirectory, realTarget)) {
    return `is, or passes through, a symbolic link that leads out of the scenario's directory (${realDirectory}); a step reads only files inside it: ${FIX}`;
  }
  return undefined;
}

function outside(directory: string, target: string): boolean {
  const relative = path.relative(directory, target);
  return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
}
