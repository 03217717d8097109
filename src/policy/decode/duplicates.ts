/**
 * The same object given twice, as in a project that keeps a copy of its Namespace in each manifest
 * folder (`-f manifests -f manifests-policy`): `kubectl apply` applies both, and when the copies agree
 * on everything but annotations and bookkeeping metadata, the result is that one object. Such copies are
 * read once. Copies that disagree anywhere kubeknock reads (spec, labels, owner) are a real conflict:
 * the outcome would depend on the order of the files, so both places are named.
 */
import type { InputIssue } from '../../model/errors.js';
import { readKindOf } from './kinds.js';
import type { RawObject } from './reader.js';

export interface MergedObjects {
  readonly objects: readonly RawObject[];
  readonly issues: readonly InputIssue[];
  /** One line per object read once though given several times. */
  readonly merged: readonly string[];
}

/**
 * Metadata that decides verdicts and must agree: labels (selectors read them; kubectl apply would
 * leave the later copy's, so the file order would decide) and the owner (discover reads it). The rest,
 * annotations included, is bookkeeping no policy reads.
 */
const COMPARED_METADATA = ['name', 'namespace', 'labels', 'ownerReferences'] as const;

export function mergeDuplicates(objects: readonly RawObject[]): MergedObjects {
  const kept: RawObject[] = [];
  const issues: InputIssue[] = [];
  const first = new Map<string, { raw: RawObject; comparable: unknown; at: string[]; conflicting: boolean }>();
  for (const raw of objects) {
    const key = keyOf(raw.value);
    if (key === undefined) {
      kept.push(raw);
      continue;
    }
    const at = where(raw);
    const comparable = comparableOf(raw.value as Record<string, unknown>);
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, { raw, comparable, at: [at], conflicting: false });
      kept.push(raw);
      continue;
    }
    const difference = firstDifference(earlier.comparable, comparable, '');
    if (difference === undefined) {
      earlier.at.push(at);
      continue;
    }
    earlier.conflicting = true;
    issues.push({
      file: raw.file,
      line: raw.locate([]).line,
      path: difference,
      message: `${key} is defined twice, differently (at ${difference || 'the top level'}): first at ${earlier.at[0] ?? '?'}, again here; kubectl apply would keep whichever comes last. Keep one copy, or make the copies the same`,
    });
  }
  const merged = [...first.entries()]
    .filter(([, entry]) => entry.at.length > 1 && !entry.conflicting)
    .map(([key, entry]) => `${key} is given ${entry.at.length} times (${entry.at.join(', ')}), the same apart from annotations: read once, as kubectl apply leaves it`);
  return { objects: kept, issues, merged };
}

function keyOf(value: unknown): string | undefined {
  const kind = readKindOf(value);
  if (kind === undefined) return undefined;
  const metadata = (value as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
  if (typeof metadata?.name !== 'string' || metadata.name === '') return undefined;
  if (kind === 'Namespace') return `Namespace ${metadata.name}`;
  return typeof metadata.namespace === 'string' ? `${kind} ${metadata.namespace}/${metadata.name}` : undefined;
}

function comparableOf(value: Record<string, unknown>): unknown {
  const metadata = (value.metadata ?? {}) as Record<string, unknown>;
  const kept = Object.fromEntries(COMPARED_METADATA.filter((field) => metadata[field] !== undefined).map((field) => [field, metadata[field]]));
  return { ...value, metadata: kept };
}

/** The path of the first field where two parsed YAML values differ, or undefined when they are equal. */
export function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (a === b) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return path;
    for (let index = 0; index < a.length; index += 1) {
      const found = firstDifference(a[index], b[index], `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      const found = firstDifference(a[key], b[key], path === '' ? key : `${path}.${key}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function where(raw: RawObject): string {
  const { line } = raw.locate([]);
  return `${raw.file}${line > 0 ? `:${line}` : ''}`;
}
