/**
 * What manifests or the live cluster add to the flows: every workload of a namespace (so a selector is
 * checked against the silent ones too, not only those seen talking), declared named ports, Services
 * (to find the backends of a flow seen only by the Service address its client dialled) and whether the
 * cluster's DNS pods carry the usual labels.
 */
import { findWorkloads } from '../../discover/index.js';
import { describeRef } from '../../discover/find-workloads.js';
import type { Door } from '../../discover/index.js';
import { isClusterDns, type Inventory, type Labels, type ServiceSpec } from '../../policy/index.js';

export interface FactIdentity {
  readonly namespace: string;
  /** As found, unstable labels included (a live read of Deployment pods carries pod-template-hash). */
  readonly labels: Labels;
  readonly workloads: readonly string[];
  readonly doors: readonly Door[];
}

export interface ProposeFacts {
  /** "the manifests" or "the cluster", for comments. */
  readonly from: string;
  readonly identities: readonly FactIdentity[];
  readonly services: readonly ServiceSpec[];
  /** Pods in kube-system labelled k8s-app=kube-dns (not hostNetwork). */
  readonly dnsPods: number;
}

export function factsOf(inventory: Inventory, from: string): ProposeFacts {
  const discovery = findWorkloads(inventory, { namespaces: [], excludeNamespaces: [] });
  return {
    from,
    identities: discovery.identities.map((identity) => ({
      namespace: identity.namespace,
      labels: identity.labels,
      workloads: identity.workloads.map(describeRef),
      doors: identity.doors,
    })),
    services: inventory.services,
    dnsPods: inventory.pods.filter(isClusterDns).length,
  };
}
