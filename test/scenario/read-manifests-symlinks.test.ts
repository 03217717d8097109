/** `-f DIR` where the manifests are symlinks, as in a mounted ConfigMap: followed like kubectl does, each file read once, loops and broken links reported. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifests } from '../../src/scenario/read-manifests.js';
import { runCli } from '../support/cli.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

const PODS = `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: shop, labels: {app: a}}
spec: {containers: [{name: c}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: shop, labels: {app: b}}
spec: {containers: [{name: c}]}
`;
const DENY_ALL = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`;

/** The layout the kubelet writes for a ConfigMap volume: real files in a hidden timestamped directory, `..data` and every key a symlink. */
async function configMapMount(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'kk-configmap-'));
  roots.push(root);
  const stamp = '..2026_12_07_16_00_00.123456789';
  await mkdir(path.join(root, stamp));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(root, stamp, name), text);
  await symlink(stamp, path.join(root, '..data'));
  for (const name of Object.keys(files)) await symlink(path.join('..data', name), path.join(root, name));
  return root;
}

const names = (objects: readonly { readonly value: unknown }[]): string[] => objects.map((object) => (object.value as { metadata: { name: string } }).metadata.name);

describe('-f a directory of symlinks', () => {
  it('reads the visible symlinked manifests of a ConfigMap mount, each once', async () => {
    const root = await configMapMount({ 'deny-all.yaml': DENY_ALL, 'pods.yaml': PODS });
    const { objects, issues, searched } = await readManifests(['.'], root);
    expect(issues).toEqual([]);
    expect(names(objects), 'deny-all.yaml then pods.yaml, not the hidden copies again').toEqual(['deny-all', 'a', 'b']);
    expect(objects.map((object) => object.file)).toEqual(['deny-all.yaml', 'pods.yaml', 'pods.yaml']);
    expect(searched).toEqual([{ shown: '.', directory: true, files: 2 }]);
  });

  it('predict sees the deny-all policy of a mounted ConfigMap', async () => {
    const root = await configMapMount({ 'deny-all.yaml': DENY_ALL, 'pods.yaml': PODS });
    const { code, stdout, stderr } = await runCli(['predict', '-f', root, '--port', '80', '-o', 'json']);
    expect(code, stderr).toBe(0);
    const cells = (JSON.parse(stdout) as { results: { from: string; to: string; verdict: string }[] }).results;
    expect(cells.find((cell) => cell.from === 'shop/a' && cell.to === 'shop/b')?.verdict, 'deny-all denies a → b').toBe('deny');
  });

  it('reports a symlink loop and a broken link by name instead of skipping them', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'kk-links-'));
    roots.push(root);
    await writeFile(path.join(root, 'pods.yaml'), PODS);
    await symlink('loop-b.yaml', path.join(root, 'loop-a.yaml'));
    await symlink('loop-a.yaml', path.join(root, 'loop-b.yaml'));
    await symlink('gone.yaml', path.join(root, 'broken.yaml'));
    await symlink(root, path.join(root, 'self.yaml'));
    const { objects, issues } = await readManifests(['.'], root);
    expect(names(objects)).toEqual(['a', 'b']);
    expect(issues.map((issue) => `${issue.file}: ${issue.message}`)).toEqual([
      'broken.yaml: a broken symlink (its target does not exist); fix or remove the link',
      'loop-a.yaml: a symlink loop (it leads back to itself); fix or remove the link',
      'loop-b.yaml: a symlink loop (it leads back to itself); fix or remove the link',
    ]);
  });
});
