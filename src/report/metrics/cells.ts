/**
 * The failed cells of a report, the matrix's (from, to) squares, by how they failed. A cell is named by
 * the scenario's own actor and target names, never by probe pod names (random per run): in a
 * discovered scenario an actor stands for an equivalence class, so a series per cell stays one series
 * from run to run, and their number is bounded by the scenario, not by the cluster's churn.
 */
import type { CheckResult, RunReport } from '../../model/report.js';

/**
 * How a cell failed: `open` a door expected shut was open (the finding a security audit is for),
 * `closed` a door expected open was shut (an outage), `error` the probe itself could not tell.
 */
export type CellFailure = 'open' | 'closed' | 'error';

export interface FailedCell {
  readonly from: string;
  readonly to: string;
  readonly failure: CellFailure;
  /** Its expectation was written in the scenario (a frozen baseline, e.g. `discover --snapshot`), not derived from the live policies. */
  readonly drift: boolean;
}

export function failedCells(report: RunReport): FailedCell[] {
  const cells = new Map<string, FailedCell>();
  for (const check of report.checks) {
    const failure = failureOf(check);
    if (failure === undefined) continue;
    // A NUL cannot occur in an actor name or a target label: it separates the parts unambiguously.
    const key = `${check.from}\u0000${check.to}\u0000${failure}`;
    const drift = check.expectSource !== 'policy';
    const known = cells.get(key);
    cells.set(key, { from: check.from, to: check.to, failure, drift: drift || (known?.drift ?? false) });
  }
  return [...cells.values()].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(a.failure, b.failure));
}

/** How many distinct (from, to) cells have a failure of any kind; `onlyDrift` counts those with drift. */
export function countCells(cells: readonly FailedCell[], onlyDrift: boolean): number {
  return new Set(cells.filter((cell) => !onlyDrift || cell.drift).map((cell) => `${cell.from}\u0000${cell.to}`)).size;
}

function failureOf(check: CheckResult): CellFailure | undefined {
  if (check.status !== 'fail') return undefined;
  if (check.observed === 'error') return 'error';
  return check.expect === 'deny' ? 'open' : 'closed';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
