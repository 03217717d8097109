/**
 * Linear-time lookups in a parsed YAML document. The yaml package finds a mapping key by scanning
 * every earlier key, both when it checks keys are unique and in `getIn`: once per key and once per
 * reported location, that is quadratic in the size of a mapping (32k actors took a minute). Here each
 * mapping is indexed once, on first use.
 */
import { isMap, isScalar, isSeq, visit, type Document, type Node, type YAMLMap } from 'yaml';
import type { FieldPath } from './field-path.js';

type Pair = YAMLMap['items'][number];

/** Finds the node at a path (or its nearest existing ancestor) with one hash lookup per step. */
export function createNodeLocator(doc: Document): (path: FieldPath) => Node | undefined {
  const indexes = new WeakMap<YAMLMap, Map<unknown, Pair>>();
  const indexOf = (map: YAMLMap): Map<unknown, Pair> => {
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (!index.has(key)) index.set(key, pair);
      }
      indexes.set(map, index);
    }
    return index;
  };
  return (path) => {
    let node: unknown = doc.contents;
    let found: Node | undefined = isNodeLike(node) ? node : undefined;
    for (const part of path) {
      if (isMap(node)) node = indexOf(node).get(part)?.value;
      else if (isSeq(node) && typeof part === 'number') node = node.items[part];
      else return found;
      if (!isNodeLike(node)) return found;
      found = node;
    }
    return found;
  };
}

/** Offsets of every mapping key that repeats an earlier key of the same mapping, in one pass. */
export function duplicateKeyOffsets(doc: Document): { readonly offset: number; readonly key: string }[] {
  const duplicates: { offset: number; key: string }[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (seen.has(pair.key.value)) duplicates.push({ offset: pair.key.range?.[0] ?? 0, key: String(pair.key.value) });
        seen.add(pair.key.value);
      }
    },
  });
  return duplicates;
}

function isNodeLike(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value) || (typeof value === 'object' && value !== null && 'range' in value);
}
