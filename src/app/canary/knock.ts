/**
 * One knock of the canary client on its server: the batch script of a run with a single tcp task, in
 * one exec, classified like every check of a run. A failed exec is an `exec-error` outcome, never a
 * network result.
 */
import type { Outcome } from '../../model/outcome.js';
import type { ProbeTask } from '../../model/probe.js';
import { buildBatchScript, parseBatchOutput } from '../../probe/batch-script.js';
import { classifyOutcome } from '../../probe/classify.js';
import type { ClusterPort, RunningPod } from '../../probe/cluster-port.js';
import { PROBE_CONTAINER } from '../../probe/pod-spec.js';
import { batchBudgetMs } from '../../probe/run-limits.js';

export async function knock(cluster: Pick<ClusterPort, 'exec'>, pod: RunningPod, task: ProbeTask, signal?: AbortSignal): Promise<Outcome> {
  const result = await cluster.exec(pod, PROBE_CONTAINER, ['sh', '-c', buildBatchScript([task])], { timeoutMs: batchBudgetMs([task]), ...(signal ? { signal } : {}) });
  const where = `${pod.namespace}/${pod.name}`;
  if (result.type === 'failed') return { class: 'exec-error', detail: `exec into ${where} failed: ${result.reason}` };
  const raw = parseBatchOutput(result.stdout, [task.id]).results[0];
  if (raw === undefined) return { class: 'exec-error', detail: `the knock printed no result in ${where} (exit ${result.exitCode})` };
  return classifyOutcome(task, raw);
}
