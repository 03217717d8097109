/**
 * run.sh's reader of the network-policy-api conformance run:
 *   tsx report-main.ts results <events.jsonl> --root NAME --skip-list FILE --expect-tests N --expect-subtests N
 *   tsx report-main.ts skip-pattern --root NAME --skip-list FILE
 * `results` prints the test lines and the count lines on stdout (exit 1 when a test failed or the
 * counts are off); `skip-pattern` prints the -test.skip value for the tests of the skip list. Exit 2
 * when an input cannot be read.
 */
import { readFileSync } from 'node:fs';
import { parseGoTestJson } from './go-test-events.js';
import { parseSkipList, skipPattern } from './skip-list.js';
import { summarize } from './summary.js';

function main(argv: readonly string[]): number {
  const [mode, ...rest] = argv;
  const file = mode === 'results' ? rest.shift() : undefined;
  const flags = new Map<string, string>();
  for (let i = 0; i + 1 < rest.length; i += 2) flags.set(rest[i] ?? '', rest[i + 1] ?? '');
  const root = flags.get('--root');
  const skipFile = flags.get('--skip-list');
  const expectedTests = Number(flags.get('--expect-tests'));
  const expectedSubtests = Number(flags.get('--expect-subtests'));
  const usage = () => {
    process.stderr.write(
      'usage: report-main.ts results <events.jsonl> --root NAME --skip-list FILE --expect-tests N --expect-subtests N\n' +
        '       report-main.ts skip-pattern --root NAME --skip-list FILE\n',
    );
    return 2;
  };
  if (root === undefined || skipFile === undefined || rest.length % 2 !== 0) return usage();
  try {
    const skipped = parseSkipList(readFileSync(skipFile, 'utf8'), skipFile);
    if (mode === 'skip-pattern') {
      process.stdout.write(`${skipPattern(root, skipped)}\n`);
      return 0;
    }
    if (mode !== 'results' || file === undefined || !Number.isInteger(expectedTests) || !Number.isInteger(expectedSubtests)) {
      return usage();
    }
    const events = parseGoTestJson(readFileSync(file, 'utf8'), file);
    const summary = summarize(events, { root, sctpSkipped: skipped, expectedTests, expectedSubtests });
    process.stdout.write(summary.lines.map((l) => `${l}\n`).join(''));
    return summary.ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
