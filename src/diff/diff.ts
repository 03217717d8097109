/**
 * `kubeknock diff`, the pure part: the current objects and a candidate set → the verdict changes. A
 * candidate NetworkPolicy with the namespace/name of a current one replaces it (as `kubectl apply`
 * would); the others are added; no policy is removed. Both states are compiled once, together.
 */
import type { Scenario } from '../model/scenario.js';
import type { EngineOptions, Inventory, PolicyRef, PolicySpec } from '../policy/index.js';
import { compareStates } from './compare.js';
import { mergePicture, samePolicy } from './picture.js';
import { applyPolicies, emptyState } from './policy-state.js';
import type { FlowsOnDiff } from './flows.js';
import type { Party, VerdictDiff } from './types.js';
import { unchangedAllowed, type UnchangedAllowed } from './unchanged.js';
import { buildUniverse } from './universe.js';
import { judgeCells } from './verdicts.js';

/** Unchanged pairs kept for a picture: as many as a picture draws edges (src/report/graph/from-matrix.ts EDGE_CAP). */
const UNCHANGED_CAP = 1500;

export interface DiffInput {
  readonly current: Inventory;
  /** The candidate files: their NetworkPolicies replace or join the current ones, their other objects join the picture. */
  readonly candidate: Inventory;
  readonly scenarios: readonly Scenario[];
  readonly engine: EngineOptions;
}

export interface PolicyChanges {
  readonly added: readonly PolicyRef[];
  /** A candidate that says something different from the current policy of its name. */
  readonly replaced: readonly PolicyRef[];
  /** A candidate identical to the current policy of its name (where it is written aside). */
  readonly unchanged: readonly PolicyRef[];
}

export interface DiffResult {
  readonly diff: VerdictDiff;
  readonly parties: readonly Party[];
  readonly policies: PolicyChanges & { readonly current: number };
  readonly notes: readonly string[];
  /** The pairs allowed in both states (capped), for pictures only: the table and JSON list changes. */
  readonly unchanged: UnchangedAllowed;
  /** Observed flows laid over the diff (`diff --flows`): which cuts carried traffic. */
  readonly flows?: FlowsOnDiff;
}

export function diffPolicies(input: DiffInput): DiffResult {
  const picture = mergePicture(input.current, input.candidate);
  const current = new Map(input.current.policies.map((policy) => [keyOf(policy), policy]));
  const added: PolicySpec[] = [];
  const replaced: PolicySpec[] = [];
  const unchanged: PolicySpec[] = [];
  for (const policy of input.candidate.policies) {
    const known = current.get(keyOf(policy));
    (known === undefined ? added : samePolicy(known, policy) ? unchanged : replaced).push(policy);
  }
  // Current versions first, then the candidate versions that differ: one compile serves both states.
  const versions = [...input.current.policies, ...added, ...replaced];
  const universe = buildUniverse({ picture: picture.inventory, policies: versions, scenarios: input.scenarios, engine: input.engine });
  const before = applyPolicies(universe.compiled, emptyState(universe.compiled), input.current.policies.map((_, index) => index));
  const after = applyPolicies(
    universe.compiled,
    before,
    versions.map((_, index) => index).slice(input.current.policies.length),
  );
  const beforeBits = judgeCells(universe, before);
  const afterBits = judgeCells(universe, after);
  return {
    diff: compareStates(universe, before, after, { beforeBits, afterBits }),
    unchanged: unchangedAllowed(universe, beforeBits, afterBits, UNCHANGED_CAP),
    parties: universe.parties,
    policies: { current: input.current.policies.length, added: added.map(refOf), replaced: replaced.map(refOf), unchanged: unchanged.map(refOf) },
    notes: [...picture.notes, ...universe.notes],
  };
}

function keyOf(policy: PolicySpec): string {
  return `${policy.namespace}/${policy.name}`;
}

export function refOf(policy: PolicySpec): PolicyRef {
  return { namespace: policy.namespace, name: policy.name, ...(policy.source ? { file: policy.source.file, line: policy.source.line } : {}) };
}
