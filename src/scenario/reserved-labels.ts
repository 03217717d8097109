import { MANAGED_BY_LABEL, RUN_ID_LABEL } from '../model/labels.js';

/** Labels kubeknock sets on every probe pod: an actor may not set them, nor a step change them. */
export function reservedLabelProblem(key: string, fix: string): string | undefined {
  if (key !== MANAGED_BY_LABEL && key !== RUN_ID_LABEL) return undefined;
  return `"${key}" is set by kubeknock on every probe pod (it is how leftovers are found); ${fix}`;
}
