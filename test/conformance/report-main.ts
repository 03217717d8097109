/**
 * run.sh's reader of the suite's ginkgo JSON report:
 *   tsx test/conformance/report-main.ts results|list <report.json> [--expect N]
 * Prints the spec lines and the count line on stdout; exit 1 when a spec failed or the count is off,
 * 2 when the report cannot be read.
 */
import { readFileSync } from 'node:fs';
import { parseGinkgoReport } from './ginkgo-report.js';
import { summarizeList, summarizeRun } from './summary.js';

function main(argv: readonly string[]): number {
  const [mode, file, flag, count] = argv;
  const expected = flag === '--expect' ? Number(count) : undefined;
  const badCount = expected !== undefined && !Number.isInteger(expected);
  if ((mode !== 'results' && mode !== 'list') || file === undefined || badCount) {
    process.stderr.write('usage: report-main.ts results|list <report.json> [--expect N]\n');
    return 2;
  }
  let report;
  try {
    report = parseGinkgoReport(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    process.stderr.write(`reading ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const summary = mode === 'results' ? summarizeRun(report, expected) : summarizeList(report, expected);
  process.stdout.write(summary.lines.map((l) => `${l}\n`).join(''));
  return summary.ok ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
