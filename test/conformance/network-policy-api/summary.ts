/**
 * Turns the network-policy-api conformance run's `go test -json` events into the lines run.sh prints:
 * one per test (the suite's ShortName, e.g. CNPAdminTierEgressTCP) with its failed subtests under it,
 * then the counts at both levels, the test level last:
 *   network-policy-api conformance subtests: N passed, N failed, N skipped (SCTP)
 *   network-policy-api conformance: N passed, N failed, N skipped (SCTP)
 * Pure.
 */
import { assertNever } from '../../../src/model/assert-never.js';
import type { TestEvent, Verdict } from './go-test-events.js';

/** A test that run.sh kept out with -test.skip: it leaves no event at all, so its size is given. */
export interface SkippedTest {
  readonly name: string;
  readonly subtests: number;
}

export interface SummaryOptions {
  /** The top-level Go test the suite runs its tests under. */
  readonly root: string;
  /** The tests run.sh skipped because they probe only SCTP (sctp-tests.txt). */
  readonly sctpSkipped: readonly SkippedTest[];
  /** The suite's size for this version (every test and subtest, the SCTP ones included). */
  readonly expectedTests: number;
  readonly expectedSubtests: number;
}

export interface Summary {
  readonly lines: readonly string[];
  readonly ok: boolean;
}

/** The line patch sctp-less.patch makes PokeServer log when it leaves an SCTP probe out. */
export const SCTP_PROBE_MARK = 'kubeknock: SCTP probe left out';

interface Node {
  verdict: Verdict | undefined;
  seconds: number;
  readonly output: string[];
}

interface TestNode extends Node {
  readonly subtests: Map<string, Node>;
}

const newNode = (): Node => ({ verdict: undefined, seconds: 0, output: [] });

export function summarize(events: readonly TestEvent[], options: SummaryOptions): Summary {
  const { root, tests, sctpProbes } = collect(events, options.root);
  const lines: string[] = [];
  const sub = { passed: 0, failed: 0, skipped: 0 };
  const top = { passed: 0, failed: 0, skipped: 0 };
  for (const [name, test] of [...tests].sort(([a], [b]) => a.localeCompare(b))) {
    const subtests = [...test.subtests.values()];
    const failedSubtests = [...test.subtests].filter(([, s]) => s.verdict === 'fail');
    for (const s of subtests) {
      if (s.verdict === 'pass') sub.passed++;
      else if (s.verdict === 'fail') sub.failed++;
      else if (s.verdict === 'skip') sub.skipped++;
    }
    const verdict = test.verdict;
    switch (verdict) {
      case 'pass':
        top.passed++;
        lines.push(`passed  ${secs(test.seconds)}  ${name}: ${subtests.length} subtests passed${probes(sctpProbes, name)}`);
        break;
      case 'fail':
        top.failed++;
        lines.push(`FAILED  ${secs(test.seconds)}  ${name}: ${failedSubtests.length} of ${subtests.length} subtests failed${probes(sctpProbes, name)}`);
        for (const [subName, s] of failedSubtests) lines.push(`          FAILED ${subName}: ${reason(s.output)}`);
        if (failedSubtests.length === 0) lines.push(`          ${reason(test.output)}`);
        break;
      case 'skip':
        top.skipped++;
        lines.push(`skipped           ${name}: ${reason(test.output)}`);
        break;
      case undefined:
        top.failed++;
        lines.push(`FAILED            ${name}: started but never ended (the suite's timeout, or the binary crashed)`);
        break;
      default:
        assertNever(verdict, 'test verdict');
    }
  }
  for (const skipped of options.sctpSkipped) {
    lines.push(`skipped           ${skipped.name}: probes only SCTP, which this kernel lacks (go test -skip), ${skipped.subtests} subtests`);
  }

  const problems: string[] = [];
  if (root.verdict === undefined && tests.size === 0) {
    problems.push(`the suite did not start: no ${options.root} in the output`);
  } else if (root.verdict === 'fail' && top.failed === 0) {
    problems.push(`${options.root} failed outside any test (the suite's setup): ${reason(root.output)}`);
  }
  const ran = new Set(tests.keys());
  for (const s of options.sctpSkipped.filter((t) => ran.has(t.name))) problems.push(`${s.name} was to be skipped, but it ran`);
  const sctpTests = options.sctpSkipped.filter((t) => !ran.has(t.name));
  const sctpSubtests = sctpTests.reduce((n, t) => n + t.subtests, 0);
  const seenTests = tests.size + sctpTests.length;
  const seenSubtests = sub.passed + sub.failed + sub.skipped + sctpSubtests;
  if (seenTests !== options.expectedTests) {
    problems.push(`${seenTests} tests seen (${sctpTests.length} of them skipped), but the suite has ${options.expectedTests}`);
  } else if (top.skipped === 0 && seenSubtests !== options.expectedSubtests) {
    // A test that skipped itself (a feature not claimed) never starts its subtests: only without one
    // is the subtest total known.
    problems.push(`${seenSubtests} subtests seen (${sctpSubtests} of them skipped), but the suite has ${options.expectedSubtests}`);
  }
  lines.push(...problems.map((p) => `network-policy-api conformance: ${p}`));
  const probeTotal = [...sctpProbes.values()].reduce((n, c) => n + c, 0);
  if (probeTotal > 0) {
    lines.push(`network-policy-api conformance: ${probeTotal} SCTP probes left out inside the tests that ran (sctp-less.patch)`);
  }
  const own = (n: number) => (n > 0 ? `, ${n} skipped (feature not claimed)` : '');
  lines.push(
    `network-policy-api conformance subtests: ${sub.passed} passed, ${sub.failed} failed, ${sctpSubtests} skipped (SCTP)${own(sub.skipped)}`,
  );
  lines.push(`network-policy-api conformance: ${top.passed} passed, ${top.failed} failed, ${sctpTests.length} skipped (SCTP)${own(top.skipped)}`);
  return { lines, ok: top.failed === 0 && sub.failed === 0 && problems.length === 0 && root.verdict === 'pass' };
}

