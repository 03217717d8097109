/** How predict, explain and lint read their input: files, directories, every problem at once. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicyInput } from '../../src/app/policy-input.js';
import { readManifests } from '../../src/scenario/read-manifests.js';
import { InputError } from '../../src/model/errors.js';

const trees: string[] = [];
afterAll(async () => {
  await Promise.all(trees.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'kk-policy-'));
  trees.push(root);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return root;
}

const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

describe('reading manifests', () => {
  it("reads a directory's own .yaml/.yml/.json files in name order, not its subdirectories (like kubectl apply -f dir)", async () => {
    const root = await tree({
      'b.yaml': ns('b'),
      'a.yml': `${ns('a1')}---\n${ns('a2')}`,
      'c.json': JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'c' } }),
      'notes.txt': 'not a manifest',
      'examples/skip.yaml': ns('skipped'),
    });
    const { objects, issues } = await readManifests(['.'], root);
    expect(issues).toEqual([]);
    expect(objects.map((object) => (object.value as { metadata: { name: string } }).metadata.name), 'a.yml (two documents), b.yaml, c.json').toEqual(['a1', 'a2', 'b', 'c']);
  });

  it('reports a missing path and a YAML error together, as one InputError', async () => {
    const root = await tree({ 'broken.yaml': 'kind: Namespace\nmetadata: {name: [\n' });
    const error = await loadPolicyInput({ type: 'files', paths: ['missing.yaml', 'broken.yaml'], cwd: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const issues = (error as InputError).issues;
    expect(issues[0], 'the missing file first').toMatchObject({ file: 'missing.yaml', message: 'no such file or directory' });
    expect(issues.slice(1).every((issue) => issue.file === 'broken.yaml' && issue.line > 0), 'then the syntax error with its line').toBe(true);
  });

  it('keeps rejected NetworkPolicies apart from bad input, for lint', async () => {
    const root = await tree({
      'p.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n  podSelector: {}\n  egress:\n    - to: {}\n',
    });
    const { inventory, rejectedPolicies } = await loadPolicyInput({ type: 'files', paths: ['p.yaml'], cwd: root });
    expect(inventory.policies).toEqual([]);
    expect(rejectedPolicies.map((issue) => `${issue.line} ${issue.path}`)).toEqual(['7 spec.egress[0].to']);
  });
});
