/** What `cleanup` found and did, one pod a line. Pure. */
import { CANARY_LABEL, RUN_ID_LABEL } from '../model/labels.js';
import type { CleanupResult } from '../model/cleanup.js';

export function renderCleanup(result: CleanupResult): string {
  const namespaces = result.canaryNamespaces ?? [];
  const verb = result.failure ? 'Tried to delete' : result.deleted ? 'Deleted' : 'Would delete';
  const canary =
    namespaces.length === 0
      ? ''
      : `${verb} ${namespaces.length} canary namespace${namespaces.length === 1 ? '' : 's'} (${CANARY_LABEL}) that doctor --canary left:\n${namespaces.map((name) => `  ${name}`).join('\n')}\n`;
  const lookup = result.canaryLookupFailure ? `! could not look for canary namespaces: ${result.canaryLookupFailure}\n` : '';
  const failure = result.failure ? `✗ ${result.failure}\n` : '';
  return `${renderPods(result, verb)}${canary}${lookup}${failure}`;
}

function renderPods(result: CleanupResult, verb: string): string {
  const where = result.namespace ? `in namespace ${result.namespace}` : 'in any namespace';
  if (result.pods.length === 0) return `No kubeknock pods (${result.selector}) ${where}.\n`;
  const lines = result.pods.map((pod) => {
    const runId = pod.labels[RUN_ID_LABEL];
    return `  ${pod.namespace}/${pod.name}${runId ? `  run ${runId}` : ''}${pod.phase ? `  ${pod.phase}` : ''}${pod.deleting ? '  (already terminating)' : ''}`;
  });
  return `${verb} ${result.pods.length} kubeknock pod${result.pods.length === 1 ? '' : 's'} (${result.selector}) ${where}:\n${lines.join('\n')}\n`;
}
