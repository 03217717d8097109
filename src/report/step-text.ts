/**
 * What every renderer says about a report's step of a multi-step run: which step, what it changed,
 * and whether (and how fast) the network came to agree with the expectations.
 */
import type { RunReport, StepInfo } from '../model/report.js';
import { formatDuration, plural } from './check-text.js';

/** `step 2/5: deny all ingress in shop`. */
export function stepTitle(step: StepInfo): string {
  return `step ${step.index}/${step.count}: ${step.name}`;
}

/**
 * `enforced after 1.4s (2 rounds)`, or `not enforced: 3 check(s) never agreed`. The lag is measured
 * from the step's last change, so it is the time the CNI took to program the change.
 */
export function enforcementText(report: RunReport, step: StepInfo): string {
  if (step.enforcedAfterMs !== undefined) return `enforced after ${formatDuration(step.enforcedAfterMs)} (${plural(step.rounds, 'round')})`;
  const { failed, skipped } = report.summary;
  if (failed + skipped === 0) return 'not enforced: no enforcement time was recorded';
  return `not enforced: ${failed + skipped} check(s) never agreed${skipped > 0 ? ` (${skipped} skipped)` : ''}`;
}

/** The change lines, or `no changes` for a step that only checks (a baseline). */
export function changeTexts(step: StepInfo): readonly string[] {
  return step.changes.length === 0 ? ['no changes'] : step.changes;
}
