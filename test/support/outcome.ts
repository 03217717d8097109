/**
 * Reading the report unions in tests: what a check saw (nothing when it was skipped), and the payload
 * of an outcome's class, with an exhaustive switch as in the renderers.
 */
import { assertNever } from '../../src/model/assert-never.js';
import type { Outcome, OutcomeClass } from '../../src/model/outcome.js';
import type { CheckResult } from '../../src/model/report.js';

export function outcomeOf(check: CheckResult): Outcome | undefined {
  switch (check.status) {
    case 'pass':
    case 'fail':
      return check.outcome;
    case 'skipped':
      return undefined;
    default:
      return assertNever(check, 'check result');
  }
}

/** What the check observed, or its status when it never ran: `allow`, `deny`, `error` or `skipped`. */
export function observedOf(check: CheckResult): string {
  return check.status === 'skipped' ? check.status : check.observed;
}

export function httpStatusOf(outcome: Outcome): number | undefined {
  return outcome.class === 'http-status' ? outcome.httpStatus : undefined;
}

export function addressesOf(outcome: Outcome): readonly string[] | undefined {
  return outcome.class === 'resolved' ? outcome.addresses : undefined;
}

/** An outcome of any class, with the payload its class needs. */
export function anyOutcome(cls: OutcomeClass, detail: string): Outcome {
  switch (cls) {
    case 'http-status':
      return { class: cls, httpStatus: 200, detail };
    case 'resolved':
      return { class: cls, addresses: ['10.96.0.1'], detail };
    case 'connected':
    case 'echoed':
    case 'refused':
    case 'timeout':
    case 'no-route':
    case 'name-not-found':
    case 'dns-unreachable':
    case 'exec-error':
      return { class: cls, detail };
    default:
      return assertNever(cls, 'outcome class');
  }
}
