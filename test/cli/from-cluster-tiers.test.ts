/**
 * predict and explain --from-cluster read the cluster-scoped tiers (ClusterNetworkPolicy,
 * AdminNetworkPolicy, BaselineAdminNetworkPolicy) from a fake API server through the real client-node
 * clients, decoder and engine, and judge exactly as they do with the same objects in a file; what the
 * engine cannot model (AWS's ClusterNetworkPolicy, an object the decoder refuses, a list RBAC refuses)
 * is refused, naming it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startFakeApi, type FakeApi, type FakeApiOptions } from '../cluster-adapter/fake-api-server.js';
import { writeKubeconfig } from '../cluster-adapter/kubeconfig-file.js';

type Json = Record<string, unknown>;

const namespace: Json = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', labels: { 'kubernetes.io/metadata.name': 'apps' } } };
const pod = (name: string, ip: string, port?: number): Json => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'apps', name, labels: { app: name } },
  spec: { containers: [{ name: 'main', ...(port ? { ports: [{ containerPort: port }] } : {}) }] },
  status: { phase: 'Running', podIP: ip },
});
const pods = [pod('client', '10.244.0.10'), pod('server', '10.244.0.20', 8080), pod('other', '10.244.0.30')];
/** The namespace's own rule: server admits client on 8080 (and so isolates server's ingress). */
const allowClient: Json = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace: 'apps', name: 'server-admits-client' },
  spec: { podSelector: { matchLabels: { app: 'server' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 8080 }] }] },
};
const cnp = (version: string, name: string, spec: Json): Json => ({ apiVersion: `policy.networking.k8s.io/${version}`, kind: 'ClusterNetworkPolicy', metadata: { name }, spec });
const appsPods = (app: string): Json => ({ pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } }, podSelector: { matchLabels: { app } } } });
const adminDeny = cnp('v1beta1', 'admin-deny-client', { tier: 'Admin', priority: 10, subject: appsPods('server'), ingress: [{ name: 'no-client', action: 'Deny', from: [appsPods('client')] }] });
const adminPass = cnp('v1alpha2', 'admin-pass-client', { tier: 'Admin', priority: 20, subject: appsPods('server'), ingress: [{ name: 'to-namespace', action: 'Pass', from: [appsPods('client')] }] });
const baselineDeny = cnp('v1alpha2', 'baseline-deny', {
  tier: 'Baseline',
  priority: 0,
  subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } } },
  ingress: [{ name: 'default-deny', action: 'Deny', from: [{ namespaces: {} }] }],
});

