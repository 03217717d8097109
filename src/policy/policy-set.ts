/**
 * Judging as if only some of the compiled policies existed: `within[i] === 1` keeps policy i.
 * A policy's selection and its rules' peer matches depend on the pods and namespaces alone, never on
 * the other policies, so one compiled inventory that holds every version of every policy (the current
 * ones, a candidate's, each step of a rollout) judges every one of those states without recompiling.
 * Kubernetes rule, as in evaluate.ts: a direction of a pod is isolated when some kept policy that
 * selects the pod lists the direction; then any rule of those kept policies whose peer and port match
 * admits the traffic. Cluster-scoped tiers (the same in every state) are judged around them, as in evaluate.ts.
 */
import type { CompiledInventory, CompiledPod, CompiledRule, Direction } from './compiled.js';
import { rulePortMatch } from './evaluate.js';
import type { TierQuery } from './tier-evaluate.js';
import { tierJudgement, tiersApply } from './tier-verdict.js';
import type { Protocol } from './types.js';

/** One byte per compiled policy: 1 = the policy exists in this state. */
export type PolicySet = Uint8Array;

/** The fast path under a subset: does `direction` of `subject` admit traffic with the pod `other`? */
export function directionAllowsWithin(
  compiled: CompiledInventory,
  within: PolicySet,
  direction: Direction,
  subject: CompiledPod,
  other: CompiledPod,
  destination: CompiledPod,
  port: number,
  protocol: Protocol,
): boolean {
  // The cluster-scoped tiers are the same in every state: Admin first, Baseline where no kept policy isolates.
  // Their unknown (DNS, an unknown address) counts as not admitted, as everywhere on this boolean path.
  const tierQuery: TierQuery = { direction, subject, other: { type: 'pod', pod: other }, destination, port, protocol, family: undefined };
  const tiered = tiersApply(compiled, tierQuery);
  const admin = tiered ? tierJudgement(compiled, 'Admin', tierQuery) : undefined;
  if (admin !== undefined) return admin === 'allow';
  if (!isolatedWithin(compiled, within, direction, subject)) return ((tiered ? tierJudgement(compiled, 'Baseline', tierQuery) : undefined) ?? 'allow') === 'allow';
  return (compiled.rulesFor[direction][subject.index] ?? []).some((rule) => ruleAdmitsWithin(within, rule, other, destination, port, protocol));
}

/** A rule of a kept policy that admits this peer on this port of the destination. */
function ruleAdmitsWithin(within: PolicySet, rule: CompiledRule, other: CompiledPod, destination: CompiledPod, port: number, protocol: Protocol): boolean {
  return within[rule.policy] === 1 && rule.peerPods[other.index] === 1 && rulePortMatch(rule, port, protocol, destination) !== -1;
}

export function isolatedWithin(compiled: CompiledInventory, within: PolicySet, direction: Direction, subject: CompiledPod): boolean {
  for (const policy of compiled.isolatedBy[direction][subject.index] ?? []) if (within[policy] === 1) return true;
  return false;
}

/** Indexes of the kept policies that isolate `subject` for `direction`. */
export function isolatingWithin(compiled: CompiledInventory, within: PolicySet, direction: Direction, subject: CompiledPod): number[] {
  return (compiled.isolatedBy[direction][subject.index] ?? []).filter((policy) => within[policy] === 1);
}

/** Indexes of the kept policies with a rule that admits this traffic for `direction` of `subject` (each once). */
export function admittingWithin(
  compiled: CompiledInventory,
  within: PolicySet,
  direction: Direction,
  subject: CompiledPod,
  other: CompiledPod,
  destination: CompiledPod,
  port: number,
  protocol: Protocol,
): number[] {
  const admitting = new Set<number>();
  for (const rule of compiled.rulesFor[direction][subject.index] ?? []) {
    if (ruleAdmitsWithin(within, rule, other, destination, port, protocol)) admitting.add(rule.policy);
  }
  return [...admitting];
}
