/**
 * Issue 9, item 8, "silence where a user needs a word": FORCE_COLOR=0 on a terminal, kinds the engine
 * does not read, empty or upper-case-extension inputs, multi-document scenario files, UTF-16 files
 * and a plain-http kubeconfig server each get a clear word (and exit 2 where nothing can be done).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { REPO, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kk-quiet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string | Buffer): string => {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
};
const READS = 'kubeknock reads Namespace (v1), Pod (v1), Service (v1), Deployment (apps/v1), StatefulSet (apps/v1), DaemonSet (apps/v1), ReplicaSet (apps/v1), Job (batch/v1), CronJob (batch/v1), NetworkPolicy (networking.k8s.io/v1), ClusterNetworkPolicy (policy.networking.k8s.io/v1beta1 or policy.networking.k8s.io/v1alpha2), AdminNetworkPolicy (policy.networking.k8s.io/v1alpha1), BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1)';
const scenario = (name: string) => `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: ${name}}
spec:
  actors: {a: {namespace: default}}
  checks: [{from: a, dns: kubernetes.default.svc.cluster.local., expect: allow}]
`;
const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: default}
spec: {podSelector: {}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default, labels: {app: web}}
`;

describe('colour', () => {
  async function predictOnTerminal(env: Record<string, string>): Promise<string> {
    let stdout = '';
    const file = write('colour/policy.yaml', policy);
    const code = await main(['predict', '-f', file], { stdout: { write: (text: string) => (stdout += text), isTTY: true }, stderr: { write: () => true }, env, cwd: REPO });
    expect(code).toBe(0);
    return stdout;
  }

  it('is on for a terminal, off with FORCE_COLOR=0 or false, and off with NO_COLOR', async () => {
    expect(await predictOnTerminal({})).toContain('\u001b[');
    expect(await predictOnTerminal({ FORCE_COLOR: '0' })).not.toContain('\u001b[');
    expect(await predictOnTerminal({ FORCE_COLOR: 'false' })).not.toContain('\u001b[');
    expect(await predictOnTerminal({ NO_COLOR: '1' })).not.toContain('\u001b[');
  });
});

describe('manifests kubeknock cannot read', () => {
  it('notes kinds it ignores, naming file, kind and count, and warns about CNI policy kinds', async () => {
    const file = write(
      'cni.yaml',
      `${policy}---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: a, namespace: default}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: b, namespace: default}
---
apiVersion: crd.projectcalico.org/v1
kind: GlobalNetworkPolicy
metadata: {name: g}
`,
    );
    const { code, stderr } = await runCli(['lint', '-f', file]);
    expect(code).toBe(0);
    expect(stderr).toBe(
      `kubeknock: note: ${file}: ignored 2 CiliumNetworkPolicy (cilium.io/v2), 1 GlobalNetworkPolicy (crd.projectcalico.org/v1) (not a kind kubeknock reads); CiliumNetworkPolicy (cilium.io/v2), GlobalNetworkPolicy (crd.projectcalico.org/v1) objects also filter traffic, and kubeknock does not model them: its verdicts leave them out\n`,
    );
  });

  it('refuses an empty directory (exit 2, what was searched), instead of "✓ no findings"', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const { code, stdout, stderr } = await runCli(['lint', '-f', empty]);
    expect(stdout).toBe('');
    expect(stderr).toBe(`kubeknock: nothing to read in the manifests: ${empty} (a directory with 0 .yaml/.yml/.json files; subdirectories are not read); ${READS}\n`);
    expect(code).toBe(2);
  });

  it('refuses input with only other kinds', async () => {
    const file = write('only-cilium.yaml', 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: a}\n');
    const { code, stderr } = await runCli(['predict', '-f', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`kubeknock: nothing to read in the manifests: ${file} (no object of those kinds); 1 object(s) of other kinds were ignored; ${READS}`);
  });

  it('reads .YAML and .Yml files of a directory, whatever the case of the extension', async () => {
    write('upper/policy.YAML', policy);
    write('upper/more.Yml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n');
    const { code, stdout } = await runCli(['lint', '-f', join(dir, 'upper'), '-o', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ findings: [] });
    const predicted = await runCli(['predict', '-f', join(dir, 'upper'), '-o', 'json']);
    expect(predicted.stdout).toContain('"from":"default/web","to":"default/web","verdict":"deny"');
  });
});

describe('files that are not one UTF-8 scenario', () => {
  it('a multi-document scenario file names the line of the second document and the fix', async () => {
    const file = write('multi.yaml', `${scenario('a')}---\n${scenario('b')}`);
    const { code, stderr } = await runCli(['validate', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:7: a second YAML document starts here ("---"); a scenario file holds exactly one scenario: put each in its own file (kubeknock run a.yaml b.yaml runs several)`);
  });

  it('a UTF-16 scenario or manifest says so, with the conversion', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(scenario('a'), 'utf16le')]);
    const file = write('utf16.yaml', utf16);
    const validated = await runCli(['validate', file]);
    expect(validated.code).toBe(2);
    expect(validated.stderr).toContain(`${file}: is UTF-16 (little-endian) encoded; kubeknock reads UTF-8: convert it, e.g. iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8`);
    const noBom = write('nobom.yaml', Buffer.from(policy, 'utf16le'));
    const linted = await runCli(['lint', '-f', noBom]);
    expect(linted.code).toBe(2);
    expect(linted.stderr).toContain(`${noBom}: contains NUL bytes: it is binary, or UTF-16/UTF-32 without a byte order mark`);
  });
});

describe('a kubeconfig with a plain-http server', () => {
  it('names the cluster entry and both fixes, for run and doctor', async () => {
    const kubeconfig = write(
      'kubeconfig',
      'apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster: {server: "http://127.0.0.1:1"}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: dev\n  context: {cluster: local, user: u}\ncurrent-context: dev\n',
    );
    const expected = `cluster "local" (context "dev" in ${kubeconfig}) has a plain-http server, http://127.0.0.1:1; the Kubernetes client refuses plain HTTP unless that cluster entry sets insecure-skip-tls-verify: true. Use the API server's https:// address, or, for a local test server only, add insecure-skip-tls-verify: true to cluster "local"`;
    const run = await runCli(['run', write('s.yaml', scenario('s')), '--kubeconfig', kubeconfig]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`kubeknock: ${expected}\n`);
    const doctor = await runCli(['doctor', '--kubeconfig', kubeconfig]);
    expect(doctor.code).toBe(2);
    expect(doctor.stdout).toContain(`✗ kubeconfig: ${expected}`);
  });
});