/** The objects in one file, as `kubectl get -o json` would write them (a List). */
function asFile(objects: readonly Json[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubeknock-tiers-'));
  const file = path.join(dir, 'objects.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  return file;
}

/** Served versions → objects, as the fake API server takes them (CNP served in v1beta1 and v1alpha2, one object). */
function served(objects: readonly Json[]): NonNullable<FakeApiOptions['clusterPolicies']> {
  const cnps = objects.filter((o) => o.kind === 'ClusterNetworkPolicy').map((o) => ({ ...o, apiVersion: undefined }));
  return { v1beta1: { clusternetworkpolicies: cnps }, v1alpha2: { clusternetworkpolicies: cnps } };
}

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function cluster(tiers: readonly Json[], extra: Partial<FakeApiOptions> = {}): Promise<string> {
  api = await startFakeApi({ namespaces: { apps: { 'kubernetes.io/metadata.name': 'apps' } }, networkPolicies: [allowClient], clusterPolicies: served(tiers), ...extra });
  for (const p of pods) api.pods.set(`apps/${(p.metadata as { name: string }).name}`, structuredClone(p));
  return writeKubeconfig(api.loaded.server);
}

const PREDICT = ['predict', '--port', '8080', '-o', 'json'];

describe('predict and explain --from-cluster judge with the cluster-scoped tiers', () => {
  it('an Admin Deny over a NetworkPolicy allow: the cluster gives the verdicts the same objects give from a file', async () => {
    const kubeconfig = await cluster([adminDeny]);
    const live = await runCli([...PREDICT, '--from-cluster', '--kubeconfig', kubeconfig]);
    const fromFile = await runCli([...PREDICT, '-f', asFile([namespace, ...pods, allowClient, adminDeny])]);
    expect(live.code, live.stderr).toBe(0);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(JSON.parse(live.stdout), 'the same matrix from the cluster as from the file').toEqual(JSON.parse(fromFile.stdout));
    const explained = await runCli(['explain', '--from', 'apps/client', '--to', 'apps/server', '--port', '8080', '--from-cluster', '--kubeconfig', kubeconfig]);
    expect(explained.stdout, explained.stderr).toContain('apps/client → apps/server TCP/8080: DENY\n');
    expect(explained.stdout).toContain('denied by ClusterNetworkPolicy admin-deny-client (Admin, priority 10) spec.ingress[0] "no-client": Deny');
    // Without the tier the namespace's own policy admits it: the tier is what decided.
    const ignored = await runCli(['explain', '--from', 'apps/client', '--to', 'apps/server', '--port', '8080', '--from-cluster', '--ignore-cluster-policies', '--kubeconfig', kubeconfig]);
    expect(ignored.stdout, ignored.stderr).toContain('apps/client → apps/server TCP/8080: ALLOW\n');
    expect(ignored.stderr).toContain('warning: ignoring 1 cluster-scoped network policy object(s) as --ignore-cluster-policies says: ClusterNetworkPolicy admin-deny-client (policy.networking.k8s.io/v1beta1)');
  });

  it('an Admin Pass down to the NetworkPolicy and a Baseline default deny: the same verdicts as from a file', async () => {
    const kubeconfig = await cluster([adminPass, baselineDeny]);
    const live = await runCli([...PREDICT, '--from-cluster', '--kubeconfig', kubeconfig]);
    const fromFile = await runCli([...PREDICT, '-f', asFile([namespace, ...pods, allowClient, adminPass, baselineDeny])]);
    expect(live.code, live.stderr).toBe(0);
    expect(JSON.parse(live.stdout)).toEqual(JSON.parse(fromFile.stdout));
    const passed = await runCli(['explain', '--from', 'apps/client', '--to', 'apps/server', '--port', '8080', '--from-cluster', '--kubeconfig', kubeconfig]);
    expect(passed.stdout, passed.stderr).toContain('apps/client → apps/server TCP/8080: ALLOW\n');
    expect(passed.stdout).toContain('passed by ClusterNetworkPolicy admin-pass-client (Admin, priority 20) spec.ingress[0] "to-namespace": Pass');
    expect(passed.stdout).toContain('allowed by apps/server-admits-client');
    const baseline = await runCli(['explain', '--from', 'apps/server', '--to', 'apps/client', '--port', '8080', '--from-cluster', '--kubeconfig', kubeconfig]);
    expect(baseline.stdout, baseline.stderr).toContain('apps/server → apps/client TCP/8080: DENY\n');
    expect(baseline.stdout).toContain('ClusterNetworkPolicy baseline-deny (Baseline');
  });
});

describe('predict --from-cluster refuses what it cannot model, naming it', () => {
  it("AWS's own ClusterNetworkPolicy (networking.k8s.aws)", async () => {
    const kubeconfig = await cluster([], { awsClusterPolicies: { v1alpha1: [{ apiVersion: 'networking.k8s.aws/v1alpha1', kind: 'ClusterNetworkPolicy', metadata: { name: 'aws-deny-all' }, spec: {} }] } });
    const { code, stdout, stderr } = await runCli([...PREDICT, '--from-cluster', '--kubeconfig', kubeconfig]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('ClusterNetworkPolicy aws-deny-all (networking.k8s.aws/v1alpha1)');
    expect(stderr).toContain("AWS's own ClusterNetworkPolicy");
    expect(stderr).toContain('--ignore-cluster-policies');
  });

  it('a list RBAC refuses (403)', async () => {
    const kubeconfig = await cluster([adminDeny], { forbidClusterPolicies: ['clusternetworkpolicies'] });
    const { code, stderr } = await runCli([...PREDICT, '--from-cluster', '--kubeconfig', kubeconfig]);
    expect(code).toBe(2);
    expect(stderr).toContain('the current user may not list clusternetworkpolicies.policy.networking.k8s.io (v1beta1), list clusternetworkpolicies.policy.networking.k8s.io (v1alpha2)');
    expect(stderr).toContain('--ignore-cluster-policies');
  });

  it('an object the decoder refuses, with the field and why', async () => {
    const broken = cnp('v1beta1', 'broken', { tier: 'Middle', priority: 10, subject: appsPods('server'), ingress: [] });
    const kubeconfig = await cluster([broken]);
    const { code, stderr } = await runCli([...PREDICT, '--from-cluster', '--kubeconfig', kubeconfig]);
    expect(code).toBe(2);
    expect(stderr).toContain("1 cluster-scoped network policy object(s) that kubeknock's decoder refuses: ClusterNetworkPolicy broken");
    expect(stderr).toContain('cluster:ClusterNetworkPolicy/broken: spec.tier: must be Admin or Baseline, found "Middle"');
  });
});

describe('discover --from-cluster reads the tiers too', () => {
  it('--snapshot freezes the verdicts the Admin tier gives, as the same objects from a file do', async () => {
    const kubeconfig = await cluster([adminDeny]);
    const live = await runCli(['discover', '--from-cluster', '-n', 'apps', '--snapshot', '--kubeconfig', kubeconfig]);
    const fromFile = await runCli(['discover', '-f', asFile([namespace, ...pods, allowClient, adminDeny]), '-n', 'apps', '--snapshot']);
    expect(live.code, live.stderr).toBe(0);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const checks = (yaml: string): string[] => yaml.split('\n').filter((line) => line.trimStart().startsWith('- {'));
    expect(checks(live.stdout), 'the same checks and expectations from the cluster as from the file').toEqual(checks(fromFile.stdout));
    expect(checks(live.stdout).find((line) => line.includes('from: apps-client, to: apps-server:8080')), 'the Admin Deny, not the NetworkPolicy allow').toContain('expect: deny');
  });
});
