/**
 * The verdict of every cell in one policy state, as one byte per cell: bit 1 the source's egress
 * admits it, bit 2 the destination's ingress does; 3 is allow. Traffic passes only when both ends
 * admit it (the Kubernetes rule evaluate.ts implements), so a cell's verdict is `bits === ALLOWED`.
 * Bits 4 and 8 mark a direction that does not admit for sure but would if a party's IP fell in an
 * ipBlock: the parties have no IPs, so such a cell is unknown (isUndecided), never a verdict.
 */
import { directionAllowsWithin, isolatedWithin, type CompiledInventory, type CompiledPod, type Direction, type Judgement, type Protocol } from '../policy/index.js';
import { rulePortMatch } from '../policy/evaluate.js';
import { PEER_IP_UNKNOWN } from '../policy/compiled.js';
import type { CompiledRule } from '../policy/compiled.js';
import type { TierQuery } from '../policy/tier-evaluate.js';
import { tierJudgement, tiersApply } from '../policy/tier-verdict.js';
import { protocolOf } from './grid.js';
import type { PolicyState } from './policy-state.js';
import type { Universe } from './universe.js';

export const EGRESS_ALLOWS = 1;
export const INGRESS_ALLOWS = 2;
export const ALLOWED = EGRESS_ALLOWS | INGRESS_ALLOWS;
export const EGRESS_UNKNOWN = 4;
export const INGRESS_UNKNOWN = 8;

/** Neither direction denies for sure and one is unknown: only an ipBlock and a party's IP could decide. */
export function isUndecided(bits: number): boolean {
  const egress = (bits & (EGRESS_ALLOWS | EGRESS_UNKNOWN)) !== 0;
  const ingress = (bits & (INGRESS_ALLOWS | INGRESS_UNKNOWN)) !== 0;
  return egress && ingress && bits !== ALLOWED;
}

/** Every cell. The rules that apply to each party are picked out once per state, not once per cell. */
export function judgeCells(universe: Universe, state: PolicyState): Uint8Array {
  const { compiled, grid } = universe;
  const egress = keptRules(compiled, state, 'egress');
  const ingress = keptRules(compiled, state, 'ingress');
  const bits = new Uint8Array(grid.size);
  for (let i = 0; i < grid.size; i += 1) {
    const source = compiled.pods[grid.from[i] ?? 0] as CompiledPod;
    const destination = compiled.pods[grid.to[i] ?? 0] as CompiledPod;
    const port = grid.port[i] ?? 0;
    const protocol = protocolOf(grid, i);
    const egressQuery: TierQuery = { direction: 'egress', subject: source, other: { type: 'pod', pod: destination }, destination, port, protocol, family: undefined };
    const ingressQuery: TierQuery = { direction: 'ingress', subject: destination, other: { type: 'pod', pod: source }, destination, port, protocol, family: undefined };
    bits[i] =
      tiered(compiled, egressQuery, destination, egress[source.index], EGRESS_ALLOWS, EGRESS_UNKNOWN) |
      tiered(compiled, ingressQuery, source, ingress[destination.index], INGRESS_ALLOWS, INGRESS_UNKNOWN);
  }
  return bits;
}

/** One cell, for the few a rollout step can change. */
export function judgeCell(universe: Universe, state: PolicyState, index: number): number {
  const { compiled, grid } = universe;
  const source = compiled.pods[grid.from[index] ?? 0] as CompiledPod;
  const destination = compiled.pods[grid.to[index] ?? 0] as CompiledPod;
  const port = grid.port[index] ?? 0;
  const protocol = protocolOf(grid, index);
  const egress = directionAllowsWithin(compiled, state.within, 'egress', source, destination, destination, port, protocol);
  const ingress = directionAllowsWithin(compiled, state.within, 'ingress', destination, source, destination, port, protocol);
  // A rollout step asks only whether a cell stays allowed: the unknown bits do not change that.
  return (egress ? EGRESS_ALLOWS : 0) | (ingress ? INGRESS_ALLOWS : 0);
}

/**
 * The cells whose verdict these policies can touch, ascending: the egress of the parties they isolate
 * for egress (their rows) and the ingress of those they isolate for ingress (their columns). A policy
 * changes nothing about a pod it does not select.
 */
export function cellsTouchedBy(universe: Universe, policies: readonly number[]): Int32Array {
  const { grid, isolates } = universe;
  const seen = new Uint8Array(grid.size);
  const cells: number[] = [];
  const mark = (cell: number): void => {
    if (seen[cell] === 0) {
      seen[cell] = 1;
      cells.push(cell);
    }
  };
  for (const policy of policies) {
    for (const party of isolates.egress[policy] ?? []) for (let i = grid.rowStart[party] ?? 0; i < (grid.rowStart[party + 1] ?? 0); i += 1) mark(i);
    for (const party of isolates.ingress[policy] ?? []) for (let i = grid.columnStart[party] ?? 0; i < (grid.columnStart[party + 1] ?? 0); i += 1) mark(grid.column[i] ?? 0);
  }
  return Int32Array.from(cells).sort();
}

/** Per party: undefined when no kept policy isolates it for `direction` (everything admitted), else the kept policies' rules. */
function keptRules(compiled: CompiledInventory, state: PolicyState, direction: Direction): (readonly CompiledRule[] | undefined)[] {
  return compiled.pods.map((pod) => {
    if (!isolatedWithin(compiled, state.within, direction, pod)) return undefined;
    return (compiled.rulesFor[direction][pod.index] ?? []).filter((rule) => state.within[rule.policy] === 1);
  });
}

/**
 * One direction in tier order (as evaluate.ts): the Admin tier, then the kept NetworkPolicies when one
 * isolates the party, else the Baseline tier. The tiers are the same in every state.
 */
function tiered(compiled: CompiledInventory, query: TierQuery, other: CompiledPod, kept: readonly CompiledRule[] | undefined, allows: number, unknown: number): number {
  const applies = tiersApply(compiled, query);
  const admin = applies ? tierJudgement(compiled, 'Admin', query) : undefined;
  if (admin !== undefined) return tierBits(admin, allows, unknown);
  if (kept !== undefined) return admits(kept, other, query.destination as CompiledPod, query.port, query.protocol, allows, unknown);
  const baseline = applies ? tierJudgement(compiled, 'Baseline', query) : undefined;
  return baseline === undefined ? allows : tierBits(baseline, allows, unknown);
}

function tierBits(judgement: Judgement, allows: number, unknown: number): number {
  return judgement === 'allow' ? allows : judgement === 'unknown' ? unknown : 0;
}

/** `allows` when a rule admits for sure, `unknown` when one would if the other party's IP fell in its ipBlock, else 0. */
function admits(rules: readonly CompiledRule[] | undefined, other: CompiledPod, destination: CompiledPod, port: number, protocol: Protocol, allows: number, unknown: number): number {
  if (rules === undefined) return allows;
  let result = 0;
  for (const rule of rules) {
    const peer = rule.peerPods[other.index];
    if ((peer !== 1 && peer !== PEER_IP_UNKNOWN) || rulePortMatch(rule, port, protocol, destination) === -1) continue;
    if (peer === 1) return allows;
    result = unknown;
  }
  return result;
}
