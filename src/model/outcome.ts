/**
 * What a probe observed, before any judgement. The raw class is kept in every result: a deny seen
 * as a timeout (DROP), as "refused" (REJECT, or simply no listener) and as "no route" mean different
 * things, and collapsing them into one "blocked" hides real problems.
 */
export const OUTCOME_CLASSES = [
  'connected', //       TCP handshake completed (nc "open")
  'http-status', //     an HTTP response arrived (any status: a 404 still proves the path is open)
  'resolved', //        DNS answered with addresses
  'refused', //         RST / ICMP port unreachable: REJECT rule or no listener
  'timeout', //         no answer within the timeout: DROP rule, or a silent host
  'no-route', //        ICMP host/net unreachable, EHOSTUNREACH
  'name-not-found', //  the name does not exist (NXDOMAIN, "bad address"): DNS itself answered
  'dns-unreachable', // no DNS server could be reached
  'exec-error', //      the probe itself could not run or report: never a pass
] as const;

export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

export interface Outcome {
  readonly class: OutcomeClass;
  /** HTTP status line code for `http-status`. */
  readonly httpStatus?: number;
  /** Addresses returned for `resolved`. */
  readonly addresses?: readonly string[];
  /** One line explaining the class in human terms, e.g. the matched busybox message. */
  readonly detail: string;
}

/** The judgement of an outcome: did the network let it through? `error` means "we cannot tell". */
export type Observed = 'allow' | 'deny' | 'error';

export type Expectation = 'allow' | 'deny';
