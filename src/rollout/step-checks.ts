/**
 * What each phase of a rollout expects of a scenario's checks. A scenario states the goal (the state
 * after the whole rollout); on the way there, a connection may close only when the goal closes it, and
 * one that must stay open must never close:
 *
 *   baseline  (before any change)  every check judged by the policies as they are (`expect: policy`):
 *                                  the network must behave as its policies say before anything moves.
 *   step      (not the last)       a written `allow` that was seen open at an earlier phase stays
 *                                  `allow`: closing it now is the outage a rollout must never cause.
 *                                  Everything else: what the policies say at this step.
 *   final     (the last step)      the checks as written: the goal.
 *   restored  (after a rollback)   like baseline: the policies as they were must hold again.
 *
 * Targets no policy can judge (a Service name, a URL, DNS) keep a written `allow` at every phase (DNS
 * must never break on the way) and a written `deny` only at the final step.
 */
import type { Check, Target } from '../model/scenario.js';

export type RolloutPhase = 'baseline' | 'step' | 'final' | 'restored';

/** Targets the policy engine can judge: a pod (by actor or selector) or an address. */
function judgeable(target: Target): boolean {
  return target.type === 'actor' || target.type === 'pods' || target.type === 'host';
}

/**
 * The checks of one phase. `seenOpen` holds the ids of checks observed allowed (and passing) at an
 * earlier phase.
 */
export function checksForPhase(checks: readonly Check[], phase: RolloutPhase, seenOpen: ReadonlySet<string>): Check[] {
  return checks.flatMap((check): Check[] => {
    if (phase === 'final') return [check];
    if (!judgeable(check.to)) return check.expect === 'allow' ? [check] : [];
    if (phase === 'step' && check.expect === 'allow' && seenOpen.has(check.id)) return [check];
    return [{ ...check, expect: 'policy' }];
  });
}
