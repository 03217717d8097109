/**
 * Judging one direction of a connection by one tier of cluster-scoped policies. The API's rules:
 * policies are judged by priority, the lowest number first; within a policy its rules in order, and the
 * first rule whose peer and port match acts. Accept and Deny decide; Pass skips the rest of the tier.
 * A policy without rules for this direction does not affect it. Two policies of one priority that both
 * match: the API lets an implementation apply either, so when they disagree the outcome is undecided
 * (never a coin toss); when they agree, it is their common action.
 */
import type { IpVersion, ParsedIp } from './cidr.js';
import type { CompiledClusterPolicy, CompiledPod, CompiledTierRule, CompiledTiers, Direction, PeerJudgement } from './compiled.js';
import { tierPortsMatch } from './tier-compile.js';
import type { Protocol, Tier } from './types.js';

export type TierOther = { readonly type: 'pod'; readonly pod: CompiledPod } | { readonly type: 'address'; readonly ip: ParsedIp };

export interface TierQuery {
  readonly direction: Direction;
  readonly subject: CompiledPod;
  readonly other: TierOther;
  readonly destination: CompiledPod | undefined;
  readonly port: number;
  readonly protocol: Protocol;
  readonly family: IpVersion | undefined;
}

export type TierOutcome =
  /** No policy of the tier matched: the next tier judges. */
  | { readonly kind: 'none' }
  | { readonly kind: 'pass'; readonly rules: readonly CompiledTierRule[] }
  | { readonly kind: 'decided'; readonly action: 'Accept' | 'Deny'; readonly rules: readonly CompiledTierRule[] }
  /** The first rule that could act names domains: only DNS at run time can tell. */
  | { readonly kind: 'dns'; readonly rules: readonly CompiledTierRule[] }
  /** An address or node the inventory does not know, or same-priority policies that disagree. */
  | { readonly kind: 'undecided'; readonly reason: 'pod-ip-unknown' | 'node-unknown' | 'same-priority'; readonly rules: readonly CompiledTierRule[] };

export function judgeTier(tiers: CompiledTiers, tier: Tier, query: TierQuery): TierOutcome {
  for (const group of tiers.groups[tier]) {
    const results = group.flatMap((policy) => policyOutcome(policy, query) ?? []);
    const [first] = results;
    if (first === undefined) continue;
    const rules = results.map((result) => result.rule);
    if (results.every((result) => result.effect === first.effect)) return outcomeOf(first.effect, rules);
    const unsure = results.find((result) => result.effect !== 'Accept' && result.effect !== 'Deny' && result.effect !== 'Pass');
    return unsure ? outcomeOf(unsure.effect, [unsure.rule]) : { kind: 'undecided', reason: 'same-priority', rules };
  }
  return { kind: 'none' };
}

type Effect = 'Accept' | 'Deny' | 'Pass' | 'dns' | 'ip-unknown' | 'node-unknown';

/** The first rule of a policy selecting the subject that matches, or could: its effect. */
function policyOutcome(policy: CompiledClusterPolicy, query: TierQuery): { effect: Effect; rule: CompiledTierRule } | undefined {
  if (policy.selects[query.subject.index] !== 1) return undefined;
  for (const rule of policy[query.direction]) {
    if (!tierPortsMatch(rule.spec.ports, query.port, query.protocol, query.destination)) continue;
    const peer = rulePeer(rule, query);
    if (peer === 'miss') continue;
    return { effect: peer === 'match' ? rule.spec.action : peer, rule };
  }
  return undefined;
}

/** A match by any peer wins; otherwise the first reason a peer could not be judged. */
function rulePeer(rule: CompiledTierRule, query: TierQuery): PeerJudgement {
  let open: PeerJudgement = 'miss';
  for (const peer of rule.peers) {
    const judged = query.other.type === 'pod' ? peer.matchesPod(query.other.pod, query.family) : peer.matchesIp(query.other.ip);
    if (judged === 'match') return 'match';
    if (open === 'miss') open = judged;
  }
  return open;
}

function outcomeOf(effect: Effect, rules: readonly CompiledTierRule[]): TierOutcome {
  switch (effect) {
    case 'Accept':
    case 'Deny':
      return { kind: 'decided', action: effect, rules };
    case 'Pass':
      return { kind: 'pass', rules };
    case 'dns':
      return { kind: 'dns', rules };
    case 'ip-unknown':
      return { kind: 'undecided', reason: 'pod-ip-unknown', rules };
    case 'node-unknown':
      return { kind: 'undecided', reason: 'node-unknown', rules };
  }
}
