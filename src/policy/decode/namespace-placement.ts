/**
 * Where namespaced objects from manifest files land, as `kubectl apply -f` decides it: an object that
 * names no namespace goes to the one given with -n, or to "default" without -n (kubectl takes the
 * kubeconfig context's; kubeknock reads files without a cluster, so it says so instead of guessing);
 * an object that names another namespace than -n is refused, as kubectl refuses it. Lists are unpacked
 * so their items are placed one by one.
 */
import type { InputIssue } from '../../model/errors.js';
import { readKindOf } from './kinds.js';
import { itemOf, type RawObject } from './reader.js';

export interface Placement {
  /** The -n values given (several for commands that also select namespaces with -n); empty: none. */
  readonly namespaces: readonly string[];
  /** How the flag is written in messages. */
  readonly flag: string;
}

export interface PlacedObjects {
  readonly objects: readonly RawObject[];
  readonly issues: readonly InputIssue[];
  /** Objects that named no namespace and were put in "default" (no -n given). */
  readonly defaulted: readonly DefaultedObject[];
}

export const DEFAULT_NAMESPACE = 'default';

export interface DefaultedObject {
  readonly kind: string;
  /** `Deployment frontend`. */
  readonly what: string;
  readonly file: string;
  readonly line: number;
}

export function placeNamespaces(objects: readonly RawObject[], placement: Placement): PlacedObjects {
  const placed: RawObject[] = [];
  const issues: InputIssue[] = [];
  const defaulted: DefaultedObject[] = [];
  const [only] = placement.namespaces;
  const given = placement.namespaces.length > 0 ? `${placement.flag} ${placement.namespaces.join(` ${placement.flag} `)}` : '';

  const visit = (raw: RawObject): void => {
    const value = raw.value as { kind?: unknown; items?: unknown; metadata?: unknown } | null | undefined;
    if (value !== null && typeof value === 'object' && value.kind === 'List' && Array.isArray(value.items)) {
      value.items.forEach((item, index) => visit(itemOf(raw, item, index)));
      return;
    }
    const kind = readKindOf(value);
    const metadata = value?.metadata;
    if (kind === undefined || kind === 'Namespace' || metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      placed.push(raw); // not ours to place: the decoder reports a broken object, and skips other kinds
      return;
    }
    const { namespace, name } = metadata as { namespace?: unknown; name?: unknown };
    const line = raw.locate([]).line;
    const what = `${kind} ${typeof name === 'string' ? name : '(no name)'}`;
    if (typeof namespace === 'string' && namespace !== '') {
      if (placement.namespaces.length > 0 && !placement.namespaces.includes(namespace)) {
        const { line: nsLine, column } = raw.locate(['metadata', 'namespace']);
        issues.push({
          file: raw.file,
          line: nsLine,
          ...(column === undefined ? {} : { column }),
          path: 'metadata.namespace',
          message: `${what} names namespace "${namespace}", which does not match ${given}; kubectl apply refuses that too: pass ${placement.flag} ${namespace}, or leave ${placement.flag} out`,
        });
        return;
      }
      placed.push(raw);
      return;
    }
    if (placement.namespaces.length > 1) {
      issues.push({
        file: raw.file,
        line,
        path: 'metadata.namespace',
        message: `${what} names no namespace, and ${given} give several: write its namespace into the manifest, or give one ${placement.flag}`,
      });
      return;
    }
    if (only === undefined) defaulted.push({ kind, what, file: raw.file, line });
    placed.push(withNamespace(raw, only ?? DEFAULT_NAMESPACE));
  };

  for (const raw of objects) visit(raw);
  return { objects: placed, issues, defaulted };
}

/** The same object with `metadata.namespace` set; its fields keep their lines. */
function withNamespace(raw: RawObject, namespace: string): RawObject {
  const value = raw.value as { metadata: Record<string, unknown> };
  return { ...raw, value: { ...value, metadata: { ...value.metadata, namespace } }, locate: raw.locate };
}
