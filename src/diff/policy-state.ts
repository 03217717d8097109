/**
 * A policy state: which version of which NetworkPolicy exists, as indexes into the universe's
 * compiled policies. Applying a policy replaces the version of the same namespace/name, as
 * `kubectl apply` does; every other policy stays.
 */
import type { CompiledInventory, PolicySet } from '../policy/index.js';

export interface PolicyState {
  /** 1 for each compiled policy this state holds. */
  readonly within: PolicySet;
  /** `namespace/name` → index of the version this state holds. */
  readonly versions: ReadonlyMap<string, number>;
}

export function emptyState(compiled: CompiledInventory): PolicyState {
  return { within: new Uint8Array(compiled.policies.length), versions: new Map() };
}

/** `state` with these policies applied in order (a later one of the same namespace/name wins). */
export function applyPolicies(compiled: CompiledInventory, state: PolicyState, indexes: readonly number[]): PolicyState {
  const within = state.within.slice();
  const versions = new Map(state.versions);
  for (const index of indexes) {
    const key = compiled.policies[index]?.key;
    if (key === undefined) throw new Error(`no compiled policy ${index}`);
    const old = versions.get(key);
    if (old !== undefined) within[old] = 0;
    within[index] = 1;
    versions.set(key, index);
  }
  return { within, versions };
}

/** `namespace/name` of the policies whose version differs between the two states (added, replaced or gone). */
export function changedPolicies(before: PolicyState, after: PolicyState): ReadonlySet<string> {
  const changed = new Set<string>();
  for (const [key, index] of after.versions) if (before.versions.get(key) !== index) changed.add(key);
  for (const key of before.versions.keys()) if (!after.versions.has(key)) changed.add(key);
  return changed;
}
