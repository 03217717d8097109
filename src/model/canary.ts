/**
 * What `doctor --canary` found: whether a deny-all NetworkPolicy is enforced at all, proven with two
 * probe pods in a scratch namespace. Built by src/app/canary/run.ts, shown as a doctor check.
 */
import type { Outcome } from './outcome.js';

/** How the enforcer denied the knock: REJECT-style enforcers (kube-router) refuse, DROP-style ones time out. */
export type CanaryDenial = 'refused' | 'timeout' | 'no-route';

export type CanaryVerdict =
  /** The client connected, the deny-all went in, and a knock was then denied (and the next one too). */
  | { readonly type: 'enforced'; readonly afterMs: number; readonly denial: CanaryDenial; readonly knocks: number }
  /** The client still connected `waitedMs` after the deny-all was applied. */
  | { readonly type: 'not-enforced'; readonly waitedMs: number; readonly knocks: number }
  /** Before any policy, the client never connected to its server: nothing can be said about enforcement. */
  | { readonly type: 'network-broken'; readonly waitedMs: number; readonly last?: Outcome }
  /** The canary could not run (pods that cannot start, an API error, knocks that could not tell). */
  | { readonly type: 'failed'; readonly message: string }
  /** SIGINT/SIGTERM: stopped, and cleaned up. */
  | { readonly type: 'interrupted' };

export type CanaryCleanup =
  /** The namespace (and with it the pods and the policy) is gone. */
  | { readonly type: 'removed'; readonly ms: number }
  /** Nothing was created. */
  | { readonly type: 'nothing' }
  | { readonly type: 'failed'; readonly message: string };

export interface CanaryResult {
  /** The scratch namespace, `kubeknock-canary-XXXXX`. */
  readonly namespace: string;
  readonly runId: string;
  readonly verdict: CanaryVerdict;
  readonly cleanup: CanaryCleanup;
  /** Expired canary namespaces of earlier, killed canaries that this one removed first. */
  readonly swept: readonly string[];
}
