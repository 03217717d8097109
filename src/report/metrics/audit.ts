/**
 * A run → the metric families of an audit: when it last ran and how it ended, how long it took, checks
 * by result, failed and drifted cells, each step's enforcement lag, and one series per failed cell up
 * to a cap. Pure: the caller gives the time, the duration and the exit code.
 *
 * Every family is a gauge: each run replaces the whole set (a textfile is rewritten, a pushed group
 * is PUT), so these are the last run's values, not counts that only grow.
 */
import type { RunReport } from '../../model/report.js';
import { countCells, failedCells } from './cells.js';
import type { MetricFamily, MetricLabels, MetricSample } from './family.js';

/** Series of `kubeknock_failed_cell` at most, per run: a broken CNI fails every cell of a large scenario at once. */
export const MAX_CELL_SERIES = 100;

export interface AuditMetricsInput {
  readonly version: string;
  /** The reports of the run (one per scenario, or per step); none when it broke before its first scenario. */
  readonly reports: readonly RunReport[];
  /** The run's exit code: 0 passed, 1 a check failed, 2 the run broke, 130/143 interrupted. */
  readonly exitCode: number;
  /** When the run ended, in seconds since the epoch. */
  readonly finishedAtSeconds: number;
  readonly durationSeconds: number;
}

export function auditMetrics(input: AuditMetricsInput): MetricFamily[] {
  // A family without samples (no steps, nothing failed) says nothing: it is left out.
  return allFamilies(input).filter((family) => family.samples.length > 0);
}

function allFamilies(input: AuditMetricsInput): MetricFamily[] {
  const scenarios = scenarioLabels(input.reports);
  const perReport = input.reports.map((report, index) => ({ report, labels: [['scenario', scenarios[index] ?? ''], ...stepLabel(report)] as MetricLabels, cells: failedCells(report) }));
  const cellSamples = perReport.flatMap(({ labels, cells }) =>
    cells.map((cell): MetricSample => ({ labels: [...labels, ['from', cell.from], ['to', cell.to], ['failure', cell.failure]], value: 1 })),
  );
  const steps = perReport.filter(({ report }) => report.step !== undefined);
  return [
    { name: 'kubeknock_build_info', type: 'info', help: 'The kubeknock that ran the audit; always 1.', samples: [{ labels: [['version', input.version]], value: 1 }] },
    { name: 'kubeknock_last_run_timestamp_seconds', type: 'gauge', unit: 'seconds', help: 'When the last audit run ended, in seconds since the epoch.', samples: [single(input.finishedAtSeconds)] },
    { name: 'kubeknock_last_run_success', type: 'gauge', help: 'Whether the last audit run passed: 1 when every check met its expectation, else 0.', samples: [single(input.exitCode === 0 ? 1 : 0)] },
    {
      name: 'kubeknock_last_run_exit_code',
      type: 'gauge',
      help: 'Exit code of the last audit run: 0 passed, 1 a check failed, 2 the run broke, 130 or 143 interrupted.',
      samples: [single(input.exitCode)],
    },
    { name: 'kubeknock_run_duration_seconds', type: 'gauge', unit: 'seconds', help: 'Wall time of the last audit run, preflight and cleanup included.', samples: [single(input.durationSeconds)] },
    {
      name: 'kubeknock_checks',
      type: 'gauge',
      help: 'Checks of the last audit run by result.',
      samples: perReport.flatMap(({ report, labels }) =>
        (['passed', 'failed', 'skipped'] as const).map((result): MetricSample => ({ labels: [...labels, ['result', result]], value: report.summary[result] })),
      ),
    },
    {
      name: 'kubeknock_failed_cells',
      type: 'gauge',
      help: 'Matrix cells (source, target) with at least one failed check in the last audit run.',
      samples: perReport.map(({ labels, cells }) => ({ labels, value: countCells(cells, false) })),
    },
    {
      name: 'kubeknock_drift_cells',
      type: 'gauge',
      help: 'Failed cells whose expectation the scenario froze (a discover --snapshot baseline), not derived from the live policies: the network drifted from the baseline.',
      samples: perReport.map(({ labels, cells }) => ({ labels, value: countCells(cells, true) })),
    },
    {
      name: 'kubeknock_step_enforced',
      type: 'gauge',
      help: 'Multi-step runs: 1 when every check of the step met its expectation after the step changes, else 0.',
      samples: steps.map(({ report, labels }) => ({ labels, value: report.step?.enforcedAfterMs === undefined ? 0 : 1 })),
    },
    {
      name: 'kubeknock_step_enforcement_lag_seconds',
      type: 'gauge',
      unit: 'seconds',
      help: 'Multi-step runs: time from the step changes until every check met its expectation (absent for a step never enforced).',
      samples: steps.flatMap(({ report, labels }) => (report.step?.enforcedAfterMs === undefined ? [] : [{ labels, value: report.step.enforcedAfterMs / 1000 }])),
    },
    {
      name: 'kubeknock_failed_cell',
      type: 'gauge',
      help: `One series per failed cell of the last audit run (at most ${MAX_CELL_SERIES}), named by the scenario actors and targets; failure is open, closed or error.`,
      samples: cellSamples.slice(0, MAX_CELL_SERIES),
    },
    {
      name: 'kubeknock_failed_cell_series_dropped',
      type: 'gauge',
      help: `Failed cells of the last audit run without a kubeknock_failed_cell series, beyond the cap of ${MAX_CELL_SERIES}.`,
      samples: [single(Math.max(0, cellSamples.length - MAX_CELL_SERIES))],
    },
  ];
}

/**
 * The time of the last run that passed. A family of its own: a failed run must not replace it, so it
 * is published apart (a Pushgateway group of its own; carried over in a textfile).
 */
export function lastSuccessMetrics(atSeconds: number): MetricFamily[] {
  return [
    {
      name: 'kubeknock_last_success_timestamp_seconds',
      type: 'gauge',
      unit: 'seconds',
      help: 'When the last audit run that passed ended, in seconds since the epoch.',
      samples: [single(atSeconds)],
    },
  ];
}

function single(value: number): MetricSample {
  return { labels: [], value };
}

/**
 * The `scenario` label of each report: its name; name and file when two scenario files of the run
 * share a name; and a count when one file ran twice. Two equal label sets in one exposition are
 * invalid, and the Pushgateway rejects such a push whole.
 */
function scenarioLabels(reports: readonly RunReport[]): string[] {
  const filesByName = new Map<string, Set<string>>();
  for (const { scenario } of reports) filesByName.set(scenario.name, (filesByName.get(scenario.name) ?? new Set()).add(scenario.file));
  const seen = new Map<string, number>();
  return reports.map(({ scenario, step }) => {
    const base = (filesByName.get(scenario.name)?.size ?? 1) > 1 ? `${scenario.name} (${scenario.file})` : scenario.name;
    // The steps of one run share its scenario; a step index seen again means the file ran again.
    const key = `${base}\u0000${step?.index ?? ''}`;
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    return count === 1 ? base : `${base} #${count}`;
  });
}

/** A multi-step run has one report per step: the step index tells them apart (0 is a rollout's check before any change). */
function stepLabel(report: RunReport): MetricLabels {
  return report.step === undefined ? [] : [['step', String(report.step.index)]];
}
