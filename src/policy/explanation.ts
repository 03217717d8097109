/** The engine's answer for one connection: a verdict per direction, and why. */
import type { ClusterPolicyKind, Protocol, Tier, TierAction } from './types.js';

export type Verdict = 'allow' | 'deny';

/**
 * A verdict, or `unknown` where only an ipBlock could decide and the pod's IP is not known: the policies
 * alone cannot say, so no command guesses (predict shows `?`, explain says why, snapshots skip the cell).
 */
export type Judgement = Verdict | 'unknown';

export interface PolicyRef {
  readonly namespace: string;
  readonly name: string;
  readonly file?: string;
  readonly line?: number;
}

/** A rule that admitted the connection: which peer entry and which port entry matched. */
export interface RuleMatch {
  readonly policy: PolicyRef;
  /** e.g. `spec.ingress[1]` */
  readonly rule: string;
  /** e.g. `from[0]`, or `any peer` for a rule without `from`/`to`. */
  readonly peer: string;
  /** e.g. `ports[2] (TCP 5432)`, or `any port`. */
  readonly port: string;
}

/** A rule of an isolating policy that did not admit the connection, and on what it failed. */
export interface RuleMiss {
  readonly policy: PolicyRef;
  readonly rule: string;
  readonly peerMatched: boolean;
  readonly portMatched: boolean;
  /** What the rule admits, in words: its peers (empty: every peer) and ports (empty: every port). */
  readonly wants: { readonly peers: readonly string[]; readonly ports: readonly string[] };
}

/** A rule of a cluster-scoped policy that acted on the connection (or could have). */
export interface TierRuleRef {
  readonly kind: ClusterPolicyKind;
  readonly name: string;
  readonly tier: Tier;
  readonly priority: number;
  /** e.g. `spec.egress[1]` */
  readonly rule: string;
  /** The rule's `name`, when it has one. */
  readonly ruleName?: string;
  readonly action: TierAction;
  readonly file?: string;
  readonly line?: number;
}

/** Every direction verdict may carry the Admin-tier Pass rules that sent the connection on to NetworkPolicy. */
export type DirectionVerdict = DirectionVerdictKind & { readonly passed?: readonly TierRuleRef[] };

type DirectionVerdictKind =
  /** A cluster-scoped policy decided (Accept or Deny): `decidedBy` holds one rule, or several same-priority ones that agree. */
  | { readonly kind: 'tier-decided'; readonly verdict: Verdict; readonly tier: Tier; readonly decidedBy: readonly TierRuleRef[] }
  /** The first rule that could act names domains (domainNames): only DNS at run time can tell, so no verdict is claimed. */
  | { readonly kind: 'depends-on-dns'; readonly verdict: 'unknown'; readonly tier: Tier; readonly rules: readonly TierRuleRef[] }
  /**
   * A cluster-scoped policy cannot be judged offline: a `networks` peer and a pod without a known IP, a
   * `nodes` peer (node addresses are not in the input), or same-priority policies that disagree.
   */
  | {
      readonly kind: 'tier-undecided';
      readonly verdict: 'unknown';
      readonly tier: Tier;
      readonly reason: 'pod-ip-unknown' | 'node-unknown' | 'same-priority';
      readonly rules: readonly TierRuleRef[];
    }
  /** No policy selects the pod for this direction: everything is allowed. */
  | { readonly kind: 'not-isolated'; readonly verdict: 'allow' }
  /** hostNetwork pods are never selected by a policy. */
  | { readonly kind: 'host-network'; readonly verdict: 'allow' }
  /** This end is an address outside the known pods: no policy of ours governs its side. */
  | { readonly kind: 'outside'; readonly verdict: 'allow' }
  | { readonly kind: 'allowed'; readonly verdict: 'allow'; readonly isolatedBy: readonly PolicyRef[]; readonly allowedBy: readonly RuleMatch[] }
  | { readonly kind: 'denied'; readonly verdict: 'deny'; readonly isolatedBy: readonly PolicyRef[]; readonly misses: readonly RuleMiss[] }
  /**
   * No rule admits for sure, but `undecided` ones would if the other pod's address (unknown: `pod`)
   * falls in their ipBlock; `misses` are the other rules.
   */
  | {
      readonly kind: 'ip-unknown';
      readonly verdict: 'unknown';
      readonly pod: string;
      readonly isolatedBy: readonly PolicyRef[];
      readonly undecided: readonly RuleMiss[];
      readonly misses: readonly RuleMiss[];
    };

export interface Explanation {
  /** `namespace/pod` or the address. */
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** allow only when the source's egress AND the destination's ingress both allow; deny when either denies; else unknown. */
  readonly verdict: Judgement;
  /**
   * A pod talking to itself. CNIs disagree on whether policy applies; the verdict follows the policy
   * letter, and callers report such pairs apart instead of as pass/fail.
   */
  readonly loopback: boolean;
  readonly egress: DirectionVerdict;
  readonly ingress: DirectionVerdict;
}
