/**
 * The running record of every planned probe, and its conversion into report results. A probe that
 * never ran is "skipped" with the reason; an exec-error is never a pass.
 */
import { assertNever } from '../model/assert-never.js';
import type { Expectation } from '../model/outcome.js';
import type { Attempt, CheckResult } from '../model/report.js';
import type { RecordExpectation } from './expectations.js';
import type { PlannedProbe } from './plan.js';

export interface ProbeRecord {
  readonly probe: PlannedProbe;
  /** The effective expectation: the scenario's, or the one derived from policy (the check says `policy`). */
  readonly expectation: RecordExpectation;
  readonly fromPod?: string;
  /** The node of that probe pod, when known. */
  readonly fromNode?: string;
  readonly command: string;
  readonly attempts: readonly Attempt[];
}

/** Should this probe run again? Only while what we saw differs from what was expected, and tries remain. */
export function needsAnotherAttempt(record: ProbeRecord): boolean {
  const expect = expectationOf(record);
  // No expectation, no probe: a result nobody can judge would only look like one.
  if (expect === undefined) return false;
  const last = record.attempts.at(-1);
  if (!last) return true;
  return last.observed !== expect && record.attempts.length < record.probe.check.attempts;
}

export function isPass(expect: Expectation, attempt: Attempt | undefined): boolean {
  return attempt !== undefined && attempt.observed === expect;
}

export function toCheckResult(record: ProbeRecord, skippedBecause: string): CheckResult {
  const { probe, expectation } = record;
  const last = record.attempts.at(-1);
  const base = {
    id: probe.id,
    name: probe.check.name,
    from: probe.check.from,
    ...(record.fromPod ? { fromPod: record.fromPod } : {}),
    ...(record.fromNode ? { fromNode: record.fromNode } : {}),
    to: probe.toLabel,
    address: probe.address,
    ...(probe.toNode ? { toNode: probe.toNode } : {}),
    kind: probe.check.kind,
    family: probe.family,
    command: record.command,
    attempts: record.attempts,
    durationMs: record.attempts.reduce((sum, a) => sum + a.durationMs, 0),
  };
  switch (expectation.source) {
    case 'policy-unavailable':
      return { ...base, expect: 'policy', expectSource: 'policy', status: 'skipped', message: expectation.reason };
    case 'scenario':
    case 'policy': {
      const judged = {
        ...base,
        expect: expectation.expect,
        expectSource: expectation.source,
        ...(expectation.explanation === undefined ? {} : { explanation: expectation.explanation }),
      };
      if (!last) return { ...judged, status: 'skipped', message: skippedBecause };
      const pass = isPass(expectation.expect, last);
      return {
        ...judged,
        status: pass ? 'pass' : 'fail',
        observed: last.observed,
        outcome: last.outcome,
        ...(pass ? {} : { message: failureMessage(expectation, last, record.attempts.length) }),
      };
    }
    default:
      return assertNever(expectation, 'expectation');
  }
}

export function expectationOf(record: ProbeRecord): Expectation | undefined {
  return record.expectation.source === 'policy-unavailable' ? undefined : record.expectation.expect;
}

function failureMessage(expectation: Exclude<RecordExpectation, { readonly source: 'policy-unavailable' }>, last: Attempt, attempts: number): string {
  const tries = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  const expected = expectation.source === 'policy' ? `${expectation.expect} (from policy)` : expectation.expect;
  if (last.observed === 'error') return `expected ${expected}, but the probe could not tell (${last.outcome.class}: ${last.outcome.detail}) ${tries}`;
  return `expected ${expected}, observed ${last.observed} (${last.outcome.class}: ${last.outcome.detail}) ${tries}`;
}
