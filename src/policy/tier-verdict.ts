/** A tier's outcome in the engine's vocabulary: a judgement for the fast paths, a direction verdict with its rules for explain. */
import type { CompiledClusterPolicy, CompiledInventory, CompiledTierRule } from './compiled.js';
import type { DirectionVerdict, Judgement, TierRuleRef } from './explanation.js';
import { judgeTier, type TierOutcome, type TierQuery } from './tier-evaluate.js';
import type { Tier } from './types.js';
import { assertNever } from '../model/assert-never.js';

/**
 * Whether cluster-scoped policies apply to this direction at all. The API: a pod connecting to its own
 * pod IP is never subject to them (they are enforced outside the pod's network namespace).
 */
export function tiersApply(compiled: CompiledInventory, query: TierQuery): boolean {
  return compiled.tiers.policies.length > 0 && !(query.other.type === 'pod' && query.other.pod.index === query.subject.index);
}

/** The Admin or Baseline tier's judgement, or undefined when it leaves the connection to the next tier (no match, or Pass). */
export function tierJudgement(compiled: CompiledInventory, tier: Tier, query: TierQuery): Judgement | undefined {
  const outcome = judgeTier(compiled.tiers, tier, query);
  switch (outcome.kind) {
    case 'none':
    case 'pass':
      return undefined;
    case 'decided':
      return outcome.action === 'Accept' ? 'allow' : 'deny';
    case 'dns':
    case 'undecided':
      return 'unknown';
    default:
      return assertNever(outcome, 'tier outcome');
  }
}

/** The tier's verdict for explain, or the Pass rules that sent the connection on (empty: no rule matched). */
export function tierVerdict(compiled: CompiledInventory, tier: Tier, query: TierQuery): { readonly verdict: DirectionVerdict } | { readonly passed: readonly TierRuleRef[] } {
  const outcome: TierOutcome = judgeTier(compiled.tiers, tier, query);
  const refs = (rules: readonly CompiledTierRule[]): TierRuleRef[] => rules.map((rule) => tierRuleRef(compiled, rule));
  switch (outcome.kind) {
    case 'none':
      return { passed: [] };
    case 'pass':
      return { passed: refs(outcome.rules) };
    case 'decided':
      return { verdict: { kind: 'tier-decided', verdict: outcome.action === 'Accept' ? 'allow' : 'deny', tier, decidedBy: refs(outcome.rules) } };
    case 'dns':
      return { verdict: { kind: 'depends-on-dns', verdict: 'unknown', tier, rules: refs(outcome.rules) } };
    case 'undecided':
      return { verdict: { kind: 'tier-undecided', verdict: 'unknown', tier, reason: outcome.reason, rules: refs(outcome.rules) } };
    default:
      return assertNever(outcome, 'tier outcome');
  }
}

function tierRuleRef(compiled: CompiledInventory, rule: CompiledTierRule): TierRuleRef {
  const { spec } = compiled.tiers.policies[rule.policy] as CompiledClusterPolicy;
  return {
    kind: spec.kind,
    name: spec.name,
    tier: spec.tier,
    priority: spec.priority,
    rule: rule.spec.path,
    ...(rule.spec.name === undefined ? {} : { ruleName: rule.spec.name }),
    action: rule.spec.action,
    ...(spec.source ? { file: spec.source.file, line: rule.spec.line } : {}),
  };
}
