import { everyCheck, type Scenario } from '../model/scenario.js';
import { changedRefs } from './steps.js';

/**
 * Every namespace a run of these scenarios touches: the actors' (pods are created there), the targets'
 * (of every step) and those the steps change (a Namespace's labels, NetworkPolicies in it).
 */
export function scenarioNamespaces(scenarios: readonly Scenario[]): string[] {
  const namespaces = new Set<string>();
  for (const scenario of scenarios) {
    for (const actor of scenario.actors.values()) namespaces.add(actor.namespace);
    for (const check of everyCheck(scenario)) {
      if (check.to.type === 'service' || check.to.type === 'pods') namespaces.add(check.to.namespace);
    }
    for (const change of (scenario.steps ?? []).flatMap((step) => step.changes)) {
      for (const ref of changedRefs(change)) {
        const namespace = ref.kind === 'Namespace' ? ref.name : ref.namespace;
        if (namespace !== undefined) namespaces.add(namespace);
      }
    }
  }
  return [...namespaces].sort();
}
