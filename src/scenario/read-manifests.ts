/**
 * Reads Kubernetes YAML from files and directories (multi-document files; a directory's own
 * `.yaml`/`.yml`/`.json` files in name order, symlinked ones followed, not its subdirectories, as
 * `kubectl apply -f dir` does)
 * into raw objects that know the line of each of their fields.
 * Unreadable files and YAML syntax errors are collected, all of them, as input issues.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import type { FieldPath, RawObject } from '../policy/decode/index.js';
import { duplicateKeyOffsets } from './yaml-index.js';
import { MAX_MANIFEST_BYTES, toJsWithinLimits } from './yaml-limits.js';
import type { InputIssue } from '../model/errors.js';
import { notRegularFile, readInputFile } from './file-kind.js';
import { decodeUtf8 } from './text-encoding.js';
import { appendAll } from '../model/arrays.js';

export interface ReadManifestsResult {
  readonly objects: readonly RawObject[];
  readonly issues: readonly InputIssue[];
}

/** What one given path turned out to hold, to say where kubeknock looked when it found nothing. */
export interface SearchedPath {
  readonly shown: string;
  readonly directory: boolean;
  /** Manifest files read from it (1 for a file). */
  readonly files: number;
}

const EXTENSIONS = ['.yaml', '.yml', '.json'];

export interface ReadManifestsOptions {
  /**
   * A real directory that symlinked entries of a directory must lead into (a scenario's step reads
   * only inside the scenario's tree: a link in its manifest folder must not reach out of it).
   */
  readonly confineTo?: string;
}

export async function readManifests(paths: readonly string[], cwd: string, options: ReadManifestsOptions = {}): Promise<ReadManifestsResult & { readonly searched: readonly SearchedPath[] }> {
  const objects: RawObject[] = [];
  const issues: InputIssue[] = [];
  const searched: SearchedPath[] = [];
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    const files = await expand(absolute, given, issues, options.confineTo);
    searched.push({ shown: given, directory: (await stat(absolute).catch(() => undefined))?.isDirectory() === true, files: files.length });
    for (const { absolute, shown } of files) {
      const read = await readInputFile(absolute, { what: 'a manifest file', maxBytes: MAX_MANIFEST_BYTES });
      if (!read.ok) {
        issues.push({ file: shown, line: 0, path: '', message: read.problem });
        continue;
      }
      const decoded = decodeUtf8(read.bytes);
      if (!decoded.ok) {
        issues.push({ file: shown, line: 0, path: '', message: decoded.problem });
        continue;
      }
      const parsed = parseManifestText(decoded.text, shown);
      appendAll(objects, parsed.objects);
      appendAll(issues, parsed.issues);
    }
  }
  return { objects, issues, searched };
}

/** One file's text → its documents. Pure; exported for tests. */
export function parseManifestText(text: string, file: string): ReadManifestsResult {
  const lineCounter = new LineCounter();
  // Unique keys are checked per document below, in linear time (the yaml package's check is quadratic).
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const objects: RawObject[] = [];
  const issues: InputIssue[] = [];
  for (const document of Array.isArray(documents) ? documents : []) {
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        issues.push({ file, line, column: col, path: '', message: `YAML syntax: ${error.message.split('\n')[0] ?? error.message}` });
      }
      continue;
    }
    const duplicates = duplicateKeyOffsets(document);
    for (const { offset, key } of duplicates) {
      const { line, col } = lineCounter.linePos(offset);
      issues.push({ file, line, column: col, path: '', message: `YAML syntax: Map keys must be unique; ${JSON.stringify(key)} is repeated` });
    }
    if (duplicates.length > 0) continue;
    const contents = document.contents;
    const converted = toJsWithinLimits(document);
    if (!converted.ok) {
      const { line, col } = lineCounter.linePos(contents?.range?.[0] ?? 0);
      issues.push({ file, line, column: col, path: '', message: `YAML: ${converted.message}` });
      continue;
    }
    objects.push({
      value: converted.value,
      file,
      locate: (fieldPath) => {
        const offset = offsetOf(contents, fieldPath);
        if (offset === undefined) return { line: 0 };
        const { line, col } = lineCounter.linePos(offset);
        return { line, column: col };
      },
    });
  }
  return { objects, issues };
}

/** Start offset of the deepest node along the path: the key of the last mapping entry found, or the list item. */
function offsetOf(root: Node | null, fieldPath: FieldPath): number | undefined {
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (const part of fieldPath) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === part);
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item: unknown = node.items[part];
      if (!isMap(item) && !isSeq(item) && !isScalar(item)) break;
      if (item.range) offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

async function expand(absolute: string, shown: string, issues: InputIssue[], confineTo: string | undefined): Promise<{ absolute: string; shown: string }[]> {
  let info;
  try {
    info = await stat(absolute);
  } catch {
    issues.push({ file: shown, line: 0, path: '', message: 'no such file or directory' });
    return [];
  }
  if (!info.isDirectory()) {
    const problem = await notRegularFile(absolute, 'a manifest file');
    if (problem) issues.push({ file: shown, line: 0, path: '', message: problem });
    return problem ? [] : [{ absolute, shown }];
  }
  const entries = (await readdir(absolute, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const files: { absolute: string; shown: string }[] = [];
  for (const entry of entries) {
    const childAbsolute = path.join(absolute, entry.name);
    const childShown = path.join(shown, entry.name);
    // Extensions in any case: kubectl reads `policy.YAML` too.
    if (!EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) continue;
    if (entry.isFile()) files.push({ absolute: childAbsolute, shown: childShown });
    else if (entry.isSymbolicLink()) {
      // kubectl follows a symlinked manifest (a mounted ConfigMap is all symlinks: `policy.yaml ->
      // ..data/policy.yaml`, `..data -> ..2024_…`). A link to a directory is a subdirectory, not read;
      // the hidden timestamped directory holding the real files is one too, so nothing is read twice.
      const target = await symlinkTarget(childAbsolute);
      if (target.kind === 'file' && confineTo !== undefined && !(await leadsInto(childAbsolute, confineTo))) {
        issues.push({ file: childShown, line: 0, path: '', message: `a symlink that leads out of ${confineTo}; a step reads only files inside the scenario's directory tree: put the manifest there` });
      } else if (target.kind === 'file') files.push({ absolute: childAbsolute, shown: childShown });
      else if (target.kind === 'problem') issues.push({ file: childShown, line: 0, path: '', message: target.problem });
    }
  }
  return files;
}

async function leadsInto(link: string, directory: string): Promise<boolean> {
  const target = await realpath(link);
  const relative = path.relative(directory, target);
  return !(relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative));
}

type SymlinkTarget = { readonly kind: 'file' } | { readonly kind: 'directory' } | { readonly kind: 'problem'; readonly problem: string };

/** What a symlink in a manifest directory leads to; a broken link or a loop is a problem to report, not a silent skip. */
async function symlinkTarget(link: string): Promise<SymlinkTarget> {
  try {
    const info = await stat(link);
    if (info.isDirectory()) return { kind: 'directory' };
    const problem = await notRegularFile(link);
    return problem ? { kind: 'problem', problem: `a symlink whose target ${problem}` } : { kind: 'file' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { kind: 'problem', problem: 'a symlink loop (it leads back to itself); fix or remove the link' };
    if (code === 'ENOENT') return { kind: 'problem', problem: 'a broken symlink (its target does not exist); fix or remove the link' };
    return { kind: 'problem', problem: `cannot follow the symlink: ${(error as Error).message}` };
  }
}
