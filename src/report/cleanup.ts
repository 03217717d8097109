/** What `cleanup` found and did, one pod a line. Pure. */
import { RUN_ID_LABEL } from '../model/labels.js';
import type { CleanupResult } from '../model/cleanup.js';

export function renderCleanup(result: CleanupResult): string {
  const where = result.namespace ? `in namespace ${result.namespace}` : 'in any namespace';
  if (result.pods.length === 0) return `No kubeknock pods (${result.selector}) ${where}.\n`;
  const verb = result.failure ? 'Tried to delete' : result.deleted ? 'Deleted' : 'Would delete';
  const lines = result.pods.map((pod) => {
    const runId = pod.labels[RUN_ID_LABEL];
    return `  ${pod.namespace}/${pod.name}${runId ? `  run ${runId}` : ''}${pod.phase ? `  ${pod.phase}` : ''}${pod.deleting ? '  (already terminating)' : ''}`;
  });
  const failure = result.failure ? `✗ ${result.failure}\n` : '';
  return `${verb} ${result.pods.length} kubeknock pod${result.pods.length === 1 ? '' : 's'} (${result.selector}) ${where}:\n${lines.join('\n')}\n${failure}`;
}
