/**
 * The rollout planner (pure): in which order to apply NetworkPolicies so that no step cuts a
 * connection the end state keeps open.
 *
 *   planRollout({ current, changes, scenarios?, engine }): RolloutPlan
 *     current    Inventory: the live (or -f) objects before any change
 *     changes    RolloutChange[] ({ object: RawObject, ref: ObjectRef }, see changes.ts and its
 *                rolloutChanges(objects) helper), in the user's order; each a NetworkPolicy that
 *                replaces the current one of its namespace/name or is added
 *     scenarios  their actors join as pods; their actor → actor checks written `allow` must stay open
 *     → steps    PlannedStep[]: { changes (usually one; several when none is safe alone), diff (a
 *                VerdictDiff vs the state before the step), cutsExpectedOpen (cells open at the end or
 *                expected allow that the step cuts: empty unless unavoidable) }
 *       total    VerdictDiff from the current state to the final one
 *       reordered whether the steps apply the changes in another order than given
 *       deferred  the changes that had to wait, with what they would have cut and for whom they wait
 *       warnings  expected-allow connections the final state itself denies, changes that change nothing
 *       parties   who the cells are between (for renderers)
 *   Throws InputError (exit 2) when a change is no valid NetworkPolicy or one is given twice.
 *
 * Why an order exists: policies are additive. Adding a policy never removes an allow from pods it
 * does not select, and for the pods it selects it can only cut (the first policy to isolate a
 * direction of a pod denies everything no rule admits) or widen (once a direction is isolated, every
 * further rule only admits more). So an allow applied early never cuts anything; an isolating policy
 * applied before the allows that go with it cuts them until they arrive. The final state is the same
 * in any order, so the planner only picks the order.
 *
 * The greedy: from the current state, a remaining change is SAFE when every cell it would cut is
 * denied in the final state, and is not expected `allow` by a scenario while another remaining change
 * could still admit it (a cell the final state denies will be cut once, by whatever denies it last,
 * not early and then again). Safe changes go first: those that cut nothing (pure widening), then
 * fewer cuts before more, then the user's order, one per step, so a default deny lands last. When no
 * change is safe alone (two policies isolate one pod and admit different peers: each cuts what the
 * other allows), the least bad one is merged with the remaining changes that admit its bad cells,
 * until the group is safe; all remaining changes together reach the final state, which cuts nothing
 * it keeps open and leaves no other change to wait for, so this ends. A scenario `allow` the final
 * state denies cannot stay open in any order: it is not reordered away but reported in `warnings`
 * and in `cutsExpectedOpen` of the step that cuts it (a live rollout then fails that step's check and
 * rolls back).
 */
import {
  ALLOWED,
  EGRESS_ALLOWS,
  INGRESS_ALLOWS,
  applyPolicies,
  buildUniverse,
  cellAt,
  cellsTouchedBy,
  cellKey,
  compareStates,
  emptyState,
  judgeCell,
  judgeCells,
  protocolOf,
  samePolicy,
  type Cell,
  type ExpectedVerdict,
  type Party,
  type PolicyState,
  type Universe,
  type VerdictDiff,
} from '../diff/index.js';
import { describeRef, type ObjectRef } from '../model/objects.js';
import type { Scenario } from '../model/scenario.js';
import { admittingWithin, type CompiledPod, type EngineOptions, type Inventory, type PolicySpec } from '../policy/index.js';
import { changeWhere, decodeChanges, type RolloutChange } from './changes.js';

export type { RolloutChange } from './changes.js';

export interface RolloutPlanInput {
  readonly current: Inventory;
  readonly changes: readonly RolloutChange[];
  readonly scenarios?: readonly Scenario[];
  readonly engine: EngineOptions;
}

export interface PlannedStep {
  readonly changes: readonly RolloutChange[];
  readonly diff: VerdictDiff;
  readonly cutsExpectedOpen: readonly Cell[];
  /**
   * The scenario checks written `allow` on cells this step acts on (its policies select an end of
   * them): those it cuts, and those it keeps open. What a step puts at stake, by check, so a caller
   * that wrote the checks (rollout --flows) can say which of its connections a step protects or cuts.
   */
  readonly expectedAllow: { readonly cut: readonly ExpectedVerdict[]; readonly kept: readonly ExpectedVerdict[] };
}

/** A change applied later than given because, applied first, it would cut what must stay open (see the header). */
export interface Deferral {
  readonly change: RolloutChange;
  /** 0-based position in the input, and the 0-based step that applies it. */
  readonly given: number;
  readonly step: number;
  /** How many must-stay-open cells it would have cut from the current state, and the first few. */
  readonly wouldCut: number;
  readonly examples: readonly Cell[];
  /** The other changes whose rules admit those cells. */
  readonly waitsFor: readonly ObjectRef[];
}

export interface RolloutPlan {
  readonly steps: readonly PlannedStep[];
  readonly total: VerdictDiff;
  readonly reordered: boolean;
  readonly deferred: readonly Deferral[];
  readonly warnings: readonly string[];
  readonly parties: readonly Party[];
}

