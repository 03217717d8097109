/** Nodes as the ports describe them: plain data, no client-node type (src/cluster converts). */

export interface NodeTaint {
  readonly key: string;
  readonly value?: string;
  /** NoSchedule, PreferNoSchedule or NoExecute. */
  readonly effect: string;
}

export interface NodeInfo {
  /** metadata.name: what `node:` names and the pod's node affinity matches (metadata.name In [NAME]). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The Ready condition is True. */
  readonly ready: boolean;
  /** spec.unschedulable: cordoned. */
  readonly unschedulable: boolean;
  readonly taints: readonly NodeTaint[];
  /** Its InternalIP and ExternalIP addresses (both families): a socket peer with one of them is this node. */
  readonly addresses?: readonly string[];
  /** spec.podCIDRs. */
  readonly podCIDRs?: readonly string[];
}

/** What a node list returned: the nodes, or a refusal by RBAC (`list nodes` is cluster-scoped). */
export type NodeListing =
  | { readonly type: 'listed'; readonly nodes: readonly NodeInfo[] }
  | { readonly type: 'forbidden'; readonly message: string };
