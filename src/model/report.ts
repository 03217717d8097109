/**
 * The record of a run. A failed or interrupted run has the same shape as a successful one plus
 * failure fields, so every renderer handles every run without try/catch.
 */
import type { CheckExpectation, CheckKind } from './scenario.js';
import type { Observed, Outcome } from './outcome.js';

export interface Attempt {
  readonly outcome: Outcome;
  readonly observed: Observed;
  readonly exitCode: number | null;
  /** stdout+stderr of the probe command (trimmed to a few KiB). */
  readonly output: string;
  readonly durationMs: number;
}

export type ExpectSource = 'scenario' | 'policy';

export type CheckStatus =
  | 'pass' //     observed == expected
  | 'fail' //     observed != expected (includes an exec-error: never a pass)
  | 'skipped'; // the run ended (interrupt, infrastructure error) before this check ran

export interface CheckResult {
  readonly id: string;
  readonly name: string;
  /** Actor name (matrix row). */
  readonly from: string;
  /** `namespace/pod` of the probe pod that ran it, when one existed. */
  readonly fromPod?: string;
  /** Matrix column label. */
  readonly to: string;
  /** The concrete address probed (IP:port, URL, DNS name), when resolved. */
  readonly address?: string;
  readonly kind: CheckKind;
  /**
   * The expectation the check was judged against. `policy` only on a skipped check whose expectation
   * was to come from the cluster's policies and could not be derived: kubeknock never guesses one.
   */
  readonly expect: CheckExpectation;
  /** Who said what to expect: the scenario, or the live NetworkPolicies (`expect: policy`). */
  readonly expectSource?: ExpectSource;
  /** For `expect: policy`: why the policies allow or deny this connection (the text of `kubeknock explain`). */
  readonly explanation?: string;
  readonly status: CheckStatus;
  /** Last attempt's judgement; absent when skipped. */
  readonly observed?: Observed;
  readonly outcome?: Outcome;
  /** The exact command run in the pod. */
  readonly command?: string;
  readonly attempts: readonly Attempt[];
  readonly durationMs: number;
  /** Why it was skipped or what went wrong, in one line. */
  readonly message?: string;
}

export interface RunError {
  /** Short machine-friendly kind, e.g. `pod-start`, `cleanup`, `interrupted`, `cluster-unreachable`. */
  readonly kind: string;
  readonly message: string;
}

export interface RunReport {
  readonly tool: { readonly name: 'kubeknock'; readonly version: string };
  readonly scenario: { readonly name: string; readonly file: string };
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** Time from the first pod create to all probe pods Running. */
  readonly podStartMs?: number;
  /** Time from the pods Running (after settling) to the last probe result, retries included. */
  readonly probeMs?: number;
  /** Time spent deleting the probe pods and waiting for them to be gone. */
  readonly teardownMs?: number;
  /** First line of `busybox` in the probe image, e.g. `BusyBox v1.36.1 (…) multi-call binary.` */
  readonly busyboxVersion?: string;
  readonly image: string;
  readonly cluster?: { readonly server: string; readonly context?: string };
  readonly checks: readonly CheckResult[];
  readonly summary: {
    readonly total: number;
    readonly passed: number;
    readonly failed: number;
    readonly skipped: number;
  };
  /** Set when the run did not complete normally. */
  readonly errors: readonly RunError[];
  readonly interrupted: boolean;
  readonly stats: { readonly execs: number; readonly apiRequests: number };
}
