/**
 * Observed traffic: which workload really talked to which, as `kubeknock observe` saw it in the
 * kernel's socket tables (and, where readable, the node's conntrack table). Plain data shared by the
 * fold (samples → flows), the flows file, and what reads flows: diff, rollout, discover and propose.
 *
 * Parties use the identities `discover` uses (namespace + the labels that tell pods apart, key
 * `namespace/k=v,k=v`), so a flow and a door line up.
 */
import type { IpFamily } from '../model/family.js';
import type { Labels } from '../policy/types.js';

export const FLOWS_API_VERSION = 'kubeknock.dev/v1alpha1';
export const FLOWS_KIND = 'Flows';

/** Socket tables know TCP and UDP only (SCTP has no /proc/net table of this form). */
export type FlowProtocol = 'TCP' | 'UDP';

/** One end of a flow. */
export type FlowParty =
  /** Pods of one discover identity (hostNetwork pods never appear: they share the node's sockets). */
  | {
      readonly kind: 'workload';
      /** The discover identity key, `namespace/k=v,k=v`. */
      readonly identity: string;
      readonly namespace: string;
      /** The identity's labels: the pod-template labels that select the workload (no pod-template-hash). */
      readonly labels: Labels;
      /** `Deployment shop/web`, sorted; empty for a bare pod's identity. */
      readonly workloads: readonly string[];
    }
  /** A node's own address (kubelet probes, hostNetwork pods, NodePort traffic). */
  | { readonly kind: 'node'; readonly name: string }
  /** Anything that is neither a pod, a Service nor a node of this cluster. */
  | { readonly kind: 'external'; readonly address: string };

/** A Service ClusterIP the client dialled (seen before DNAT in conntrack, or in the client's socket). */
export interface FlowService {
  readonly namespace: string;
  readonly name: string;
  /** The Service port the client dialled. */
  readonly port: number;
}

/** Who saw a flow: the client's socket, the server's socket, or the node's conntrack table. */
export type FlowWitness = 'client' | 'server' | 'conntrack';

export interface Flow {
  readonly source: FlowParty;
  /**
   * Where the traffic arrived. A flow whose client dialled a Service and whose backend is not known
   * (no server-side socket, no conntrack entry) has no destination party but `via`.
   */
  readonly destination: FlowParty | undefined;
  readonly via?: FlowService;
  /** The destination port as the server sees it (after DNAT: the targetPort). */
  readonly port: number;
  /** The server's named container port for `port`, when it declares one. */
  readonly portName?: string;
  readonly protocol: FlowProtocol;
  /** Families it was seen on, sorted. */
  readonly families: readonly IpFamily[];
  /** ISO 8601, UTC, whole seconds. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** How many samples saw it (a sample is one node's look at one interval). */
  readonly samples: number;
  readonly seenBy: readonly FlowWitness[];
}

/** A node whose collector answered, or did not (named with the reason). */
export interface ObservedNode {
  readonly name: string;
  readonly status: 'observed' | 'not-observed';
  readonly reason?: string;
  /** Samples this node answered. */
  readonly samples: number;
  readonly conntrack: 'read' | 'unreadable';
}

/** What a flows file says about its window, honestly. */
export interface FlowsWindow {
  /** ISO 8601 UTC. */
  readonly start: string;
  readonly end: string;
  readonly intervalSeconds: number;
  /** Whether the window ended early (Ctrl-C) or ran its full length. */
  readonly ended: 'completed' | 'interrupted';
}

export interface FlowsCoverage {
  readonly nodes: readonly ObservedNode[];
  /** Pods whose traffic cannot be seen, with the reason: `shop/metrics-agent: hostNetwork`. */
  readonly unseen: readonly string[];
}

export interface FlowsDocument {
  readonly apiVersion: typeof FLOWS_API_VERSION;
  readonly kind: typeof FLOWS_KIND;
  /** The API server URL the flows were observed on: a flows file is refused on another cluster. */
  readonly cluster: { readonly server: string };
  /** Namespaces observed (the selection), sorted. */
  readonly namespaces: readonly string[];
  readonly window: FlowsWindow;
  readonly coverage: FlowsCoverage;
  /** Sorted: source, destination, port, protocol. */
  readonly flows: readonly Flow[];
}
