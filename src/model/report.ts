/**
 * The record of a run. A failed or interrupted run has the same shape as a successful one plus
 * failure fields, so every renderer handles every run without try/catch.
 */
import type { CheckExpectation, CheckKind } from './scenario.js';
import type { Expectation, Observed, Outcome } from './outcome.js';
import type { IpFamily, ResultFamily } from './family.js';

export interface Attempt {
  readonly outcome: Outcome;
  readonly observed: Observed;
  readonly exitCode: number | null;
  /** stdout+stderr of the probe command (trimmed to a few KiB). */
  readonly output: string;
  readonly durationMs: number;
}

export type ExpectSource = 'scenario' | 'policy';

export type CheckStatus = CheckResult['status'];

/** What every check result carries, whatever became of it. */
interface CheckResultBase {
  readonly id: string;
  readonly name: string;
  /** Actor name (matrix row). */
  readonly from: string;
  /** `namespace/pod` of the probe pod that ran it, when one existed. */
  readonly fromPod?: string;
  /** The node that probe pod ran on, when known. */
  readonly fromNode?: string;
  /** Matrix column label. */
  readonly to: string;
  /** The concrete address probed (IP:port, URL, DNS name), when resolved. */
  readonly address?: string;
  /**
   * The node of the pod knocked on: an actor's probe pod or a pod a `pods` selector chose. Absent for
   * targets that are no pod of known node (a Service, whose backend is picked per connection; hosts,
   * URLs, DNS names).
   */
  readonly toNode?: string;
  readonly kind: CheckKind;
  /**
   * The address family the probe used: the family of the address it was given (a dns check: of the
   * records it asked for), `unspecified` when it was given a name and no family (see ResultFamily).
   */
  readonly family: ResultFamily;
  /** Who said what to expect: the scenario, or the live NetworkPolicies (`expect: policy`). */
  readonly expectSource?: ExpectSource;
  /** For `expect: policy`: why the policies allow or deny this connection (the text of `kubeknock explain`). */
  readonly explanation?: string;
  /** The exact command run in the pod. */
  readonly command?: string;
  readonly attempts: readonly Attempt[];
  readonly durationMs: number;
}

/** A check that ran: judged against a verdict, with the last attempt's judgement and raw outcome. */
interface JudgedCheck extends CheckResultBase {
  /** The expectation the check was judged against (derived from policy when `expectSource` is `policy`). */
  readonly expect: Expectation;
  /** Last attempt's judgement. */
  readonly observed: Observed;
  readonly outcome: Outcome;
}

export type CheckResult =
  /** observed == expected. */
  | (JudgedCheck & { readonly status: 'pass'; readonly message?: string })
  /** observed != expected (includes an exec-error: never a pass); `message` says how, in one line. */
  | (JudgedCheck & { readonly status: 'fail'; readonly message?: string })
  /** The run ended (interrupt, infrastructure error) or no expectation could be derived before this check ran. */
  | (CheckResultBase & {
      readonly status: 'skipped';
      /**
       * `policy` when the expectation was to come from the cluster's policies and could not be
       * derived: kubeknock never guesses one.
       */
      readonly expect: CheckExpectation;
      /** Why it was skipped, in one line. */
      readonly message?: string;
    });

export type PassedCheck = Extract<CheckResult, { readonly status: 'pass' }>;
export type FailedCheck = Extract<CheckResult, { readonly status: 'fail' }>;
export type SkippedCheck = Extract<CheckResult, { readonly status: 'skipped' }>;

/**
 * Where a check's two ends ran: both pods on one node, on two nodes, or a target that is no pod of
 * known node (a Service, a host, a URL, a DNS name; or a run that recorded no nodes).
 */
export type NodeClass = 'same-node' | 'cross-node' | 'no-pod-target';

export interface NodeClassCount {
  readonly checks: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface NodeBreakdown {
  /** Every node a probe pod or a target pod of a check ran on, sorted. */
  readonly nodes: readonly string[];
  readonly sameNode: NodeClassCount;
  readonly crossNode: NodeClassCount;
  readonly noPodTarget: NodeClassCount;
  /**
   * Set when every failure is of this class while checks of the other one passed: a policy (or a
   * CNI) that breaks only cross-node traffic, or only same-node traffic.
   */
  readonly failuresOnly?: 'same-node' | 'cross-node';
}

/** Every way a run itself can go wrong, as the runner records it. */
export const RUN_ERROR_KINDS = [
  'preflight', //   the checks before anything is created failed (input, namespaces, permissions): the run never started
  'pod-create', //  a probe pod could not be created
  'pod-start', //   a probe pod was created but can never run (image pull, scheduling, admission)
  'run', //         the run failed otherwise before every check ran
  'policy', //      `expect: policy` expectations could not be derived
  'cleanup', //     the probe pods could not be deleted
  'change', //      a step's change to the cluster (apply, delete, relabel) failed
  'restore', //     the objects a run changed could not all be put back
  'interrupted', // the user (or a signal) stopped the run
] as const;

export type RunErrorKind = (typeof RUN_ERROR_KINDS)[number];

export interface RunError {
  readonly kind: RunErrorKind;
  readonly message: string;
}

/** Where a report sits in a multi-step run: each step of one run is one report, sharing the run id. */
export interface StepInfo {
  /** 1-based; step 0 is a rollout's check of the state before any change. */
  readonly index: number;
  readonly count: number;
  readonly name: string;
  /** What the step changed before its checks, one line each: `applied NetworkPolicy shop/deny-all`. */
  readonly changes: readonly string[];
  /**
   * Time from the step's last change until every check agreed with its expectation: the observed
   * enforcement lag. Absent when some check never agreed.
   */
  readonly enforcedAfterMs?: number;
  /** Probe rounds the step needed (1: every check agreed on the first try). */
  readonly rounds: number;
  /** The step's own time: changes, settle and probes. */
  readonly durationMs: number;
}

/** How one family's checks went. */
export interface FamilyTally {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/**
 * The version of the JSON report's shape, written as `schemaVersion` by `-o json`. A reader refuses a
 * higher one (fields it cannot know) and reads a report without the field (written before it existed)
 * as version 1. Raise it when a field changes meaning or goes away; added optional fields do not.
 */
export const REPORT_SCHEMA_VERSION = 1;

export interface RunReport {
  readonly tool: { readonly name: 'kubeknock'; readonly version: string };
  readonly scenario: { readonly name: string; readonly file: string };
  /** Set for each report of a multi-step run. */
  readonly step?: StepInfo;
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
    /** Same-node and cross-node checks apart, when more than one node took part (src/model/node-breakdown.ts). */
    readonly placement?: NodeBreakdown;
    /** Per address family, only when checks of both families took part (a dual-stack run). */
    readonly byFamily?: Readonly<Record<IpFamily, FamilyTally>>;
  };
  /** Set when the run did not complete normally. */
  readonly errors: readonly RunError[];
  readonly interrupted: boolean;
  readonly stats: { readonly execs: number; readonly apiRequests: number };
}
