import { RESERVED_LABEL_PREFIX, RUN_ID_LABEL } from '../model/labels.js';

/**
 * Labels kubeknock sets on every probe pod to find it again: an actor may not set them, nor a step change
 * them. Only kubeknock's own prefix is reserved; every label a real workload carries (Helm's
 * `app.kubernetes.io/managed-by: Helm` too) is the actor's to copy, or the probe would not look like it.
 */
export function reservedLabelProblem(key: string, fix: string): string | undefined {
  if (!key.startsWith(RESERVED_LABEL_PREFIX)) return undefined;
  return `"${key}" is under kubeknock's own prefix ${RESERVED_LABEL_PREFIX} (kubeknock sets ${RUN_ID_LABEL} on every probe pod; it is how leftovers are found); ${fix}`;
}
