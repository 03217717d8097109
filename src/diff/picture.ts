/**
 * The one picture both states are judged on: the current objects, plus the Namespaces, workloads and
 * Services that only the candidate files bring (a new namespace and its policies often come in one
 * file). An object both give is taken from the current side: diff compares NetworkPolicies, and a
 * label change of a Namespace or a workload is not one, so it is named in a note instead.
 */
import { NAMESPACE_NAME_LABEL, type Inventory, type Labels, type PolicySpec } from '../policy/index.js';

export interface Picture {
  readonly inventory: Inventory;
  readonly notes: readonly string[];
}

export function mergePicture(current: Inventory, candidate: Inventory): Picture {
  const notes: string[] = [];
  const namespaces = new Map(current.namespaces.map((ns) => [ns.name, ns]));
  const addedNamespaces = candidate.namespaces.filter((ns) => {
    const known = namespaces.get(ns.name);
    // The API server sets the name label on every namespace; a manifest rarely writes it.
    if (known && !sameLabels(withoutNameLabel(known.labels), withoutNameLabel(ns.labels))) {
      notes.push(`Namespace ${ns.name}: the candidate files give labels ${describe(withoutNameLabel(ns.labels))}, the current state has ${describe(withoutNameLabel(known.labels))}; both states are judged with the current ones`);
    }
    return !known;
  });
  const podKey = (pod: { kind: string; namespace: string; name: string }): string => `${pod.kind} ${pod.namespace}/${pod.name}`;
  const pods = new Map(current.pods.map((pod) => [podKey(pod), pod]));
  const addedPods = candidate.pods.filter((pod) => {
    const known = pods.get(podKey(pod));
    if (known && !sameLabels(known.labels, pod.labels)) {
      notes.push(`${podKey(pod)}: the candidate files give pod labels ${describe(pod.labels)}, the current state has ${describe(known.labels)}; both states are judged with the current ones`);
    }
    return !known;
  });
  const services = new Set(current.services.map((service) => `${service.namespace}/${service.name}`));
  return {
    inventory: {
      namespaces: [...current.namespaces, ...addedNamespaces],
      pods: [...current.pods, ...addedPods],
      services: [...current.services, ...candidate.services.filter((service) => !services.has(`${service.namespace}/${service.name}`))],
      policies: current.policies,
      // The current cluster-scoped policies stay in every state (app/diff.ts refuses candidate ones).
      ...(current.clusterPolicies ? { clusterPolicies: current.clusterPolicies } : {}),
    },
    notes,
  };
}

/** Whether two versions of a policy say the same thing (where they are written does not count). */
export function samePolicy(a: PolicySpec, b: PolicySpec): boolean {
  return meaning(a) === meaning(b);
}

function meaning(policy: PolicySpec): string {
  return JSON.stringify({ namespace: policy.namespace, name: policy.name, podSelector: policy.podSelector, ingress: policy.ingress, egress: policy.egress }, (key, value: unknown) =>
    key === 'line' ? undefined : value,
  );
}

function withoutNameLabel(labels: Labels): Labels {
  return Object.fromEntries(Object.entries(labels).filter(([key]) => key !== NAMESPACE_NAME_LABEL));
}

export function sameLabels(a: Labels, b: Labels): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

function describe(labels: Labels): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
  return pairs.length > 0 ? pairs.join(',') : '(none)';
}
