/**
 * Turns the suite's spec results into the lines run.sh prints: one per selected spec, then the count
 * line `conformance: N passed, N failed` (`, N skipped` only when some were). Pure.
 */
import { assertNever } from '../../src/model/assert-never.js';
import type { SpecResult, SuiteReport, Traffic } from './ginkgo-report.js';

export interface Summary {
  readonly lines: readonly string[];
  readonly ok: boolean;
}

const TRAFFIC_ORDER: readonly Traffic[] = ['TCP', 'UDP', 'SCTP', 'API', 'suite'];

/** After a run. `expected` is how many specs the selection names (the CI list), when it names them. */
export function summarizeRun(report: SuiteReport, expected?: number): Summary {
  const selected = sorted(report.specs.filter((r) => r.outcome.kind !== 'not-selected'));
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const lines: string[] = [];
  for (const { name, traffic, outcome } of selected) {
    switch (outcome.kind) {
      case 'passed':
        counts.passed++;
        lines.push(`passed  ${secs(outcome.seconds)}  ${traffic.padEnd(5)} ${name}`);
        break;
      case 'failed':
        counts.failed++;
        lines.push(`FAILED  ${secs(outcome.seconds)}  ${traffic.padEnd(5)} ${name}`);
        lines.push(`        ${outcome.state}: ${firstLine(outcome.message)}`);
        break;
      case 'skipped':
        counts.skipped++;
        lines.push(`skipped          ${traffic.padEnd(5)} ${name}: ${firstLine(outcome.reason)}`);
        break;
      case 'not-selected':
        break;
      default:
        assertNever(outcome, 'spec outcome');
    }
  }
  // A failed suite setup or the suite's own timeout leaves selected specs unattempted, and ginkgo
  // reports them like the filtered-out ones: only the pre-run count shows they are missing.
  const ran = selected.filter((r) => r.traffic !== 'suite').length;
  const problems = [
    ...mismatch(report.selected, expected),
    ...(report.selected === 0 ? ['no spec was selected'] : []),
    ...(ran < report.selected ? [`${report.selected - ran} of the ${report.selected} selected specs did not run`] : []),
  ];
  lines.push(...problems.map((p) => `conformance: ${p}`));
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
  lines.push(`conformance: ${counts.passed} passed, ${counts.failed} failed${skipped}`);
  return { lines, ok: counts.failed === 0 && problems.length === 0 };
}

/** After a dry run: what the selection picks, with the count per kind of traffic. */
export function summarizeList(report: SuiteReport, expected?: number): Summary {
  const picked = sorted(report.specs.filter((r) => r.outcome.kind !== 'not-selected' && r.traffic !== 'suite'));
  const lines = picked.map((r) => `${r.traffic.padEnd(5)} ${r.name}`);
  const perTraffic = TRAFFIC_ORDER.filter((t) => t !== 'suite')
    .map((t) => `${t} ${picked.filter((r) => r.traffic === t).length}`)
    .join(', ');
  const left = report.specs.filter((r) => r.outcome.kind === 'not-selected').length;
  const problems = mismatch(report.selected, expected);
  lines.push(...problems.map((p) => `conformance: ${p}`));
  lines.push(`conformance: ${picked.length} specs selected (${perTraffic}), ${left} not selected`);
  return { lines, ok: problems.length === 0 };
}

// A CI name that no longer matches (renamed upstream) would otherwise shrink the subset silently.
function mismatch(selected: number, expected: number | undefined): string[] {
  if (expected === undefined || selected === expected) return [];
  return [`test/conformance/ci-specs.txt names ${expected} specs but they select ${selected}: a name no longer matches`];
}

function sorted(results: readonly SpecResult[]): SpecResult[] {
  return [...results].sort(
    (a, b) => TRAFFIC_ORDER.indexOf(a.traffic) - TRAFFIC_ORDER.indexOf(b.traffic) || a.name.localeCompare(b.name),
  );
}

function secs(seconds: number): string {
  return `${seconds.toFixed(1)} s`.padStart(7);
}

function firstLine(message: string): string {
  const line = message.trim().split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