const EXAMPLES = 3;

interface Trial {
  readonly state: PolicyState;
  readonly touched: Int32Array;
  /** Verdict bits of the touched cells in the trial state, in the order of `touched`. */
  readonly bits: Uint8Array;
  readonly cuts: readonly number[];
  /** The cuts that must not happen now (see the header). */
  readonly blocking: readonly number[];
}

export function planRollout(input: RolloutPlanInput): RolloutPlan {
  const specs = decodeChanges(input.changes);
  const base = input.current.policies.length;
  const universe = buildUniverse({ picture: input.current, policies: [...input.current.policies, ...specs], scenarios: input.scenarios ?? [], engine: input.engine });
  const { compiled } = universe;
  const indexOf = (change: number): number => base + change;
  const start = applyPolicies(compiled, emptyState(compiled), input.current.policies.map((_, index) => index));
  const final = applyPolicies(compiled, start, specs.map((_, change) => indexOf(change)));
  const startBits = judgeCells(universe, start);
  const finalBits = judgeCells(universe, final);

  const expectedAllow = new Set([...universe.expected].filter(([, expected]) => expected.some((entry) => entry.expect === 'allow')).map(([cell]) => cell));
  const trial = (state: PolicyState, bits: Uint8Array, group: readonly number[], remaining: readonly number[]): Trial => {
    const indexes = group.map(indexOf);
    const next = applyPolicies(compiled, state, indexes);
    // The version a change replaces stops acting on the pods it selected: those cells can change too.
    const replaced = indexes.flatMap((index) => {
      const old = state.versions.get(compiled.policies[index]?.key ?? '');
      return old === undefined || old === index ? [] : [old];
    });
    const touched = cellsTouchedBy(universe, [...indexes, ...replaced]);
    const trialBits = new Uint8Array(touched.length);
    const cuts: number[] = [];
    touched.forEach((cell, i) => {
      const now = judgeCell(universe, next, cell);
      trialBits[i] = now;
      if (bits[cell] === ALLOWED && now !== ALLOWED) cuts.push(cell);
    });
    const partial = { state: next, touched, bits: trialBits, cuts, blocking: [] };
    const others = remaining.filter((change) => !group.includes(change));
    const blocking = cuts.filter(
      (cell) => finalBits[cell] === ALLOWED || (expectedAllow.has(cell) && others.some((change) => admitsDenied(universe, indexOf(change), cell, partial))),
    );
    return { ...partial, blocking };
  };

  let state = start;
  const bits = startBits.slice();
  let remaining = specs.map((_, change) => change);
  const groups: number[][] = [];
  const steps: PlannedStep[] = [];
  const firstTrials = new Map<number, Trial>();
  while (remaining.length > 0) {
    const trials = remaining.map((change) => ({ change, trial: trial(state, bits, [change], remaining) }));
    if (steps.length === 0) for (const { change, trial: first } of trials) firstTrials.set(change, first);
    const byLeastHarm = (a: (typeof trials)[number], b: (typeof trials)[number]): number =>
      a.trial.blocking.length - b.trial.blocking.length || a.trial.cuts.length - b.trial.cuts.length || a.change - b.change;
    const best = [...trials].sort(byLeastHarm)[0];
    if (!best) break;
    let group = [best.change];
    let chosen = best.trial;
    while (chosen.blocking.length > 0) {
      const helpers = remaining.filter((change) => !group.includes(change) && chosen.blocking.some((cell) => admitsDenied(universe, indexOf(change), cell, chosen)));
      // Cannot happen (a blocking cell is admitted by some remaining change); all of them together are safe.
      group = helpers.length > 0 ? [...group, ...helpers].sort((a, b) => a - b) : [...remaining];
      chosen = trial(state, bits, group, remaining);
    }
    const before = state;
    const beforeBits = bits.slice();
    chosen.touched.forEach((cell, i) => (bits[cell] = chosen.bits[i] ?? 0));
    state = chosen.state;
    const diff = compareStates(universe, before, state, { beforeBits, afterBits: bits, cells: chosen.touched });
    steps.push({
      changes: group.map((change) => input.changes[change] as RolloutChange),
      diff,
      cutsExpectedOpen: expectedOpenCuts(universe, chosen, expectedAllow, finalBits),
      expectedAllow: allowsAtStake(universe, chosen),
    });
    groups.push(group);
    remaining = remaining.filter((change) => !group.includes(change));
  }

  const order = groups.flat();
  return {
    steps,
    total: compareStates(universe, start, final, { beforeBits: startBits, afterBits: finalBits }),
    reordered: order.some((change, position) => change !== position),
    deferred: deferrals(universe, input.changes, groups, firstTrials, indexOf),
    warnings: [...noOpWarnings(input, specs), ...expectationWarnings(universe, steps, startBits, finalBits)],
    parties: universe.parties,
  };
}

