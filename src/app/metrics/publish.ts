/**
 * After a run: its metrics to a file (`--metrics-file`) and/or a Pushgateway (`--pushgateway`). Both are
 * tried even when one fails; what failed comes back as messages, so the caller can say so without
 * hiding the run's own result.
 */
import { describeError } from '../../model/errors.js';
import { auditMetrics, lastSuccessMetrics, type AuditMetricsInput } from '../../report/metrics/audit.js';
import { metricsContentType, renderExposition, type MetricsFormat } from '../../report/metrics/exposition.js';
import { LAST_SUCCESS_GROUP, withLabel, type GroupingKey } from './grouping.js';
import { putGroup, type Fetch } from './pushgateway.js';
import { previousLastSuccess, writeMetricsFile } from './textfile.js';

export interface MetricsRequest {
  readonly file?: string;
  readonly format: MetricsFormat;
  readonly pushgateway?: { readonly url: string; readonly group: GroupingKey };
}

export interface PublishDeps {
  readonly fetch: Fetch;
}

const LAST_SUCCESS = 'kubeknock_last_success_timestamp_seconds';

/** Returns one message per sink that failed (none when all went well). */
export async function publishMetrics(request: MetricsRequest, input: AuditMetricsInput, deps: PublishDeps): Promise<string[]> {
  const run = auditMetrics(input);
  const passed = input.exitCode === 0;
  const problems: string[] = [];
  if (request.file !== undefined) {
    const carried = passed ? input.finishedAtSeconds : await previousLastSuccess(request.file, LAST_SUCCESS);
    const families = carried === undefined ? run : [...run, ...lastSuccessMetrics(carried)];
    await writeMetricsFile(request.file, renderExposition(families, request.format)).catch((error: unknown) => problems.push(describeError(error)));
  }
  if (request.pushgateway !== undefined) {
    const { url, group } = request.pushgateway;
    // The Pushgateway takes the text format (it parses no OpenMetrics), whatever --metrics-format says.
    const type = metricsContentType('prometheus');
    try {
      await putGroup(deps.fetch, url, group, renderExposition(run, 'prometheus'), type);
      // Its own group, PUT only when the run passed: a failed run replaces the run's group, not this one.
      if (passed) await putGroup(deps.fetch, url, withLabel(group, LAST_SUCCESS_GROUP), renderExposition(lastSuccessMetrics(input.finishedAtSeconds), 'prometheus'), type);
    } catch (error) {
      problems.push(describeError(error));
    }
  }
  return problems;
}
