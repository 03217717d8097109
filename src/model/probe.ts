/**
 * One probe to run inside a probe pod, with every address resolved: the contract between planning
 * (src/probe/plan.ts), the in-pod batch script (src/probe/batch-script.ts) and classification.
 */
export type ProbeTask =
  | {
      readonly id: string;
      readonly kind: 'tcp';
      /** IP address or validated DNS name. */
      readonly host: string;
      readonly port: number;
      readonly timeoutSeconds: number;
    }
  | {
      readonly id: string;
      readonly kind: 'http';
      readonly url: string;
      /** The host the URL names (IP address or DNS name, IPv6 without brackets), as planning chose it. */
      readonly host: string;
      readonly timeoutSeconds: number;
    }
  | {
      readonly id: string;
      readonly kind: 'udp';
      /** IP address of the probe pod whose responder serves `port` (udp checks target actors only). */
      readonly host: string;
      readonly port: number;
      /**
       * The name the probe's one datagram asks for. The responder's answer repeats it, so an answer
       * that names it cannot be anything but the reply to this very probe.
       */
      readonly token: string;
      readonly timeoutSeconds: number;
    }
  | {
      readonly id: string;
      readonly kind: 'dns';
      readonly name: string;
      readonly server?: string;
      /** The records asked for; absent: A (what every dns check asked before families). AAAA for `family: ipv6`. */
      readonly recordType?: 'A' | 'AAAA';
      readonly timeoutSeconds: number;
    };

/** What one task printed and returned inside the pod. */
export interface RawTaskResult {
  readonly id: string;
  /** Exit code of the probe command; 124+ / 137 / 143 when the outer `timeout` had to kill it. */
  readonly exitCode: number;
  /** stdout and stderr of the probe command, interleaved as written. */
  readonly output: string;
  readonly durationMs: number;
}
