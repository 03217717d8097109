/**
 * Two policy states → the cells whose verdict differs, each with the policies responsible. Policies
 * are additive, so a verdict flips only through a policy whose version changed: the responsible ones
 * are the changed policies that made a flipped direction flip (see CellChange.responsible).
 */
import { admittingWithin, isolatedWithin, isolatingWithin, type CompiledPod, type Direction, type PolicyRef, type PolicySet, type Verdict } from '../policy/index.js';
import { compareText } from '../discover/find-workloads.js';
import { cellAt, protocolOf } from './grid.js';
import { changedPolicies, type PolicyState } from './policy-state.js';
import type { CellChange, PolicyRoleKind, VerdictDiff } from './types.js';
import type { Universe } from './universe.js';
import { ALLOWED, EGRESS_ALLOWS, INGRESS_ALLOWS, isUndecided, judgeCells } from './verdicts.js';

export interface CompareOptions {
  /** Verdict bits already computed for the two states (judgeCells), to avoid judging again. */
  readonly beforeBits?: Uint8Array;
  readonly afterBits?: Uint8Array;
  /** Only these cells can differ (cellsTouchedBy the changed policies); default every cell. */
  readonly cells?: ArrayLike<number>;
}

export function compareStates(universe: Universe, before: PolicyState, after: PolicyState, options: CompareOptions = {}): VerdictDiff {
  const beforeBits = options.beforeBits ?? judgeCells(universe, before);
  const afterBits = options.afterBits ?? judgeCells(universe, after);
  const changed = changedPolicies(before, after);
  const cut: CellChange[] = [];
  const opened: CellChange[] = [];
  let unknown = 0;
  const visit = (cell: number): void => {
    const was = beforeBits[cell] ?? 0;
    const now = afterBits[cell] ?? 0;
    // Unknown in either state (an ipBlock and a party without IP): a change, or none, would be a guess.
    if (isUndecided(was) || isUndecided(now)) return void (unknown += 1);
    if ((was === ALLOWED) === (now === ALLOWED)) return;
    (was === ALLOWED ? cut : opened).push(describeChange(universe, before, after, changed, cell, was, now));
  };
  if (options.cells) for (let i = 0; i < options.cells.length; i += 1) visit(options.cells[i] ?? 0);
  else for (let cell = 0; cell < universe.grid.size; cell += 1) visit(cell);
  return { judged: universe.grid.size, cut: cut.sort(byCell), opened: opened.sort(byCell), unknown };
}

function describeChange(universe: Universe, before: PolicyState, after: PolicyState, changed: ReadonlySet<string>, cell: number, was: number, now: number): CellChange {
  const { compiled, grid } = universe;
  const source = compiled.pods[grid.from[cell] ?? 0] as CompiledPod;
  const destination = compiled.pods[grid.to[cell] ?? 0] as CompiledPod;
  const port = grid.port[cell] ?? 0;
  const protocol = protocolOf(grid, cell);
  const isCut = was === ALLOWED;
  // Keyed by namespace/name: the version the `after` state holds speaks for a policy named from both.
  const responsible = new Map<string, number>();
  const roles = new Map<string, { policy: number; role: PolicyRoleKind }>();
  const name = (policies: readonly number[], from: 'before' | 'after', role: (policy: number) => PolicyRoleKind): void => {
    for (const policy of policies) {
      const key = compiled.policies[policy]?.key ?? '';
      if (!changed.has(key)) continue;
      if (from === 'after' || !responsible.has(key)) responsible.set(key, policy);
      roles.set(`${key} ${role(policy)}`, { policy, role: role(policy) });
    }
  };
  const flipped = (bit: number): boolean => ((was & bit) === 0) !== ((now & bit) === 0);
  const directions: [Direction, number, CompiledPod, CompiledPod][] = [
    ['egress', EGRESS_ALLOWS, source, destination],
    ['ingress', INGRESS_ALLOWS, destination, source],
  ];
  for (const [direction, bit, subject, other] of directions) {
    if (!flipped(bit)) continue;
    const isolating = (within: PolicySet): number[] => isolatingWithin(compiled, within, direction, subject);
    const admitting = (within: PolicySet): number[] => admittingWithin(compiled, within, direction, subject, other, destination, port, protocol);
    const isolatedIn = (within: PolicySet): boolean => isolatedWithin(compiled, within, direction, subject);
    // Only news counts: a pod already isolated before a cut lost an admitting rule (whose policy changed);
    // one isolated only now got that from the changed policies that isolate it. An open mirrors this.
    // A policy isolating a pod with no rule for that direction is a deny; one with rules admits other traffic only.
    const isolates = (policy: number): PolicyRoleKind => ((compiled.policies[policy]?.[direction].length ?? 0) === 0 ? 'isolates' : 'admits-other');
    if (isCut) {
      if (isolatedIn(before.within)) name(admitting(before.within), 'before', () => 'stopped-admitting');
      else name(isolating(after.within), 'after', isolates);
    } else if (isolatedIn(after.within)) {
      name(admitting(after.within), 'after', () => 'admits');
    } else {
      name(isolating(before.within), 'before', () => 'stopped-isolating');
    }
  }
  return {
    cell: cellAt(grid, universe.parties, cell),
    egress: { before: verdictOf(was, EGRESS_ALLOWS), after: verdictOf(now, EGRESS_ALLOWS) },
    ingress: { before: verdictOf(was, INGRESS_ALLOWS), after: verdictOf(now, INGRESS_ALLOWS) },
    responsible: [...responsible.entries()].sort(([a], [b]) => compareText(a, b)).map(([, policy]) => policyRef(universe, policy)),
    roles: [...roles.entries()].sort(([a], [b]) => compareText(a, b)).map(([, { policy, role }]) => ({ policy: policyRef(universe, policy), role })),
    expected: universe.expected.get(cell) ?? [],
  };
}

function verdictOf(bits: number, bit: number): Verdict {
  return (bits & bit) === 0 ? 'deny' : 'allow';
}

function policyRef(universe: Universe, index: number): PolicyRef {
  const spec = universe.compiled.policies[index]?.spec;
  if (!spec) throw new Error(`no compiled policy ${index}`);
  return { namespace: spec.namespace, name: spec.name, ...(spec.source ? { file: spec.source.file, line: spec.source.line } : {}) };
}

function byCell(a: CellChange, b: CellChange): number {
  return compareText(a.cell.from, b.cell.from) || compareText(a.cell.to, b.cell.to) || compareText(a.cell.protocol, b.cell.protocol) || a.cell.port - b.cell.port;
}
