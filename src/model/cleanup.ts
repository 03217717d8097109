/** What `kubeknock cleanup` found and did: built by src/app/cleanup.ts, rendered by src/report/cleanup.ts. */

/** A kubeknock pod as cleanup saw it (a subset of the probe port's PodInfo). */
export interface CleanupPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly phase?: string;
  readonly deleting: boolean;
}

export interface CleanupResult {
  readonly selector: string;
  readonly namespace?: string;
  readonly pods: readonly CleanupPod[];
  /** False on a dry run, when nothing was found, or when deleting failed. */
  readonly deleted: boolean;
  /** Why deleting (or waiting for the pods to go) failed; the pods listed may be partly gone. */
  readonly failure?: string;
}
