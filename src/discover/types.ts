/**
 * What discovery finds and plans: workload identities (the pods policies tell apart), the Services in
 * front of them, and the checks that knock on every door. Plain data; built from decoded objects, so a
 * live cluster reader plugs in by handing over its objects.
 */
import type { LabelSelector, Labels, PodKind, Protocol } from '../policy/index.js';
import type { Verdict } from '../policy/index.js';

/** A declared container port: number, protocol and (optionally) the name named-port rules resolve. */
export interface Door {
  readonly port: number;
  readonly protocol: Protocol;
  readonly name?: string;
}

/** One workload that declares a pod: `Deployment shop/web`. */
export interface WorkloadRef {
  readonly kind: PodKind;
  readonly namespace: string;
  readonly name: string;
  readonly file?: string;
  readonly line?: number;
}

/** Pods that look the same to every policy selector: one namespace, one label set. */
export interface Identity {
  /** `namespace/k=v,k=v`: stable, sorted. */
  readonly key: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** Every workload with this namespace and label set, sorted by kind and name. */
  readonly workloads: readonly WorkloadRef[];
  /** Declared ports of all of them, sorted, one per (protocol, port). */
  readonly doors: readonly Door[];
}

export interface ServicePort {
  readonly port: number;
  readonly protocol: Protocol;
  readonly targetPort: number | string;
}

export interface ServiceDoors {
  readonly namespace: string;
  readonly name: string;
  readonly ports: readonly ServicePort[];
  /** Identity keys whose labels the selector matches (none for a Service without selector). */
  readonly backends: readonly string[];
  readonly hasSelector: boolean;
}

export type SkipReason = 'host-network' | 'no-labels' | 'kubeknock-probe' | 'owned';

export interface Skipped {
  readonly workload: WorkloadRef;
  readonly reason: SkipReason;
  readonly note: string;
}

/** Which workloads the user asked for (-n, -A, -l, --exclude-namespace). */
export interface Selection {
  /** Empty: every namespace the input holds. */
  readonly namespaces: readonly string[];
  readonly excludeNamespaces: readonly string[];
  readonly selector?: LabelSelector;
  /**
   * Probe pods will stand in for what is found (discover, run --discover): leave out namespaces where
   * they cannot or should not go (see LeftOutNamespace). A prediction (diff) keeps every namespace.
   */
  readonly forProbePods?: boolean;
}

/**
 * A namespace of the selection that discovery leaves out whole: one being deleted (no probe pod can be
 * created there), or kube-system when no namespace was named (its probe pods would carry the labels of
 * the cluster's own components, CoreDNS's `k8s-app=kube-dns` among them).
 */
export interface LeftOutNamespace {
  readonly namespace: string;
  readonly reason: 'terminating' | 'system';
}

export interface Discovery {
  readonly identities: readonly Identity[];
  readonly services: readonly ServiceDoors[];
  readonly skipped: readonly Skipped[];
  /** Sorted by namespace; said in the plan summary. */
  readonly leftOut: readonly LeftOutNamespace[];
  /** What was searched, in words: for the "found nothing" message and the scenario header. */
  readonly searched: string;
}

/** An expectation written into the scenario: `policy` (judged at run time) or a frozen verdict. */
export type WrittenExpectation = 'policy' | Verdict;
