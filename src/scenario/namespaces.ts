import type { Scenario } from '../model/scenario.js';

/** Every namespace a run of these scenarios touches: the actors' (pods are created there) and the targets'. */
export function scenarioNamespaces(scenarios: readonly Scenario[]): string[] {
  const namespaces = new Set<string>();
  for (const scenario of scenarios) {
    for (const actor of scenario.actors.values()) namespaces.add(actor.namespace);
    for (const check of scenario.checks) {
      if (check.to.type === 'service' || check.to.type === 'pods') namespaces.add(check.to.namespace);
    }
  }
  return [...namespaces].sort();
}
