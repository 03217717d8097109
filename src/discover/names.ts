/**
 * Stable actor names from workloads: `<namespace>-<workload>`, lower-case DNS labels of at most 40
 * characters (readable matrix columns; probe pod names add a prefix). A longer name keeps its start
 * and gets a hash of the whole, so two long names that share a start stay apart; a remaining clash
 * (e.g. `a-b`+`c` and `a`+`b-c`) gets `-2`, `-3` in identity order. Same input, same names.
 */
import type { Identity } from './types.js';

export const MAX_ACTOR_NAME = 40;

export function actorNames(identities: readonly Identity[]): string[] {
  const used = new Set<string>();
  return identities.map((identity) => {
    const workload = identity.workloads[0];
    return uniqueName(shortenName(dnsLabel(`${identity.namespace}-${workload?.name ?? 'pod'}`, 'actor'), MAX_ACTOR_NAME), MAX_ACTOR_NAME, used);
  });
}

/** `first`, or `first` shortened to make room for `-2`, `-3`… until it is not in `used`; added to `used`. */
export function uniqueName(first: string, max: number, used: Set<string>): string {
  let name = first;
  for (let n = 2; used.has(name); n += 1) name = `${shortenName(first, max - String(n).length - 1)}-${n}`;
  used.add(name);
  return name;
}

/** Lower case, runs of anything but [a-z0-9-] as one `-`, no `-` at either end; `fallback` when nothing is left. */
export function dnsLabel(text: string, fallback: string): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  return label === '' ? fallback : label;
}

/** At most `max` characters: a longer name keeps its start plus a hash of the whole, so two long names stay apart. */
export function shortenName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = fnv1a(name).toString(36).padStart(7, '0').slice(0, 7);
  return `${name.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** 32-bit FNV-1a: tiny, stable across runs and platforms, good enough to tell names apart. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
