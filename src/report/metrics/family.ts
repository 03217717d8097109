/**
 * A metric family as both exposition formats need it: what Prometheus' text format 0.0.4 and
 * OpenMetrics 1.0 say differently (the info type, units, suffixes) is decided by the renderer.
 */
export type MetricType = 'gauge' | 'info';

/** Label pairs in the order they are printed; values are user data (scenario and actor names). */
export type MetricLabels = readonly (readonly [name: string, value: string])[];

export interface MetricSample {
  readonly labels: MetricLabels;
  readonly value: number;
}

export interface MetricFamily {
  /** The sample name in the text format (for an info family it ends in `_info`). */
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /** The base unit the name ends in, for OpenMetrics' `# UNIT`. */
  readonly unit?: 'seconds';
  readonly samples: readonly MetricSample[];
}
