/**
 * Labels and annotations kubeknock puts on everything it creates, so a sweeper can always find it.
 * Probe pods are found by their run id label alone: it is under kubeknock's own prefix, which no real
 * workload carries. `app.kubernetes.io/managed-by` is a label real workloads carry too (Helm sets
 * `Helm`), so a probe pod standing in for one keeps the workload's value; only a probe pod whose
 * actor names no manager says `kubeknock` there.
 */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'kubeknock';
export const RUN_ID_LABEL = 'kubeknock.dev/run-id';
/** Label keys under this prefix are kubeknock's bookkeeping: a workload or actor never sets them. */
export const RESERVED_LABEL_PREFIX = 'kubeknock.dev/';
export const ACTOR_ANNOTATION = 'kubeknock.dev/actor';
export const SCENARIO_ANNOTATION = 'kubeknock.dev/scenario';
/** Readiness gate nobody sets: probe pods never become Ready, so never Service endpoints. */
export const NEVER_READY_CONDITION = 'kubeknock.dev/never-ready';
/**
 * On the scratch namespace of `doctor --canary`: its value is the Unix time (seconds) after which the
 * namespace is expired, so `cleanup` finds every canary namespace by the key and the next canary
 * sweeps the expired ones by the value, without reading creation times.
 */
export const CANARY_LABEL = 'kubeknock.dev/canary-expires';

/** Label selector for every probe pod kubeknock made (optionally one run's): those with a run id. */
export function managedSelector(runId?: string): string {
  return runId ? `${RUN_ID_LABEL}=${runId}` : RUN_ID_LABEL;
}

/** A pod kubeknock made (of any run, also of versions that marked them by managed-by alone): never a workload, never a target. */
export function isProbePod(labels: Readonly<Record<string, string>>): boolean {
  return labels[RUN_ID_LABEL] !== undefined || labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}
