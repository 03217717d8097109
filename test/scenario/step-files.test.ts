/**
 * The files a step names, as readScenarioFile reads them: relative to the scenario file's directory,
 * a directory as `kubectl apply -f` reads it, and every problem located in the scenario (the file
 * itself is missing or unreadable) or in the manifest (what is inside it is wrong).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/model/errors.js';
import { loadScenarios, readScenarioFile } from '../../src/scenario/load.js';

const scratch = mkdtempSync(join(tmpdir(), 'kk-steps-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const POLICY = (name: string, extra = ''): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ns1
spec:
  podSelector: {}
${extra}`;

/** A directory holding `s.yaml` (steps start at line 9) and the given files. */
function project(steps: string, files: Readonly<Record<string, string>> = {}): string {
  const dir = mkdtempSync(join(scratch, 'p-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  writeFileSync(
    join(dir, 's.yaml'),
    `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  actors:
    a: {namespace: ns1}
    b: {namespace: ns1, listen: [80]}
  steps:
${steps}`,
  );
  return dir;
}

async function issuesOf(dir: string): Promise<string[]> {
  const result = await readScenarioFile(join(dir, 's.yaml'));
  if (result.ok) return [];
  return result.issues.map((issue) => `${issue.file}:${issue.line} ${issue.path}: ${issue.message}`.replaceAll(dir, '<dir>'));
}

const CHECK = 'checks: [{from: a, to: b:80, expect: allow}]';

describe('readScenarioFile: step files', () => {
  it('reads files and directories relative to the scenario file', async () => {
    const dir = project(
      `    - {name: one, apply: [policies/deny.yaml], ${CHECK}}
    - {name: two, apply: [more/], delete: [policies], ${CHECK}}
`,
      {
        'policies/deny.yaml': POLICY('deny'),
        'more/b.yml': `${POLICY('b')}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns1, labels: {team: shop}}\n`,
        'more/a.JSON': JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'a', namespace: 'ns1' } }),
        'more/notes.txt': 'not a manifest',
        'more/nested/c.yaml': POLICY('c'),
      },
    );
    const result = await readScenarioFile(join(dir, 's.yaml'));
    if (!result.ok) throw new Error(`expected a valid scenario, got ${JSON.stringify(result.issues)}`);
    const [one, two] = result.scenario.steps ?? [];
    expect(one?.changes).toMatchObject([{ type: 'apply', objects: [{ metadata: { name: 'deny' } }] }]);
    // A directory: its own .yaml/.yml/.json files in name order, not its subdirectories or other files.
    expect(two?.changes.map((c) => (c.type === 'apply' ? c.objects.map((o) => `${o.kind} ${o.metadata.name}`) : c.type === 'delete' ? c.refs.map((r) => `${r.kind} ${r.name}`) : []))).toEqual([
      ['NetworkPolicy a', 'NetworkPolicy b', 'Namespace ns1'],
      ['NetworkPolicy deny'],
    ]);
  });

  it('reports a missing file, an empty directory and a file past the size limit at the step that names them', async () => {
    const dir = project(`    - {name: one, apply: [policies/nope.yaml], delete: [empty/], ${CHECK}}\n    - {name: two, apply: [huge.yaml], ${CHECK}}\n`);
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'huge.yaml'), '');
    truncateSync(join(dir, 'huge.yaml'), 32 * 1024 * 1024 + 1);
    expect(await issuesOf(dir)).toEqual([
      '<dir>/s.yaml:9 spec.steps[0].apply[0]: "policies/nope.yaml" (<dir>/policies/nope.yaml): no such file or directory',
      '<dir>/s.yaml:9 spec.steps[0].delete[0]: "empty/" (<dir>/empty/) holds no objects to delete; a directory is read for its .yaml, .yml and .json files, not its subdirectories',
      '<dir>/s.yaml:10 spec.steps[1].apply[0]: "huge.yaml" (<dir>/huge.yaml): the file is 33554433 bytes (32 MiB), over the 32 MiB limit (33554432 bytes) for a manifest file; split it into smaller files',
    ]);
  });

  it('locates a wrong kind and a policy the API server would reject in the manifest, once however many steps name it', async () => {
    const dir = project(`    - {name: one, apply: [bad.yaml], ${CHECK}}\n    - {name: two, apply: [bad.yaml], delete: [bad.yaml], ${CHECK}}\n`, {
      'bad.yaml': `${POLICY('wide', '  egress:\n    - to: {}\n')}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ns1}\n`,
    });
    expect(await issuesOf(dir)).toEqual([
      '<dir>/bad.yaml:9 spec.egress[0].to: must be a list, found an empty mapping {} (the API server rejects this shape) (NetworkPolicy ns1/wide)',
      '<dir>/bad.yaml:12 kind: kind "Deployment" (apps/v1) cannot be applied by a step: a step applies and deletes NetworkPolicies (networking.k8s.io/v1) and applies Namespaces (v1) for their labels; create other objects before the run',
      '<dir>/bad.yaml:12 kind: kind "Deployment" (apps/v1) cannot be deleted by a step: a step applies and deletes NetworkPolicies (networking.k8s.io/v1) and applies Namespaces (v1) for their labels; create other objects before the run',
    ]);
  });

  it('reports a YAML error inside a step file once, in that file', async () => {
    const dir = project(`    - {name: one, apply: [broken.yaml], ${CHECK}}\n    - {name: two, delete: [broken.yaml], ${CHECK}}\n`, { 'broken.yaml': 'kind: [\n' });
    const issues = await issuesOf(dir);
    expect(issues.length, issues.join('\n')).toBe(1);
    expect(issues[0]).toMatch(/^<dir>\/broken\.yaml:\d+ : YAML syntax: /);
  });

  it('loadScenarios refuses with every issue of the scenario and its step files, scenario first', async () => {
    const dir = project(`    - {name: one, apply: [bad.yaml, gone.yaml], labels: {zed: {x: y}}, ${CHECK}}\n`, { 'bad.yaml': POLICY('x').replace('  namespace: ns1\n', '') });
    const error = await loadScenarios([join(dir, 's.yaml')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues.map((i) => `${i.file.replace(dir, '<dir>')}:${i.line} ${i.path}`)).toEqual([
      '<dir>/s.yaml:9 spec.steps[0].apply[1]',
      '<dir>/s.yaml:9 spec.steps[0].labels.zed',
      '<dir>/bad.yaml:3 metadata.namespace',
    ]);
  });

  it('the README example: every mistake of a step at once, located', async () => {
    const file = fileURLToPath(new URL('./fixtures/invalid-step-mistakes.yaml', import.meta.url));
    const result = await readScenarioFile(file);
    if (result.ok) throw new Error('the fixture must be refused');
    expect(result.issues.map((i) => `${i.line} ${i.path}`)).toEqual(['13 spec.steps[0].apply[0].metadata.namespace', '14 spec.steps[0].apply[1].kind', '15 spec.steps[0].labels.clinet']);
  });
});

