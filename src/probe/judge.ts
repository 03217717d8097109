/**
 * Judges an outcome: did the network let the probe through?
 *
 *   exec-error                              → error  (we cannot tell; never a pass)
 *   class listed in denyOutcomes            → deny   (default: timeout, refused, no-route)
 *   tcp  + connected                        → allow
 *   http + http-status (any code, 404 too)  → allow  (a response proves the path is open)
 *   dns  + resolved | name-not-found        → allow  (NXDOMAIN is an answer: DNS is reachable)
 *   udp  + echoed                           → allow  (kubeknock's responder answered the datagram)
 *   dns  + dns-unreachable                  → deny
 *   anything else                           → error  (e.g. name-not-found on a tcp check: the name
 *                                                     never resolved, so the path was never tried)
 *
 * denyOutcomes is consulted before the allow rules so a scenario can, for example, count a DNS
 * proxy's NXDOMAIN answer (name-not-found) as that proxy's deny.
 */
import type { OutcomeClass, Observed, Outcome } from '../model/outcome.js';
import type { CheckKind } from '../model/scenario.js';
import { assertNever } from '../model/assert-never.js';

/** DROP-style CNIs show a deny as a timeout, REJECT-style ones as refused or no route. */
export const DEFAULT_DENY_OUTCOMES: readonly OutcomeClass[] = ['timeout', 'refused', 'no-route'];

function allowedBy(kind: CheckKind, outcome: Outcome): boolean {
  switch (kind) {
    case 'tcp':
      return outcome.class === 'connected';
    case 'http':
      return outcome.class === 'http-status';
    case 'dns':
      return outcome.class === 'resolved' || outcome.class === 'name-not-found';
    case 'udp':
      return outcome.class === 'echoed';
    default:
      return assertNever(kind, 'check kind');
  }
}

export function judgeOutcome(kind: CheckKind, outcome: Outcome, denyOutcomes: readonly OutcomeClass[]): Observed {
  if (outcome.class === 'exec-error') return 'error';
  if (denyOutcomes.includes(outcome.class)) return 'deny';
  if (allowedBy(kind, outcome)) return 'allow';
  if (kind === 'dns' && outcome.class === 'dns-unreachable') return 'deny';
  return 'error';
}
