/**
 * Which labels select a workload: the fewest of its stable labels that select it alone among the
 * namespace's known workload identities. Fewer labels read better and survive a label being added to
 * the template; "alone" keeps the proposal least-privilege: a selector that also fits a workload that
 * was never seen talking would hand that workload the same doors. Where every label of a workload is
 * also carried by another (a subset), `DoesNotExist` on a key only the other has keeps it out.
 */
import type { Labels } from '../../policy/types.js';
import { compareText } from './stable-labels.js';
import type { ProposedSelector, SelectorChoice } from './types.js';

/** A workload identity as the proposal knows it: stable labels only. */
export interface KnownIdentity {
  readonly key: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** Unstable keys left out, with why (see stable-labels.ts). */
  readonly dropped: readonly string[];
  /** `Deployment shop/web`, sorted; empty for bare pods. */
  readonly workloads: readonly string[];
}

/** The keys people select by, first; the rest in code-unit order. */
const PREFERRED_KEYS = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component', 'component', 'tier', 'role'];
/** Past this many labels the search gives up on "fewest" and takes them all (C(n, k) grows fast). */
const MAX_SUBSET = 4;

/**
 * `identities`: every known identity of ONE namespace (distinct keys). `knownFrom` says where they
 * came from ("the flows", "the flows and the manifests"), for the reason.
 */
export function chooseSelectors(identities: readonly KnownIdentity[], knownFrom: string): Map<string, SelectorChoice> {
  const byLabel = new Map<string, number[]>();
  identities.forEach((identity, index) => {
    for (const [key, value] of Object.entries(identity.labels)) {
      const pair = labelPair(key, value);
      const list = byLabel.get(pair) ?? [];
      list.push(index);
      byLabel.set(pair, list);
    }
  });
  const choices = new Map<string, SelectorChoice>();
  identities.forEach((identity, index) => choices.set(identity.key, choose(identity, index, identities, byLabel, knownFrom)));
  return choices;
}

function choose(identity: KnownIdentity, self: number, all: readonly KnownIdentity[], byLabel: ReadonlyMap<string, readonly number[]>, knownFrom: string): SelectorChoice {
  const keys = Object.keys(identity.labels).sort(preferenceOrder);
  const dropped = identity.dropped.length > 0 ? `; left out ${identity.dropped.join(', ')}` : '';
  const among = `among the ${all.length} workload${all.length === 1 ? '' : 's'} of ${identity.namespace} known from ${knownFrom}`;
  if (keys.length === 0) {
    return { key: identity.key, namespace: identity.namespace, name: nameOf(identity, []), selector: undefined, reason: `no stable label: no selector can name it${dropped}` };
  }
  const others = (subset: readonly string[]): number[] => othersMatching(subset.map((key) => labelPair(key, identity.labels[key] ?? '')), self, byLabel);
  for (let size = 1; size <= Math.min(keys.length, MAX_SUBSET); size += 1) {
    for (const subset of subsetsOf(keys, size)) {
      if (others(subset).length > 0) continue;
      const why =
        keys.length === 1
          ? `its only stable label, and it selects it alone ${among}`
          : `the fewest of its labels (${keys.slice().sort(compareText).join(', ')}) that select it alone ${among}`;
      return finish(identity, subset, [], `${why}${dropped}`);
    }
  }
  // Every stable label: whatever still matches carries all of them, plus labels of its own.
  const rest = others(keys).map((index) => all[index] as KnownIdentity);
  const doesNotExist = new Set<string>();
  const same: string[] = [];
  for (const other of rest) {
    const extra = Object.keys(other.labels).sort(preferenceOrder).find((key) => identity.labels[key] === undefined);
    if (extra === undefined) same.push(other.key);
    else doesNotExist.add(extra);
  }
  const notes = [`all its labels: fewer would also select another workload ${among}`];
  if (doesNotExist.size > 0) notes.push(`DoesNotExist on ${[...doesNotExist].sort(compareText).join(', ')} keeps out ${rest.filter((other) => !same.includes(other.key)).map((other) => other.key).join(', ')}, whose labels include all of these`);
  if (same.length > 0) notes.push(`it ALSO selects ${same.join(', ')} (no label tells them apart)`);
  return finish(identity, keys, [...doesNotExist].sort(compareText), `${notes.join('; ')}${dropped}`);
}

function finish(identity: KnownIdentity, keys: readonly string[], doesNotExist: readonly string[], reason: string): SelectorChoice {
  const sorted = [...keys].sort(compareText);
  const selector: ProposedSelector = { matchLabels: Object.fromEntries(sorted.map((key) => [key, identity.labels[key] ?? ''])), doesNotExist };
  return { key: identity.key, namespace: identity.namespace, name: nameOf(identity, keys), selector, reason };
}

/**
 * The workload's own name (`Deployment shop/web` → web); a bare pod's identity: its chosen label values
 * (a pod's name is one replica's, and the flows alone often do not carry it: the name must not depend
 * on whether manifests were given).
 */
function nameOf(identity: KnownIdentity, keys: readonly string[]): string {
  const workload = identity.workloads.find((ref) => !ref.startsWith('Pod '));
  if (workload !== undefined) return workload.slice(workload.lastIndexOf('/') + 1);
  const values = keys.map((key) => identity.labels[key] ?? '').filter((value) => value !== '');
  return values.length > 0 ? values.join('-') : 'workload';
}

/** Identities other than `self` carrying every pair: the intersection of the pairs' lists, shortest first. */
function othersMatching(pairs: readonly string[], self: number, byLabel: ReadonlyMap<string, readonly number[]>): number[] {
  const lists = pairs.map((pair) => byLabel.get(pair) ?? []).sort((a, b) => a.length - b.length);
  const [first, ...rest] = lists;
  if (first === undefined) return [];
  const sets = rest.map((list) => new Set(list));
  return first.filter((index) => index !== self && sets.every((set) => set.has(index)));
}

/** Subsets of `size` keys, in the order of `keys` (preferred keys first), lexicographically. */
function* subsetsOf(keys: readonly string[], size: number, start = 0, prefix: readonly string[] = []): Generator<readonly string[]> {
  if (prefix.length === size) {
    yield prefix;
    return;
  }
  for (let i = start; i <= keys.length - (size - prefix.length); i += 1) yield* subsetsOf(keys, size, i + 1, [...prefix, keys[i] as string]);
}

function preferenceOrder(a: string, b: string): number {
  const rank = (key: string): number => {
    const index = PREFERRED_KEYS.indexOf(key);
    return index < 0 ? PREFERRED_KEYS.length : index;
  };
  return rank(a) - rank(b) || compareText(a, b);
}

function labelPair(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

/** `app=web,!canary`: a selector in one comment-sized phrase. */
export function selectorText(value: ProposedSelector): string {
  return [...Object.entries(value.matchLabels).map(([key, text]) => `${key}=${text}`), ...value.doesNotExist.map((key) => `!${key}`)].join(',');
}
