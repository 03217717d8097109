/**
 * Which workload pairs a planned check stands for: every member of its source class against every
 * member of its destination class (but never a workload against itself). A runner reports covered
 * cells from this; the YAML comments say the same in words.
 */
import type { DiscoveryPlan, PlannedCheck } from './plan.js';

export interface CoveredPair {
  /** Identity keys (`namespace/labels`) and actor names of the two ends. */
  readonly from: { readonly key: string; readonly actor: string };
  /** Absent for Service, DNS and host checks: the target is the same for every source. */
  readonly to?: { readonly key: string; readonly actor: string };
}

export function coveredPairs(plan: DiscoveryPlan, check: PlannedCheck): CoveredPair[] {
  const end = (actor: string): { key: string; actor: string } => ({ key: plan.actors.find((a) => a.name === actor)?.identity.key ?? actor, actor });
  const froms = plan.classes[check.classes.from] ?? [];
  if (check.classes.to === undefined) return froms.map((from) => ({ from: end(from) }));
  const tos = plan.classes[check.classes.to] ?? [];
  return froms.flatMap((from) => tos.filter((to) => to !== from).map((to) => ({ from: end(from), to: end(to) })));
}