/**
 * Issue 18, item 6.1: a step could name any file (`../../../../etc/passwd`, an absolute path, a token
 * file) and a file that was no Kubernetes object was quoted whole in the error. A step now reads only
 * inside the scenario's directory tree, and a message quotes at most 80 characters of one line.
 */
describe('readScenarioFile: what a step may name', () => {
  const FIX = 'put the manifest in the scenario file\'s directory (or below it) and name it by its relative path, e.g. "policies/deny.yaml"';

  it('refuses an absolute path, a path out of the directory, a link out of it and a URL, each at its step, and reads none of them', async () => {
    const outsideDir = mkdtempSync(join(scratch, 'outside-'));
    writeFileSync(join(outsideDir, 'secret.yaml'), POLICY('secret'));
    const dir = project(
      `    - {name: one, apply: [${join(outsideDir, 'secret.yaml')}], ${CHECK}}
    - {name: two, apply: [../../../../../../../../etc/passwd], ${CHECK}}
    - {name: three, apply: [linked/secret.yaml], delete: [https://example.com/policy.yaml], ${CHECK}}
`,
    );
    symlinkSync(outsideDir, join(dir, 'linked'));
    const issues = (await issuesOf(dir)).map((issue) => issue.replaceAll(outsideDir, '<outside>'));
    expect(issues).toEqual([
      `<dir>/s.yaml:9 spec.steps[0].apply[0]: "<outside>/secret.yaml" (<outside>/secret.yaml): is an absolute path; a step reads only files inside the scenario's directory tree: ${FIX}`,
      `<dir>/s.yaml:10 spec.steps[1].apply[0]: "../../../../../../../../etc/passwd" (/etc/passwd): leads out of the scenario's directory (<dir>); a step reads only files inside it: ${FIX}`,
      `<dir>/s.yaml:11 spec.steps[2].apply[0]: "linked/secret.yaml" (<dir>/linked/secret.yaml): is, or passes through, a symbolic link that leads out of the scenario's directory (<dir>); a step reads only files inside it: ${FIX}`,
      `<dir>/s.yaml:11 spec.steps[2].delete[0]: "https://example.com/policy.yaml" (<dir>/https:/example.com/policy.yaml): is a URL; kubeknock reads no URLs: download the manifest into the scenario file's directory (or below it) and name it by its relative path, e.g. "policies/deny.yaml"`,
    ]);
  });

  it('a directory a step names follows its symlinked manifests only while they stay inside the scenario\'s tree', async () => {
    const outsideDir = mkdtempSync(join(scratch, 'outside-'));
    writeFileSync(join(outsideDir, 'secret.yaml'), POLICY('secret'));
    const dir = project(`    - {name: one, apply: [policies], ${CHECK}}\n`, { 'policies/inside.yaml': POLICY('inside'), 'shared/kept.yaml': POLICY('kept') });
    symlinkSync(join(outsideDir, 'secret.yaml'), join(dir, 'policies', 'escape.yaml'));
    symlinkSync(join(dir, 'shared', 'kept.yaml'), join(dir, 'policies', 'kept.yaml'));
    const issues = (await issuesOf(dir)).map((issue) => issue.replaceAll(outsideDir, '<outside>'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toBe(`<dir>/s.yaml:9 spec.steps[0].apply[0]: "policies" (<dir>/policies/escape.yaml): a symlink that leads out of <dir>; a step reads only files inside the scenario's directory tree: put the manifest there`);
  });

  it('quotes no more than the start of the first line of a file that is no Kubernetes object', async () => {
    const secret = `token-${'x'.repeat(200)}\nsecond-line-secret\nthird\n`;
    const dir = project(`    - {name: one, apply: [token.yaml], ${CHECK}}\n`, { 'token.yaml': secret });
    const issues = await issuesOf(dir);
    expect(issues.join('\n')).not.toContain('second-line-secret');
    expect(issues.join('\n')).not.toContain('x'.repeat(81));
    expect(issues).toEqual([`<dir>/token.yaml:1 : must be a Kubernetes object (a mapping with apiVersion, kind and metadata), found "token-${'x'.repeat(74)}…"`]);
  });
});
