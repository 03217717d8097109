import { afterAll, describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from '../../src/probe/shell-quote.js';
import { createAppletDir, runScript } from '../support/busybox.js';

const applets = createAppletDir();
afterAll(() => applets.remove());

const NASTY: readonly string[] = [
  '',
  ' ',
  "'",
  "''",
  "it's",
  "'\\''",
  '"',
  '$(id)',
  '`id`',
  '${HOME}',
  '$HOME',
  'a;rm -rf /tmp/nope',
  'a && false',
  'a|cat',
  'a\nb',
  '\n',
  'tab\there',
  'back\\slash\\',
  '*',
  '~',
  '~root',
  '!',
  '#comment',
  '-n',
  '--',
  'FOO=bar',
  '<in >out 2>&1',
  '{a,b}',
  '[ab]',
  '?',
  'ünïcödé ✓',
  '\u0001\u007f',
];

describe('shellQuote through the real BusyBox sh', () => {
  it.each(NASTY.map((s) => [JSON.stringify(s), s]))('%s comes back byte for byte', async (_label, value) => {
    // printf '%s' prints its argument verbatim: any expansion or splitting would show in stdout.
    const run = await runScript(applets, `printf '%s' ${shellQuote(value)}`);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe(value);
  });

  it('keeps words apart: every word of shellJoin is one argument', async () => {
    const words = ['a b', "c'd", '', '$(id)', 'e'];
    const run = await runScript(applets, `for w in ${shellJoin(words)}; do printf '<%s>' "$w"; done`);
    expect(run.stdout).toBe(words.map((w) => `<${w}>`).join(''));
  });

  it('quotes an assignment-like first word so it runs as a command, not an assignment', async () => {
    const run = await runScript(applets, `${shellJoin(['FOO=bar', 'x'])}; echo "rc=$? FOO=\${FOO:-unset}"`);
    expect(run.stdout).toContain('rc=127 FOO=unset');
  });
});

describe('shellQuote spelling', () => {
  it.each([
    ['nc', 'nc'],
    ['-type=a', '-type=a'],
    ['http://10.0.0.1:8080/a/b', 'http://10.0.0.1:8080/a/b'],
    ['kubernetes.default.svc.cluster.local.', 'kubernetes.default.svc.cluster.local.'],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['', "''"],
    ['FOO=bar', "'FOO=bar'"],
  ])('%s → %s', (value, quoted) => {
    expect(shellQuote(value)).toBe(quoted);
  });

  it('refuses a NUL byte, which no shell word can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});
