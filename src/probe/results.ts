/**
 * The running record of every planned probe, and its conversion into report results. A probe that
 * never ran is "skipped" with the reason; an exec-error is never a pass.
 */
import type { Expectation } from '../model/outcome.js';
import type { Attempt, CheckResult } from '../model/report.js';
import type { PlannedProbe } from './plan.js';

export interface ProbeRecord {
  readonly probe: PlannedProbe;
  readonly fromPod?: string;
  readonly command: string;
  readonly attempts: Attempt[];
}

/** Should this probe run again? Only while what we saw differs from what was expected, and tries remain. */
export function needsAnotherAttempt(record: ProbeRecord): boolean {
  const last = record.attempts.at(-1);
  if (!last) return true;
  return last.observed !== record.probe.check.expect && record.attempts.length < record.probe.check.attempts;
}

export function isPass(expect: Expectation, attempt: Attempt | undefined): boolean {
  return attempt !== undefined && attempt.observed === expect;
}

export function toCheckResult(record: ProbeRecord, skippedBecause: string): CheckResult {
  const { probe } = record;
  const last = record.attempts.at(-1);
  const base = {
    id: probe.id,
    name: probe.check.name,
    from: probe.check.from,
    ...(record.fromPod ? { fromPod: record.fromPod } : {}),
    to: probe.toLabel,
    address: probe.address,
    kind: probe.check.kind,
    expect: probe.check.expect,
    command: record.command,
    attempts: record.attempts,
    durationMs: record.attempts.reduce((sum, a) => sum + a.durationMs, 0),
  };
  if (!last) return { ...base, status: 'skipped', message: skippedBecause };
  const pass = isPass(probe.check.expect, last);
  return {
    ...base,
    status: pass ? 'pass' : 'fail',
    observed: last.observed,
    outcome: last.outcome,
    ...(pass ? {} : { message: failureMessage(probe.check.expect, last, record.attempts.length) }),
  };
}

function failureMessage(expect: Expectation, last: Attempt, attempts: number): string {
  const tries = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  if (last.observed === 'error') return `expected ${expect}, but the probe could not tell (${last.outcome.class}: ${last.outcome.detail}) ${tries}`;
  return `expected ${expect}, observed ${last.observed} (${last.outcome.class}: ${last.outcome.detail}) ${tries}`;
}