/** Sorts the events by test: the root, its tests (ShortName) and their subtests (everything below). */
function collect(events: readonly TestEvent[], rootName: string) {
  const root = newNode();
  const tests = new Map<string, TestNode>();
  const sctpProbes = new Map<string, number>();
  const prefix = `${rootName}/`;
  for (const event of events) {
    if (event.test === undefined) continue; // the package's own lines and verdict
    let node: Node;
    let testName: string | undefined;
    if (event.test === rootName) {
      node = root;
    } else if (event.test.startsWith(prefix)) {
      const rest = event.test.slice(prefix.length);
      const cut = rest.indexOf('/');
      testName = cut < 0 ? rest : rest.slice(0, cut);
      let test = tests.get(testName);
      if (test === undefined) {
        test = { ...newNode(), subtests: new Map() };
        tests.set(testName, test);
      }
      if (cut < 0) {
        node = test;
      } else {
        const subName = rest.slice(cut + 1);
        node = test.subtests.get(subName) ?? newNode();
        test.subtests.set(subName, node);
      }
    } else {
      continue; // another top-level test (the suite also has TestConformance, not run here)
    }
    switch (event.kind) {
      case 'end':
        node.verdict = event.verdict;
        node.seconds = event.seconds;
        break;
      case 'output':
        node.output.push(event.text);
        if (testName !== undefined && event.text.includes(SCTP_PROBE_MARK)) {
          sctpProbes.set(testName, (sctpProbes.get(testName) ?? 0) + 1);
        }
        break;
      default:
        assertNever(event, 'test event');
    }
  }
  return { root, tests, sctpProbes };
}

// The most telling line of a failed or skipped test: PokeServer's "Expected connection …" when it
// probed, else testify's "Error:" line, else the last line it printed that is not the testing
// package's own === / --- framing.
function reason(output: readonly string[]): string {
  const texts = output.map((o) => o.trim()).filter((o) => o !== '' && !/^(===|---) /.test(o));
  const line =
    texts.find((t) => t.includes('Expected connection')) ?? texts.find((t) => /^Error:/.test(t)) ?? texts.at(-1) ?? 'no output';
  const text = line.replace(/^\S+\.go:\d+: /, '');
  return text.length > 240 ? `${text.slice(0, 239)}…` : text;
}

function probes(counts: ReadonlyMap<string, number>, test: string): string {
  const n = counts.get(test) ?? 0;
  return n > 0 ? ` (${n} SCTP probes left out)` : '';
}

function secs(seconds: number): string {
  return `${seconds.toFixed(1)} s`.padStart(7);
}
