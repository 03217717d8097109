/** What `kubeknock cleanup` found and did: built by src/app/cleanup.ts, rendered by src/report/cleanup.ts. */
import type { PodInfo } from './pods.js';

export interface CleanupResult {
  readonly selector: string;
  readonly namespace?: string;
  readonly pods: readonly PodInfo[];
  /** Scratch namespaces of `doctor --canary` (label kubeknock.dev/canary-expires); absent when not looked for. */
  readonly canaryNamespaces?: readonly string[];
  /** Why canary namespaces could not be looked for (RBAC refusing `list namespaces`); the pods were still cleaned up. */
  readonly canaryLookupFailure?: string;
  /** False on a dry run, when nothing was found, or when deleting failed. */
  readonly deleted: boolean;
  /** Why deleting (or waiting for the pods to go) failed; the pods listed may be partly gone. */
  readonly failure?: string;
}
