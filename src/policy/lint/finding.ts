/** What lint reports: one problem, tied to a policy and a field whenever there is one. */
import type { ClusterPolicyKind } from '../types.js';

export const LINT_RULES = [
  'invalid-shape', //        the API server would reject the policy
  'or-peers', //             a namespaceSelector item and a podSelector item in one list: OR, probably meant AND
  'egress-without-dns', //   egress isolated but DNS (UDP and TCP 53) not allowed
  'selects-no-pod', //       podSelector matches none of the known pods
  'peer-matches-no-pod', //  a from/to peer that matches none of the known pods (a typo, e.g. name: cart for name: carts)
  'unreachable', //          a pod isolated for ingress whose rules admit none of the known pods and no address
  'legacy-default-deny', //  the beta DefaultDeny namespace annotation, which no Kubernetes since 1.7 honours
  'never-matches', //        a port entry that never admits what was meant (named port no pod declares, Service port instead of targetPort)
  'namespace-wide-open', //  workloads in a namespace that no policy governs
  'baseline-overridden', //  a Baseline Deny on pods a NetworkPolicy selects, which therefore never applies
  'pass-to-nothing', //      an Admin Pass where nothing below judges: Accept in disguise
  'dns-cut-by-admin', //     an Admin egress Deny that cuts DNS, which no NetworkPolicy can give back
  'shadowed-rule', //        a cluster-scoped rule that never acts: an earlier or higher-priority rule always matches first
] as const;

export type LintRule = (typeof LINT_RULES)[number];

export interface LintFinding {
  readonly rule: LintRule;
  /** `error`: the API server rejects it; `warning`: accepted, but likely not what was meant. */
  readonly severity: 'error' | 'warning';
  readonly namespace: string;
  /** Policy name; absent for namespace-level findings. */
  readonly policy?: string;
  /** Set for a cluster-scoped policy (then `namespace` is empty); absent: a NetworkPolicy. */
  readonly kind?: ClusterPolicyKind;
  /** Field path, e.g. `spec.ingress[0].from`; empty for namespace-level findings. */
  readonly field: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
}
