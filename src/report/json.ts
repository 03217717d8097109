/**
 * The RunReport as JSON, for machines. Keys come out in a fixed order whatever order the runner
 * built the objects in, so two reports of the same run diff cleanly; fields added to the model later
 * follow the known ones rather than being dropped.
 */
import { REPORT_SCHEMA_VERSION, type Attempt, type CheckResult, type RunReport, type StepInfo } from '../model/report.js';

/** The keys of every member of a union (keyof a union gives only the keys all members share). */
type KeyOfAny<T> = T extends unknown ? keyof T : never;

const REPORT_KEYS = [
  'tool', 'scenario', 'step', 'runId', 'startedAt', 'finishedAt', 'durationMs', 'podStartMs', 'busyboxVersion',
  'image', 'cluster', 'summary', 'interrupted', 'errors', 'stats', 'checks',
] as const satisfies readonly (keyof RunReport)[];

const CHECK_KEYS = [
  'id', 'name', 'from', 'fromPod', 'fromNode', 'to', 'address', 'toNode', 'kind', 'family', 'expect', 'expectSource', 'status', 'observed',
  'outcome', 'command', 'message', 'explanation', 'durationMs', 'attempts',
] as const satisfies readonly KeyOfAny<CheckResult>[];

const STEP_KEYS = ['index', 'count', 'name', 'changes', 'enforcedAfterMs', 'rounds', 'durationMs'] as const satisfies readonly (keyof StepInfo)[];

const ATTEMPT_KEYS = ['observed', 'outcome', 'exitCode', 'durationMs', 'output'] as const satisfies readonly (keyof Attempt)[];

export function renderJson(report: RunReport): string {
  return `${JSON.stringify(ordered(report), null, 2)}\n`;
}

/**
 * Several runs as JSON Lines: one compact report per line, so a log collector (a CronJob's log, say)
 * keeps each scenario's report (each step's, for a multi-step run) as one record and `jq` reads them
 * as a stream.
 */
export function renderJsonLines(reports: readonly RunReport[]): string {
  return reports.map((report) => `${JSON.stringify(ordered(report))}\n`).join('');
}

function ordered(report: RunReport): RunReport & { readonly schemaVersion: number } {
  return {
    ...inOrder(report, REPORT_KEYS),
    ...(report.step === undefined ? {} : { step: inOrder(report.step, STEP_KEYS) }),
    checks: report.checks.map((check) => ({
      ...inOrder(check, CHECK_KEYS),
      attempts: check.attempts.map((attempt) => inOrder(attempt, ATTEMPT_KEYS)),
    })),
    // Last, after the checks: a reader of an older kubeknock meets it where it expects nothing.
    schemaVersion: REPORT_SCHEMA_VERSION,
  };
}

/** A copy of `value` with `keys` first, in that order, then any other keys as they were. */
function inOrder<T extends object>(value: T, keys: readonly KeyOfAny<T>[]): T {
  const source = value as Readonly<Record<PropertyKey, unknown>>;
  const copy: Record<PropertyKey, unknown> = {};
  for (const key of keys) if (key in value) copy[key] = source[key];
  return Object.assign(copy, value);
}
