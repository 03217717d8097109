/**
 * Issue 9 item 8: a YAML alias bomb ("billion laughs") in a scenario or a manifest surfaced as an
 * "unexpected error" with a stack trace, and no file was too big. Now each is refused, exit 2, with the
 * limit that was hit named.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_ALIAS_COUNT, MAX_MANIFEST_BYTES, MAX_SCENARIO_BYTES } from '../../src/scenario/yaml-limits.js';
import { runCli } from '../support/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kk-yaml-limits-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Nine levels of nine-fold aliases: 9^9 strings once expanded. */
const LAUGHS = [
  'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...Array.from({ length: 8 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array.from({ length: 9 }, () => `*l${i}`).join(',')}]`),
];

function write(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

const ALIAS_MESSAGE = `aliases (*name) expand past the limit of ${MAX_ALIAS_COUNT} alias uses per document`;

describe('YAML limits', () => {
  it('a scenario with an alias bomb: exit 2, the alias limit named, no stack trace', async () => {
    const file = write('bomb.yaml', ['apiVersion: kubeknock.dev/v1alpha1', 'kind: Scenario', 'metadata: {name: t}', ...LAUGHS, 'spec: {actors: {a: {namespace: n}}, checks: [*l8]}', ''].join('\n'));
    for (const argv of [['validate', file], ['run', file, '--dry-run'], ['doctor', file]]) {
      const { code, stderr } = await runCli(argv);
      expect(stderr, argv.join(' ')).toContain(`${file}:1: YAML: ${ALIAS_MESSAGE}`);
      expect(stderr).not.toMatch(/unexpected error|\n\s+at /);
      expect(code).toBe(2);
    }
  });

  it('a manifest with an alias bomb: exit 2 from lint, predict and explain', async () => {
    const file = write('bomb-policy.yaml', ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: p, namespace: ns}', ...LAUGHS, 'spec: {podSelector: {matchLabels: {x: *l8}}}', ''].join('\n'));
    for (const argv of [['lint', '-f', file], ['predict', '-f', file], ['explain', '-f', file, '--from', 'ns/a', '--to', 'ns/b', '--port', '80']]) {
      const { code, stderr } = await runCli(argv);
      expect(stderr, argv.join(' ')).toContain(`YAML: ${ALIAS_MESSAGE}`);
      expect(stderr).not.toMatch(/unexpected error|\n\s+at /);
      expect(code).toBe(2);
    }
  });

  it('a few aliases within the limit still work', async () => {
    const file = write('aliases.yaml', [
      'apiVersion: kubeknock.dev/v1alpha1',
      'kind: Scenario',
      'metadata: {name: t}',
      'spec:',
      '  actors:',
      '    a: &actor {namespace: ns, labels: {app: x}}',
      '    b: {namespace: ns, listen: [80]}',
      '    c: *actor',
      '  checks:',
      '    - {from: [a, c], to: "b:80", expect: allow}',
      '',
    ].join('\n'));
    const { code, stdout, stderr } = await runCli(['validate', file]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('3 actor(s), 2 check(s)');
  });

  it('a scenario past the size limit is refused before it is read, with its size and the limit', async () => {
    const file = write('huge.yaml', `# ${'x'.repeat(MAX_SCENARIO_BYTES)}\n`);
    const { code, stderr } = await runCli(['validate', file]);
    expect(stderr).toContain(`${file}: the file is ${MAX_SCENARIO_BYTES + 3} bytes (1 MiB), over the 1 MiB limit (1048576 bytes) for a scenario file; split it into smaller files`);
    expect(code).toBe(2);
  });

  it('a manifest past the size limit is refused, with its size and the limit', async () => {
    const file = write('huge-manifest.yaml', `# ${'x'.repeat(MAX_MANIFEST_BYTES)}\n`);
    const { code, stderr } = await runCli(['lint', '-f', file]);
    expect(stderr).toContain(`${file}: the file is ${MAX_MANIFEST_BYTES + 3} bytes (32 MiB), over the 32 MiB limit (33554432 bytes) for a manifest file`);
    expect(code).toBe(2);
  });

  it('a repeated key is still refused, with its line and the key', async () => {
    const file = write('dup.yaml', 'apiVersion: kubeknock.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  actors:\n    a: {namespace: ns}\n    a: {namespace: other}\n  checks: []\n');
    const { code, stderr } = await runCli(['validate', file]);
    expect(stderr).toContain(`${file}:7: YAML: Map keys must be unique; "a" is repeated`);
    expect(code).toBe(2);
  });

  it('a repeated key in a manifest is refused, with its line and the key', async () => {
    const file = write('dup-policy.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\nspec:\n  podSelector: {}\n  podSelector: {matchLabels: {app: x}}\n');
    const { code, stderr } = await runCli(['lint', '-f', file]);
    expect(stderr).toContain(`${file}:6:3: YAML syntax: Map keys must be unique; "podSelector" is repeated`);
    expect(code).toBe(2);
  });
});
