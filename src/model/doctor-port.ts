/**
 * What `doctor` needs to know about a cluster, as plain facts. src/cluster/inspect.ts answers it with
 * client-node; tests answer it from memory. Every method may reject with an InfraError whose message
 * says what failed; the doctor turns that into a ✗ line instead of stopping.
 */

export type { AccessAnswer, AccessQuestion } from './permissions.js';
import type { AccessAnswer, AccessQuestion } from './permissions.js';
import type { ClusterPolicyScan } from './cluster-policies.js';
import type { PodInfo } from './pods.js';

/** A pod or DaemonSet of the cluster's system namespaces, as seen for CNI detection. */
export interface SystemWorkload {
  readonly kind: 'Pod' | 'DaemonSet';
  readonly namespace: string;
  readonly name: string;
  readonly images: readonly string[];
}

export interface NamespaceFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface DoctorPort {
  readonly server: string;
  readonly context?: string;
  /** Where the kubeconfig came from: flag, env, default-file, in-cluster. */
  readonly source: string;
  /** The context's namespace, or `default`. */
  readonly defaultNamespace: string;
  /** "v1.34.2"; rejects when the API server cannot be reached or refuses us. */
  serverVersion(): Promise<string>;
  canI(question: AccessQuestion): Promise<AccessAnswer>;
  /** DaemonSets of every namespace (or of kube-system when listing all is forbidden) and kube-system pods. */
  systemWorkloads(): Promise<readonly SystemWorkload[]>;
  /** undefined when the namespace does not exist. */
  namespace(name: string): Promise<NamespaceFacts | undefined>;
  listNamespaces(): Promise<readonly NamespaceFacts[]>;
  /** Number of NetworkPolicies per namespace, across the cluster (namespaces without any are absent). */
  networkPolicyCounts(): Promise<ReadonlyMap<string, number>>;
  /**
   * kubeknock's probe pods (label app.kubernetes.io/managed-by=kubeknock) of every namespace, or of
   * these namespaces when listing pods cluster-wide is forbidden; `scope` says which it was.
   */
  probePods(namespaces: readonly string[]): Promise<{ readonly scope: 'cluster' | 'namespaces'; readonly pods: readonly PodInfo[] }>;
  /** AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy: served versions and objects. */
  clusterPolicies(): Promise<ClusterPolicyScan>;
  /** Milliseconds since the epoch, for pod ages. */
  now(): number;
}
