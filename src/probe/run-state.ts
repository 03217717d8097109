/**
 * What a run knows as it goes, phase by phase (src/probe/runner.ts), and the report built from it.
 * buildReport is pure: every check gets a result, a check that never ran says why.
 */
import { assertNever } from '../model/assert-never.js';
import { nodeBreakdown } from '../model/node-breakdown.js';
import { IP_FAMILIES } from '../model/family.js';
import type { CheckResult, FamilyTally, RunError, RunErrorKind, RunReport } from '../model/report.js';
import type { Scenario } from '../model/scenario.js';
import type { PodRef, RunningPod } from './cluster-port.js';
import { toCheckResult, type ProbeRecord } from './results.js';

export interface CreatedPod {
  readonly actor: string;
  readonly ref: PodRef;
  readonly labels: Readonly<Record<string, string>>;
}

/** Why a run stopped before every check ran: the kinds of RunError that end a run early. */
export type StopCause = Extract<RunErrorKind, 'pod-create' | 'pod-start' | 'run' | 'interrupted'>;

export interface RunState {
  readonly startedAt: number;
  /** Creates were sent, so teardown must look for pods, even those whose create answer was lost. */
  readonly createsSent: boolean;
  readonly created: readonly CreatedPod[];
  readonly podsByActor: ReadonlyMap<string, RunningPod>;
  /** One per planned probe, in the scenario's check order. */
  readonly records: readonly ProbeRecord[];
  readonly errors: readonly RunError[];
  readonly stopped?: StopCause;
  /** Time from the first pod create to all probe pods Running. */
  readonly podStartMs?: number;
  readonly probeMs?: number;
  /** Clock time each probe round started: a step's enforcement lag is read from them. */
  readonly roundStarts?: readonly number[];
  readonly teardownMs?: number;
  readonly busyboxVersion?: string;
}

export function initialState(startedAt: number): RunState {
  return { startedAt, createsSent: false, created: [], podsByActor: new Map(), records: [], errors: [] };
}

/** The skip reason of every check that had not run when the run stopped (or that nothing ran). */
export function skipReason(stopped: StopCause | undefined): string {
  switch (stopped) {
    case undefined:
      return 'not run';
    case 'pod-create':
      return 'probe pods could not be created';
    case 'pod-start':
      return 'probe pods could not start';
    case 'run':
      return 'the run failed before this check ran';
    case 'interrupted':
      return 'the run was interrupted before this check ran';
    default:
      return assertNever(stopped, 'stop cause');
  }
}

export interface ReportFacts {
  readonly runId: string;
  readonly toolVersion: string;
  readonly server: string;
  readonly finishedAt: number;
  readonly stats: { readonly apiRequests: number; readonly execs: number };
  /** Set when the run was interrupted: the signal's reason. */
  readonly interruption?: string;
}

export function buildReport(scenario: Scenario, state: RunState, facts: ReportFacts): RunReport {
  const interrupted = facts.interruption !== undefined;
  const errors: RunError[] = [...state.errors];
  if (interrupted && !errors.some((e) => e.kind === 'interrupted')) errors.push({ kind: 'interrupted', message: facts.interruption });
  const because = skipReason(state.stopped);
  const checks: CheckResult[] = state.records.map((r) => toCheckResult(r, because));
  const plannedIds = new Set(state.records.map((r) => r.probe.check.id));
  for (const check of scenario.checks) {
    if (plannedIds.has(check.id)) continue;
    const expectSource = check.expect === 'policy' ? 'policy' : 'scenario';
    const fromNode = state.podsByActor.get(check.from)?.node;
    const toNode = check.to.type === 'actor' ? state.podsByActor.get(check.to.actor)?.node : undefined;
    checks.push({
      id: check.id,
      name: check.name,
      from: check.from,
      ...(fromNode === undefined ? {} : { fromNode }),
      to: check.toLabel,
      ...(toNode === undefined ? {} : { toNode }),
      kind: check.kind,
      family: check.family ?? 'unspecified',
      expect: check.expect,
      expectSource,
      status: 'skipped',
      attempts: [],
      durationMs: 0,
      message: because,
    });
  }
  return {
    tool: { name: 'kubeknock', version: facts.toolVersion },
    scenario: { name: scenario.name, file: scenario.file },
    runId: facts.runId,
    startedAt: new Date(state.startedAt).toISOString(),
    finishedAt: new Date(facts.finishedAt).toISOString(),
    durationMs: facts.finishedAt - state.startedAt,
    ...(state.podStartMs === undefined ? {} : { podStartMs: state.podStartMs }),
    ...(state.probeMs === undefined ? {} : { probeMs: state.probeMs }),
    ...(state.teardownMs === undefined ? {} : { teardownMs: state.teardownMs }),
    ...(state.busyboxVersion ? { busyboxVersion: state.busyboxVersion } : {}),
    image: scenario.defaults.pod.image,
    cluster: { server: facts.server },
    checks,
    summary: summarize(checks),
    errors,
    interrupted,
    stats: { execs: facts.stats.execs, apiRequests: facts.stats.apiRequests },
  };
}

function tally(checks: readonly CheckResult[]): FamilyTally {
  return {
    total: checks.length,
    passed: checks.filter((c) => c.status === 'pass').length,
    failed: checks.filter((c) => c.status === 'fail').length,
    skipped: checks.filter((c) => c.status === 'skipped').length,
  };
}

/**
 * The counts of a report, and per family when checks of both families took part: a dual-stack run
 * whose IPv6 half fails should say so at a glance. A run of one family (every run that asks for none,
 * on a single-stack cluster) has no breakdown.
 */
export function summarize(checks: readonly CheckResult[]): RunReport['summary'] {
  const placement = nodeBreakdown(checks);
  const all = { ...tally(checks), ...(placement === undefined ? {} : { placement }) };
  const [v4, v6] = IP_FAMILIES.map((family) => checks.filter((c) => c.family === family));
  if (v4 === undefined || v6 === undefined || v4.length === 0 || v6.length === 0) return all;
  return { ...all, byFamily: { ipv4: tally(v4), ipv6: tally(v6) } };
}