/** Whether the change's rules admit a direction of the cell that the trial state denies. */
function admitsDenied(universe: Universe, policy: number, cell: number, trial: Trial): boolean {
  const { compiled, grid } = universe;
  const position = trialPosition(trial, cell);
  const bits = position < 0 ? 0 : (trial.bits[position] ?? 0);
  const only = new Uint8Array(compiled.policies.length);
  only[policy] = 1;
  const source = compiled.pods[grid.from[cell] ?? 0] as CompiledPod;
  const destination = compiled.pods[grid.to[cell] ?? 0] as CompiledPod;
  const port = grid.port[cell] ?? 0;
  const protocol = protocolOf(grid, cell);
  if ((bits & EGRESS_ALLOWS) === 0 && admittingWithin(compiled, only, 'egress', source, destination, destination, port, protocol).length > 0) return true;
  return (bits & INGRESS_ALLOWS) === 0 && admittingWithin(compiled, only, 'ingress', destination, source, destination, port, protocol).length > 0;
}

function trialPosition(trial: Trial, cell: number): number {
  // `touched` is ascending: binary search.
  let low = 0;
  let high = trial.touched.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const value = trial.touched[middle] ?? 0;
    if (value === cell) return middle;
    if (value < cell) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** Cells a step cuts that stay open at the end (never, by construction) or that a scenario expects allow. */
function expectedOpenCuts(universe: Universe, trial: Trial, expectedAllow: ReadonlySet<number>, finalBits: Uint8Array): Cell[] {
  return trial.cuts.filter((cell) => finalBits[cell] === ALLOWED || expectedAllow.has(cell)).map((cell) => cellAt(universe.grid, universe.parties, cell));
}

/** The `allow` checks on the cells a step acts on, split by what the step does to them. */
function allowsAtStake(universe: Universe, trial: Trial): PlannedStep['expectedAllow'] {
  const cuts = new Set(trial.cuts);
  const cut: ExpectedVerdict[] = [];
  const kept: ExpectedVerdict[] = [];
  trial.touched.forEach((cell, i) => {
    const allows = (universe.expected.get(cell) ?? []).filter((entry) => entry.expect === 'allow');
    if (cuts.has(cell)) cut.push(...allows);
    else if (trial.bits[i] === ALLOWED) kept.push(...allows);
  });
  return { cut, kept };
}

function deferrals(universe: Universe, changes: readonly RolloutChange[], groups: readonly number[][], firstTrials: ReadonlyMap<number, Trial>, indexOf: (change: number) => number): Deferral[] {
  const stepOf = new Map<number, number>();
  groups.forEach((group, step) => group.forEach((change) => stepOf.set(change, step)));
  const order = groups.flat();
  return [...firstTrials]
    .filter(([change, first]) => first.blocking.length > 0 && order.indexOf(change) > change)
    .map(([change, first]) => {
      const waitsFor = changes.flatMap((other, index) => (index !== change && first.blocking.some((cell) => admitsDenied(universe, indexOf(index), cell, first)) ? [other.ref] : []));
      return {
        change: changes[change] as RolloutChange,
        given: change,
        step: stepOf.get(change) ?? 0,
        wouldCut: first.blocking.length,
        examples: first.blocking.slice(0, EXAMPLES).map((cell) => cellAt(universe.grid, universe.parties, cell)),
        waitsFor,
      };
    });
}

function noOpWarnings(input: RolloutPlanInput, specs: readonly PolicySpec[]): string[] {
  const current = new Map(input.current.policies.map((policy) => [`${policy.namespace}/${policy.name}`, policy]));
  return specs.flatMap((spec, index) => {
    const known = current.get(`${spec.namespace}/${spec.name}`);
    const change = input.changes[index];
    return known && change && samePolicy(known, spec) ? [`${describeRef(change.ref)} (${changeWhere(change)}) is the same as the current one: applying it changes nothing`] : [];
  });
}

/** A scenario `allow` the final state denies: no order keeps it open. */
function expectationWarnings(universe: Universe, steps: readonly PlannedStep[], startBits: Uint8Array, finalBits: Uint8Array): string[] {
  const warnings: string[] = [];
  for (const [cell, expected] of universe.expected) {
    if (finalBits[cell] === ALLOWED) continue;
    const key = cellKey(cellAt(universe.grid, universe.parties, cell));
    for (const entry of expected.filter((candidate) => candidate.expect === 'allow')) {
      const check = `${entry.scenario} "${entry.check}" (${entry.file}${entry.line > 0 ? `:${entry.line}` : ''})`;
      if (startBits[cell] !== ALLOWED) {
        warnings.push(`${check} expects ${key} allow, but it is denied before the rollout and after it: no change admits it`);
        continue;
      }
      const cutting = steps.flatMap((step, index) => (step.cutsExpectedOpen.some((cut) => cellKey(cut) === key) ? [`step ${index + 1} (${step.changes.map((change) => describeRef(change.ref)).join(', ')})`] : []));
      warnings.push(`${check} expects ${key} allow, but the final state denies it: ${cutting.join(' and ')} cut${cutting.length === 1 ? 's' : ''} it, and no order avoids that; add the allow it needs, or expect deny`);
    }
  }
  return warnings;
}
