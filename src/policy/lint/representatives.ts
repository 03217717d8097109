/**
 * Stand-in pods for policies whose namespace has no known pods (a playbook ships policies alone, and
 * kubeknock creates the probe pods later): for each policy, one pod carrying the labels its podSelector
 * asks for. Judging that pod against every policy of the namespace answers "what happens to the pods
 * this policy is written for".
 */
import type { Inventory, Labels, PodSpec, PolicySpec } from '../types.js';

export const REPRESENTATIVE_PREFIX = '(pods selected by ';

export function withRepresentatives(inventory: Inventory): { inventory: Inventory; representatives: ReadonlySet<string> } {
  const populated = new Set(inventory.pods.map((pod) => pod.namespace));
  const extra: PodSpec[] = inventory.policies
    .filter((policy) => !populated.has(policy.namespace))
    .map((policy) => ({
      namespace: policy.namespace,
      name: `${REPRESENTATIVE_PREFIX}${policy.name})`,
      labels: labelsWanted(policy),
      hostNetwork: false,
      containerPorts: [],
      kind: 'Pod',
    }));
  return {
    inventory: { ...inventory, pods: [...inventory.pods, ...extra] },
    representatives: new Set(extra.map((pod) => `${pod.namespace}/${pod.name}`)),
  };
}

function labelsWanted(policy: PolicySpec): Labels {
  const labels: Record<string, string> = { ...policy.podSelector.matchLabels };
  for (const { key, operator, values } of policy.podSelector.matchExpressions ?? []) {
    if (operator === 'In' && values?.[0] !== undefined) labels[key] = values[0];
    if (operator === 'Exists') labels[key] = 'present';
  }
  return labels;
}
