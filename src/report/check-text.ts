/**
 * The sentences every renderer uses about a check and a run, in one place so the table, Markdown,
 * JUnit and TAP never describe the same result differently.
 */
import { assertNever } from '../model/assert-never.js';
import type { Observed, Outcome } from '../model/outcome.js';
import type { CheckResult, RunError, RunReport } from '../model/report.js';
import { familyText, IP_FAMILIES } from '../model/family.js';
import { oneLine } from './sanitize.js';

/** The raw outcome, short: the class itself, or `HTTP 404` for an HTTP answer. */
export function outcomeLabel(outcome: Outcome): string {
  switch (outcome.class) {
    case 'http-status':
      return `HTTP ${outcome.httpStatus}`;
    case 'connected':
    case 'resolved':
    case 'echoed':
    case 'refused':
    case 'timeout':
    case 'no-route':
    case 'name-not-found':
    case 'dns-unreachable':
    case 'exec-error':
      return outcome.class;
    default:
      return assertNever(outcome, 'outcome');
  }
}

/** `timeout: nc: … Connection timed out`: the class and the line that gave it away. */
export function outcomeText(outcome: Outcome): string {
  return `${outcome.class}: ${outcome.detail}`;
}

/** A failed check's severity: the network misbehaved (`allow`/`deny` seen), or the probe could not tell. */
export function failureSeverity(observed: Observed): 'fail' | 'error' {
  switch (observed) {
    case 'allow':
    case 'deny':
      return 'fail';
    case 'error':
      return 'error';
    default:
      return assertNever(observed, 'observation');
  }
}

/**
 * `backend → postgres:5432 [tcp] expect deny`: unique enough to name a test case. It carries what the
 * scenario says (`expect policy`), not what the policies said this time, so the name stays stable.
 */
export function checkTitle(check: CheckResult): string {
  return oneLine(`${check.from} → ${check.to} [${check.kind}] expect ${check.expectSource === 'policy' ? 'policy' : check.expect}`);
}

/** The expectation as judged: `deny`, or `policy→deny` when the policies decided it (`policy` when they could not). */
export function expectText(check: CheckResult): string {
  return check.expectSource === 'policy' && check.expect !== 'policy' ? `policy→${check.expect}` : check.expect;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** What a matrix cell says after the ✓/✗ mark, e.g. `deny (timeout)` or `expected allow, got deny (refused)`. */
export function cellVerdict(check: CheckResult): string {
  const retries = check.attempts.length > 1 ? ` ×${check.attempts.length}` : '';
  switch (check.status) {
    case 'pass':
      return `${expectText(check)} (${outcomeLabel(check.outcome)})${retries}`;
    case 'fail':
      return `expected ${expectText(check)}, got ${check.observed} (${outcomeLabel(check.outcome)})${retries}`;
    case 'skipped':
      return 'skipped';
    default:
      return assertNever(check, 'check result');
  }
}

/** One sentence for a CI dashboard: `expected deny, observed allow (connected) after 3 attempts`. */
export function resultMessage(check: CheckResult): string {
  const tries = plural(check.attempts.length, 'attempt');
  switch (check.status) {
    case 'pass':
      return `observed ${check.observed} (${outcomeLabel(check.outcome)}) as expected after ${tries}`;
    case 'fail':
      return `expected ${expectText(check)}, observed ${check.observed} (${outcomeLabel(check.outcome)}) after ${tries}`;
    case 'skipped':
      return `skipped: ${skipReason(check)}`;
    default:
      return assertNever(check, 'check result');
  }
}

export function skipReason(check: CheckResult): string {
  return oneLine(check.message ?? 'the run ended before this check ran');
}

/** `3: timeout, timeout, connected`: how many tries and what each one saw. */
export function attemptsText(check: CheckResult): string {
  if (check.attempts.length === 0) return '0';
  return `${check.attempts.length}: ${check.attempts.map((a) => outcomeLabel(a.outcome)).join(', ')}`;
}

/** The output of the attempt the verdict is based on: the last one. */
export function lastOutput(check: CheckResult): string {
  return check.attempts.at(-1)?.output ?? '';
}

/** `850ms`, `12.3s`, `2m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** `6 checks: 3 passed, 2 failed, 1 skipped in 12.3s (pods started in 4.1s; 3 execs, 17 API requests)`. */
export function summaryLine(report: RunReport): string {
  const { total, passed, failed, skipped } = report.summary;
  const podStart = report.podStartMs === undefined ? '' : `pods started in ${formatDuration(report.podStartMs)}; `;
  const stats = `${plural(report.stats.execs, 'exec')}, ${plural(report.stats.apiRequests, 'API request')}`;
  return (
    `${plural(total, 'check')}: ${passed} passed, ${failed} failed, ${skipped} skipped ` +
    `in ${formatDuration(report.durationMs)} (${podStart}${stats})`
  );
}

/**
 * `by family: IPv4 3 checks: 3 passed, 0 failed, 0 skipped; IPv6 3 checks: 2 passed, 1 failed, 0 skipped`,
 * when checks of both families took part (summary.byFamily); undefined otherwise, so a run of one
 * family reads as it always did.
 */
export function familyBreakdownLine(report: RunReport): string | undefined {
  const byFamily = report.summary.byFamily;
  if (byFamily === undefined) return undefined;
  const parts = IP_FAMILIES.map((family) => {
    const { total, passed, failed, skipped } = byFamily[family];
    return `${familyText(family)} ${plural(total, 'check')}: ${passed} passed, ${failed} failed, ${skipped} skipped`;
  });
  return `by family: ${parts.join('; ')}`;
}

/**
 * Everything that went wrong with the run itself. An interrupted run is listed even when the runner
 * recorded no error for it, so no renderer can present a half-run as a clean one.
 */
export function runProblems(report: RunReport): RunError[] {
  const problems = report.errors.map((e) => ({ kind: e.kind, message: oneLine(e.message) }));
  if (report.interrupted && !problems.some((p) => p.kind === 'interrupted')) {
    problems.push({ kind: 'interrupted', message: 'the run was interrupted before every check ran' });
  }
  return problems;
}

/** The BusyBox line of the probe image, or why there is none. */
export function busyboxText(report: RunReport): string {
  return report.busyboxVersion === undefined ? 'BusyBox version unknown (no probe reported it)' : oneLine(report.busyboxVersion);
}
