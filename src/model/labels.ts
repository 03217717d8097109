/** Labels and annotations kubeknock puts on everything it creates, so a sweeper can always find it. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'kubeknock';
export const RUN_ID_LABEL = 'kubeknock.dev/run-id';
export const ACTOR_ANNOTATION = 'kubeknock.dev/actor';
export const SCENARIO_ANNOTATION = 'kubeknock.dev/scenario';
/** Readiness gate nobody sets: probe pods never become Ready, so never Service endpoints. */
export const NEVER_READY_CONDITION = 'kubeknock.dev/never-ready';

/** Label selector for every object kubeknock manages (optionally one run's). */
export function managedSelector(runId?: string): string {
  const base = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
  return runId ? `${base},${RUN_ID_LABEL}=${runId}` : base;
}

/** A pod kubeknock made (of any run): never a workload, never a target. */
export function isProbePod(labels: Readonly<Record<string, string>>): boolean {
  return labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}
