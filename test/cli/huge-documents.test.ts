/**
 * Issue 18, item 5.1: a manifest of 150,000 YAML documents (600 KB of "---" lines) crashed every
 * manifest reader with "RangeError: Maximum call stack size exceeded" and a stack trace: the reader
 * appended a file's objects with `push(...objects)`, one argument per document. Every reader now
 * takes it like any other file: exit 2 with what is wrong, never a stack trace.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kk-huge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DOCUMENTS = 150_000;
const empty = join(dir, 'empty-documents.yaml');
writeFileSync(empty, '---\n'.repeat(DOCUMENTS));
// Past the push(...) limit with objects that are there: a reader must get to judging them.
const tiny = join(dir, 'tiny-documents.yaml');
writeFileSync(tiny, `---\n{}\n`.repeat(DOCUMENTS));
const scenario = join(dir, 'steps.yaml');
writeFileSync(
  scenario,
  `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: huge}
spec:
  actors:
    a: {namespace: ns1}
    b: {namespace: ns1, listen: [80]}
  steps:
    - {name: one, apply: [empty-documents.yaml], checks: [{from: a, to: b:80, expect: allow}]}
`,
);

/** Each reader, and its exit code: 2 where nothing (or no object) is there to use, 0 for a step that applies nothing. */
const READERS: Record<string, { argv: string[]; code: number }> = {
  'lint -f': { argv: ['lint', '-f', empty], code: 2 },
  'predict -f': { argv: ['predict', '-f', empty, '--port', '80'], code: 2 },
  'discover -f': { argv: ['discover', '-f', empty], code: 2 },
  'diff -f --to': { argv: ['diff', '-f', empty, '--to', tiny], code: 2 },
  'a scenario file': { argv: ['validate', empty], code: 2 },
  'a step file': { argv: ['validate', scenario], code: 0 },
};

describe(`a manifest of ${DOCUMENTS} documents`, () => {
  for (const [reader, { argv, code: expected }] of Object.entries(READERS)) {
    it(`is read without a crash: ${reader}`, async () => {
      const { code, stderr } = await runCli(argv);
      expect(stderr, 'no stack trace').not.toMatch(/RangeError|Maximum call stack|unexpected error|\n\s+at /);
      expect(code).toBe(expected);
    }, 180_000);
  }
});
