/**
 * The report of a scenario that never reached its first pod (preflight or the connection failed):
 * every check skipped, the reason as a run error. The same shape as any other report, so `--report`
 * can record the failure instead of leaving no file (or a stale one from an earlier run).
 */
import type { RunError, RunReport } from '../model/report.js';
import type { Scenario } from '../model/scenario.js';
import { summarize } from '../probe/run-state.js';

export interface NotStartedInfo {
  readonly runId: string;
  readonly toolVersion: string;
  readonly at: number;
  readonly server?: string;
  readonly error: RunError;
}

export function notStartedReport(scenario: Scenario, info: NotStartedInfo): RunReport {
  const at = new Date(info.at).toISOString();
  const message = `not run: ${info.error.kind} failed`;
  const checks = scenario.checks.map((check) => ({
    id: check.id,
    name: check.name,
    from: check.from,
    to: check.toLabel,
    kind: check.kind,
    family: check.family ?? ('unspecified' as const),
    expect: check.expect,
    expectSource: check.expect === 'policy' ? ('policy' as const) : ('scenario' as const),
    status: 'skipped' as const,
    attempts: [],
    durationMs: 0,
    message,
  }));
  return {
    tool: { name: 'kubeknock', version: info.toolVersion },
    scenario: { name: scenario.name, file: scenario.file },
    runId: info.runId,
    startedAt: at,
    finishedAt: at,
    durationMs: 0,
    image: scenario.defaults.pod.image,
    ...(info.server ? { cluster: { server: info.server } } : {}),
    checks,
    summary: summarize(checks),
    errors: [info.error],
    interrupted: false,
    stats: { execs: 0, apiRequests: 0 },
  };
}
