/**
 * Deterministic policy names: `kubeknock-proposed-<workload>`, a DNS label of at most 63 characters
 * (a longer one keeps its start plus a hash of the whole, so two long names stay apart); a clash gets
 * `-2`, `-3` in the order the caller gives (sorted identity keys). Same flows, same names.
 */
import { fnv1a } from '../../discover/names.js';

export const NAME_PREFIX = 'kubeknock-proposed-';
export const DEFAULT_DENY_NAME = `${NAME_PREFIX}default-deny`;
export const DNS_NAME = `${NAME_PREFIX}dns`;
const MAX_NAME = 63;

export function policyNames(bases: readonly string[]): string[] {
  const used = new Set([DEFAULT_DENY_NAME, DNS_NAME]);
  return bases.map((base) => {
    const first = shorten(`${NAME_PREFIX}${toLabel(base)}`, MAX_NAME);
    let name = first;
    for (let n = 2; used.has(name); n += 1) name = `${shorten(first, MAX_NAME - String(n).length - 1)}-${n}`;
    used.add(name);
    return name;
  });
}

function toLabel(text: string): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  return label === '' ? 'workload' : label;
}

function shorten(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = fnv1a(name).toString(36).padStart(7, '0').slice(0, 7);
  return `${name.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}
