/**
 * Helpers for reading untyped Kubernetes objects (parsed YAML, or objects from the API) field by field,
 * collecting every problem with its field path and line instead of stopping at the first.
 */
import type { InputIssue } from '../../model/errors.js';
import { excerptOf } from '../../model/excerpt.js';

export type FieldPath = readonly (string | number)[];

/** One object to decode, with a way to find the line of any of its fields. */
export interface RawObject {
  readonly value: unknown;
  readonly file: string;
  /** 1-based line and column of a field path (the nearest existing ancestor when it is missing). */
  locate(path: FieldPath): { readonly line: number; readonly column?: number };
}

export interface DecodeIssue {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  readonly path: string;
  readonly message: string;
  /** `NetworkPolicy production/allow-backend`: the object the issue is in, when known. */
  readonly object?: string;
  /** Set for issues inside a NetworkPolicy, which lint reports as findings rather than bad input. */
  readonly policy?: { readonly namespace: string; readonly name: string };
}

/** A decode issue as the user sees bad input: the object it is in named at the end of the message. */
export function toInputIssue(issue: DecodeIssue): InputIssue {
  return {
    file: issue.file,
    line: issue.line,
    ...(issue.column === undefined ? {} : { column: issue.column }),
    path: issue.path,
    message: issue.object ? `${issue.message} (${issue.object})` : issue.message,
  };
}

/** Item `index` of a `List` object, located inside it. */
export function itemOf(parent: RawObject, value: unknown, index: number): RawObject {
  return { value, file: parent.file, locate: (path) => parent.locate(['items', index, ...path]) };
}

export class Reader {
  readonly issues: DecodeIssue[] = [];
  object?: string;
  policy?: { readonly namespace: string; readonly name: string };

  constructor(readonly raw: RawObject) {}

  issue(path: FieldPath, message: string): void {
    const { line, column } = this.raw.locate(path);
    this.issues.push({
      file: this.raw.file,
      line,
      ...(column === undefined ? {} : { column }),
      path: formatPath(path),
      message,
      ...(this.object ? { object: this.object } : {}),
      ...(this.policy ? { policy: this.policy } : {}),
    });
  }

  /** A mapping, or undefined (with an issue when the value is present but not a mapping). */
  record(value: unknown, path: FieldPath, what = 'a mapping'): Readonly<Record<string, unknown>> | undefined {
    if (value === undefined || value === null) return undefined;
    if (isRecord(value)) return value;
    this.issue(path, `must be ${what}, found ${describeValue(value)}`);
    return undefined;
  }

  /** A list (missing or null → empty). An object where a list belongs is the `to: {}` mistake: the API server rejects it. */
  list(value: unknown, path: FieldPath): readonly unknown[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    this.issue(path, `must be a list, found ${describeValue(value)} (the API server rejects this shape)`);
    return [];
  }

  string(value: unknown, path: FieldPath): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    this.issue(path, `must be a string, found ${describeValue(value)}`);
    return undefined;
  }

  integer(value: unknown, path: FieldPath, min: number, max: number): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.issue(path, `must be an integer from ${min} to ${max}, found ${describeValue(value)}`);
    return undefined;
  }

  boolean(value: unknown, path: FieldPath): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    this.issue(path, `must be true or false, found ${describeValue(value)}`);
    return undefined;
  }

  /** Flags fields the API does not know: `kubectl apply` (strict field validation) rejects them, and a typo silently changes meaning. */
  knownFields(value: Readonly<Record<string, unknown>>, path: FieldPath, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.issue([...path, key], `unknown field "${key}" (known: ${known.join(', ')})`);
    }
  }
}

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function formatPath(path: FieldPath): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return Object.keys(value).length === 0 ? 'an empty mapping {}' : 'a mapping';
  return `${typeof value} ${excerptOf(value)}`;
}
