/**
 * A proposal: least-privilege NetworkPolicies built from observed flows, as plain data (the renderer
 * turns it into YAML). Every rule carries the flows that justify it, so a reviewer can check each one.
 */
import type { Labels, Protocol } from '../../policy/types.js';

/** A label selector as the proposal writes it: matchLabels, plus DoesNotExist keys where labels alone cannot single a workload out. */
export interface ProposedSelector {
  readonly matchLabels: Labels;
  readonly doesNotExist: readonly string[];
}

/** How one workload identity is selected, and why those labels. */
export interface SelectorChoice {
  /** The stable identity key, `namespace/k=v,…` over the stable labels. */
  readonly key: string;
  readonly namespace: string;
  /** Short readable name: the workload's name, else its chosen label values. */
  readonly name: string;
  /** Undefined when the identity has no stable label at all: no selector can name it. */
  readonly selector: ProposedSelector | undefined;
  /** Why these labels, in words, for the comment. */
  readonly reason: string;
}

export type PolicyDirection = 'Ingress' | 'Egress';

/** One `from`/`to` entry: always ONE peer per rule, so a namespaceSelector and its podSelector stay ANDed. */
export type ProposedPeer =
  /** `namespace` undefined: the policy's own namespace (podSelector alone). */
  | { readonly type: 'pods'; readonly namespace: string | undefined; readonly selector: ProposedSelector; readonly name: string }
  | { readonly type: 'ipBlock'; readonly cidr: string };

/** A port entry: a number, or the destination's named container port. */
export interface ProposedPort {
  readonly protocol: Protocol;
  readonly port: number | string;
}

export interface ProposedRule {
  readonly peer: ProposedPeer;
  readonly ports: readonly ProposedPort[];
  /** Comment lines: the flows that justify the rule, and a review note for ipBlocks. */
  readonly because: readonly string[];
}

export interface ProposedPolicy {
  readonly name: string;
  readonly namespace: string;
  /** Comment lines above the policy. */
  readonly about: readonly string[];
  /** Undefined: `{}` (every pod of the namespace). */
  readonly podSelector: ProposedSelector | undefined;
  readonly policyTypes: readonly PolicyDirection[];
  readonly ingress: readonly ProposedRule[];
  readonly egress: readonly ProposedRule[];
}

export interface NamespaceProposal {
  readonly namespace: string;
  readonly policies: readonly ProposedPolicy[];
  /** The selectors this namespace's policies use (any namespace's workloads), sorted by key. */
  readonly selectors: readonly SelectorChoice[];
  /** Observed flows of this namespace that no rule covers, each with the reason (for the header). */
  readonly notCovered: readonly string[];
  /** Flows from nodes into this namespace's workloads: no rule (see NODE_FLOWS_NOTE). */
  readonly fromNodes: readonly string[];
  /** Flows with an end in this namespace. */
  readonly flowCount: number;
  /** Where the DNS pods' selector comes from, in words. */
  readonly dns: string;
}

export interface Proposal {
  readonly namespaces: readonly NamespaceProposal[];
}
