/**
 * What a probe observed, before any judgement. The raw class is kept in every result: a deny seen
 * as a timeout (DROP), as "refused" (REJECT, or simply no listener) and as "no route" mean different
 * things, and collapsing them into one "blocked" hides real problems.
 */
export const OUTCOME_CLASSES = [
  'connected', //       TCP handshake completed (nc "open")
  'http-status', //     an HTTP response arrived (any status: a 404 still proves the path is open)
  'resolved', //        DNS answered with addresses
  'echoed', //          kubeknock's UDP responder answered the probe's datagram, naming its token
  'refused', //         RST / ICMP port unreachable: REJECT rule or no listener
  'timeout', //         no answer within the timeout: DROP rule, or a silent host
  'no-route', //        ICMP host/net unreachable, EHOSTUNREACH
  'name-not-found', //  the name does not exist (NXDOMAIN, "bad address"): DNS itself answered
  'dns-unreachable', // no DNS server could be reached
  'exec-error', //      the probe itself could not run or report: never a pass
] as const;

export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

/** The classes whose outcome carries nothing beyond its one-line detail. */
export type PlainOutcomeClass = Exclude<OutcomeClass, 'http-status' | 'resolved'>;

/** What a probe observed, by class: an HTTP answer carries its status code, a DNS answer its addresses. */
export type Outcome =
  | {
      readonly class: 'http-status';
      /** HTTP status line code (200 when wget only said "2xx" by exiting 0). */
      readonly httpStatus: number;
      readonly detail: string;
    }
  | {
      readonly class: 'resolved';
      readonly addresses: readonly string[];
      readonly detail: string;
    }
  | {
      readonly class: PlainOutcomeClass;
      /** One line explaining the class in human terms, e.g. the matched busybox message. */
      readonly detail: string;
    };

/** The judgement of an outcome: did the network let it through? `error` means "we cannot tell". */
export type Observed = 'allow' | 'deny' | 'error';

export type Expectation = 'allow' | 'deny';
