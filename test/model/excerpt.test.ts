/** Issue 18, item 6.1 (class): no message quotes more of an input value than the start of its first line. */
import { describe, expect, it } from 'vitest';
import { excerptOf, textExcerpt } from '../../src/model/excerpt.js';
import { dns1123SubdomainProblem } from '../../src/model/kube-rules.js';
import { showValue } from '../../src/scenario/validate-shape.js';

describe('excerptOf', () => {
  const cases: [string, unknown, string][] = [
    ['a short string, quoted', 'web', '"web"'],
    ['control characters escaped', 'a\u001b[31mb', '"a\\u001b[31mb"'],
    ['a short one whole, its newline escaped', 'busybox:1.36\nx', '"busybox:1.36\\nx"'],
    ['of a long one only the first line, with the count of lines', `root:x:0:0:root:/root:/bin/bash\n${'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n'.repeat(3)}`, '"root:x:0:0:root:/root:/bin/bash…" (5 lines)'],
    ['at most 80 characters of it', 'y'.repeat(500), `"${'y'.repeat(80)}…"`],
    ['a number as JSON', 42, '42'],
    ['a long list cut short', Array.from({ length: 100 }, (_, i) => i), `${JSON.stringify(Array.from({ length: 100 }, (_, i) => i)).slice(0, 79)}…`],
  ];
  for (const [name, value, expected] of cases) {
    it(name, () => expect(excerptOf(value)).toBe(expected));
  }

  it('free text: its first line, control characters escaped, cut at 80', () => {
    expect(textExcerpt(`bad indentation of a mapping entry (3:7)\n\n 1 | apiVersion: v1\n 2 | token: s3cr3t`)).toBe('bad indentation of a mapping entry (3:7)');
    expect(textExcerpt(`\u001b${'z'.repeat(100)}`)).toBe(`\\x1b${'z'.repeat(75)}…`);
  });
});

describe('messages that quote a value', () => {
  const file = `${'q'.repeat(300)}\nsecond line of a secret file`;
  it('the Kubernetes name rules', () => {
    const problem = dns1123SubdomainProblem(file) ?? '';
    expect(problem).not.toContain('secret');
    expect(problem.length).toBeLessThan(200);
  });
  it('the scenario shape checks', () => {
    expect(showValue(file)).toBe(`"${'q'.repeat(80)}…" (2 lines)`);
  });
});
