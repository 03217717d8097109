/**
 * A listed API object as the manifest decoder reads it. List items carry no kind; plain JSON drops
 * client-node's class instances and undefined fields. client-node escapes field names that are
 * reserved words with a leading underscore (a NetworkPolicy ingress rule's `from` is `_from`); no
 * Kubernetes field starts with one, so the escape is undone.
 */
import type { RawObject } from '../policy/index.js';

export function toRawObject(kind: string, item: object): RawObject {
  const plain = JSON.parse(JSON.stringify(item), unescapeKeys) as Record<string, unknown>;
  const value: Record<string, unknown> = { ...plain, kind };
  const metadata = value.metadata as { namespace?: string; name?: string } | undefined;
  const file = `cluster:${kind}/${metadata?.namespace ? `${metadata.namespace}/` : ''}${metadata?.name ?? '?'}`;
  return { value, file, locate: () => ({ line: 0 }) };
}

function unescapeKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key.startsWith('_') ? key.slice(1) : key, field]));
}
