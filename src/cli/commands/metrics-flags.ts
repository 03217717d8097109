/**
 * The audit-metrics flags of `run`: `--metrics-file`, `--metrics-format`, `--pushgateway` and
 * `--metrics-group`, checked as flags (exit 2 before anything runs) and turned into the app's request.
 */
import path from 'node:path';
import type { Argv } from 'yargs';
import { parseGroupingFlags, pushgatewayUrlProblem } from '../../app/metrics/grouping.js';
import type { MetricsRequest } from '../../app/metrics/publish.js';
import { METRICS_FORMATS, type MetricsFormat } from '../../report/metrics/exposition.js';

export interface MetricsFlags {
  readonly 'metrics-file'?: string;
  readonly 'metrics-format': MetricsFormat;
  readonly pushgateway?: string;
  readonly 'metrics-group'?: readonly string[];
}

export function withMetricsFlags<T>(yargs: Argv<T>): Argv<T & MetricsFlags> {
  return yargs
    .option('metrics-file', {
      type: 'string',
      describe: 'Write audit metrics (Prometheus text) to this file in an existing directory, via a temporary file and a rename (node_exporter textfile collector); also when the run fails or breaks',
    })
    .option('metrics-format', { choices: METRICS_FORMATS, default: 'prometheus' as MetricsFormat, describe: 'Format of --metrics-file: prometheus (text 0.0.4) or openmetrics (1.0)' })
    .option('pushgateway', {
      type: 'string',
      describe: 'PUT the audit metrics to this Pushgateway (http(s)://host:port) as one group per run. If the push fails: a message on stderr, and exit 2 when the run itself passed (a failed run keeps its own exit code)',
    })
    .option('metrics-group', { type: 'string', array: true, nargs: 1, describe: 'Grouping label of the pushed group, KEY=VALUE (repeatable; job=NAME sets the job, default kubeknock)' })
    .check((argv) => metricsFlagProblem(argv as unknown as MetricsFlags) ?? true) as unknown as Argv<T & MetricsFlags>;
}

export function metricsFlagProblem(flags: MetricsFlags): string | undefined {
  if (flags['metrics-group'] !== undefined && flags.pushgateway === undefined) return '--metrics-group: it names the group of a push; give --pushgateway URL too';
  if (flags['metrics-format'] === 'openmetrics' && flags['metrics-file'] === undefined) return '--metrics-format: it is the format of --metrics-file; give --metrics-file PATH too (the Pushgateway always takes the text format)';
  if (flags['metrics-file'] === '') return '--metrics-file: name a file';
  if (flags.pushgateway !== undefined) {
    const problem = pushgatewayUrlProblem(flags.pushgateway);
    if (problem) return `--pushgateway ${JSON.stringify(flags.pushgateway)}: ${problem}`;
  }
  const grouping = parseGroupingFlags(flags['metrics-group'] ?? []);
  return grouping.ok ? undefined : grouping.problems.join('; ');
}

/** The request, with the file resolved against the working directory the CLI was given. */
export function metricsRequest(flags: MetricsFlags, cwd: string): MetricsRequest | undefined {
  if (flags['metrics-file'] === undefined && flags.pushgateway === undefined) return undefined;
  const grouping = parseGroupingFlags(flags['metrics-group'] ?? []);
  if (!grouping.ok) throw new Error(`metrics flags were not checked: ${grouping.problems.join('; ')}`);
  return {
    format: flags['metrics-format'],
    ...(flags['metrics-file'] !== undefined ? { file: path.resolve(cwd, flags['metrics-file']) } : {}),
    ...(flags.pushgateway !== undefined ? { pushgateway: { url: flags.pushgateway, group: grouping.key } } : {}),
  };
}
