/** The canary's result as doctor check lines. Pure. */
import { assertNever } from '../../model/assert-never.js';
import type { CanaryResult } from '../../model/canary.js';
import type { DoctorCheck } from '../../model/doctor.js';

export const ENFORCEMENT_TITLE = 'enforcement';

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

export function canaryChecks(result: CanaryResult): DoctorCheck[] {
  const checks = [enforcementCheck(result)];
  if (result.cleanup.type === 'failed') checks.push({ status: 'fail', title: 'canary cleanup', detail: result.cleanup.message });
  return checks;
}

function enforcementCheck(result: CanaryResult): DoctorCheck {
  const title = ENFORCEMENT_TITLE;
  const { verdict } = result;
  switch (verdict.type) {
    case 'enforced':
      return { status: 'ok', title, detail: `enforced after ${seconds(verdict.afterMs)} s (denial seen as ${verdict.denial})` };
    case 'not-enforced':
      return {
        status: 'fail',
        title,
        detail: `NOT ENFORCED: the deny-all policy applied ${Math.round(verdict.waitedMs / 1000)} s ago and the client still connects`,
        fix: 'nothing enforces NetworkPolicy here (or it lags by more than --canary-timeout): check that the CNI\'s policy agent runs on every node and read its logs; every expected deny of a run will be observed as allowed',
      };
    case 'network-broken':
      return {
        status: 'fail',
        title,
        detail: `the network itself is broken: with no policy in ${result.namespace}, the canary client did not connect to its server within ${seconds(verdict.waitedMs)} s${verdict.last ? ` (last knock: ${verdict.last.class}: ${verdict.last.detail})` : ''}`,
        fix: 'pod-to-pod traffic does not work: check the CNI (its pods, the nodes\' routes) before asking about policies',
      };
    case 'failed':
      return { status: 'fail', title, detail: `the canary could not run: ${verdict.message}` };
    case 'interrupted':
      return { status: 'fail', title, detail: 'the canary was interrupted before it could tell' };
    default:
      return assertNever(verdict, 'canary verdict');
  }
}

/** The canary's finding about the cluster (exit 1), as opposed to the canary failing to run (exit 2). */
export function isFinding(result: CanaryResult): boolean {
  return result.verdict.type === 'not-enforced' || result.verdict.type === 'network-broken';
}
