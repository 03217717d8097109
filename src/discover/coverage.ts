/**
 * Which (workload, target) cells a planned check stands for: every member of its source class against
 * every member of its destination class (never a workload against itself) on the check's port, or
 * against the check's Service port and every Service port it stands for. A runner reports covered
 * cells from this; the YAML comments say the same in words.
 */
import { describeTarget, type DiscoveryPlan, type PlannedCheck } from './plan.js';

export interface CoveredPair {
  /** Identity key (`namespace/labels`) and actor name of the source. */
  readonly from: { readonly key: string; readonly actor: string };
  /** The target as the matrix labels it: `actor:port`, `svc/ns/name:port`, `dns:name`, `host:port`. */
  readonly to: string;
}

export function coveredPairs(plan: DiscoveryPlan, check: PlannedCheck): CoveredPair[] {
  const keyOf = new Map(plan.actors.map((actor) => [actor.name, actor.identity.key]));
  const froms = (plan.classes[check.classes.from] ?? []).map((actor) => ({ key: keyOf.get(actor) ?? actor, actor }));
  const { to } = check;
  if (to.type === 'actor') {
    const tos = plan.classes[check.classes.to ?? -1] ?? [];
    return froms.flatMap((from) => tos.filter((actor) => actor !== from.actor).map((actor) => ({ from, to: `${actor}:${to.door.port}` })));
  }
  const targets = [to, ...check.sameAs].map(describeTarget);
  return froms.flatMap((from) => targets.map((target) => ({ from, to: target })));
}
