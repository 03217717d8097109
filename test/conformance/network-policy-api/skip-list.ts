/**
 * Reads sctp-tests.txt: one test a line, `<ShortName> <number of subtests>`; `#` comments and blank
 * lines ignored. Pure: the caller reads the file.
 */
import type { SkippedTest } from './summary.js';

export class SkipListError extends Error {}

export function parseSkipList(text: string, file: string): SkippedTest[] {
  const tests: SkippedTest[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [name, count, ...rest] = line.split(/\s+/);
    const subtests = Number(count);
    if (name === undefined || !/^[A-Za-z0-9]+$/.test(name) || !Number.isInteger(subtests) || subtests < 0 || rest.length > 0) {
      throw new SkipListError(`${file}:${i + 1}: expected "<ShortName> <number of subtests>", found ${JSON.stringify(line)}`);
    }
    tests.push({ name, subtests });
  });
  return tests;
}

/** The -test.skip pattern that keeps exactly these tests of `root` from running. */
export function skipPattern(root: string, tests: readonly SkippedTest[]): string {
  return `^${root}$/^(${tests.map((t) => t.name).join('|')})$`;
}
