/**
 * Cluster-scoped network policies on the real API server: the upstream CRDs of
 * sigs.k8s.io/network-policy-api (AdminNetworkPolicy and BaselineAdminNetworkPolicy from v0.1.1,
 * ClusterNetworkPolicy from v0.3.0, fetched through the Go module proxy like the cluster's own parts)
 * are installed for this file. With such objects present, `expect: policy` and `predict
 * --from-cluster` refuse (exit 2, naming them, nothing created), doctor reports them, and
 * --ignore-cluster-policies goes on with a warning. The CRDs are removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { kubeknock, kubectl, managedPods, useNamespace, writeScenario } from './cluster.js';

const CACHE = process.env['KUBEKNOCK_CACHE'] ?? '/var/cache/kubeknock';
const NS = 'kk-e2e-tiers';

/** The module's directory in the Go module cache (downloaded once through the module proxy). */
function moduleDir(version: string): string {
  const env = { ...process.env, GOMODCACHE: join(CACHE, 'go', 'mod'), GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', PATH: `${process.env['PATH'] ?? ''}:/usr/local/go/bin` };
  const out = execFileSync('go', ['mod', 'download', '-json', `sigs.k8s.io/network-policy-api@${version}`], { env, encoding: 'utf8', timeout: 120_000 });
  return (JSON.parse(out) as { Dir: string }).Dir;
}

const CRDS = [
  ['v0.1.1', 'config/crd/policy.networking.k8s.io_adminnetworkpolicies.yaml', 'adminnetworkpolicies.policy.networking.k8s.io'],
  ['v0.1.1', 'config/crd/policy.networking.k8s.io_baselineadminnetworkpolicies.yaml', 'baselineadminnetworkpolicies.policy.networking.k8s.io'],
  ['v0.3.0', 'config/crd/standard/policy.networking.k8s.io_clusternetworkpolicies.yaml', 'clusternetworkpolicies.policy.networking.k8s.io'],
] as const;

const OBJECTS = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: kk-e2e-deny-db}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: ${NS}}}}
  ingress:
    - {name: deny-all, action: Deny, from: [{namespaces: {namespaceSelector: {}}}]}
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: kk-e2e-baseline}
spec:
  tier: Baseline
  priority: 5
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: ${NS}}}}
  ingress:
    - {name: deny-rest, action: Deny, from: [{namespaces: {}}]}
`;

beforeAll(async () => {
  const dirs = new Map(['v0.1.1', 'v0.3.0'].map((v) => [v, moduleDir(v)]));
  for (const [version, path] of CRDS) await kubectl(['apply', '--server-side', '-f', join(dirs.get(version) ?? '', path)]);
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...CRDS.map(([, , name]) => `crd/${name}`)]);
  await kubectl(['apply', '-f', '-'], OBJECTS);
}, 240_000);

afterAll(async () => {
  await kubectl(['delete', '--ignore-not-found', '--wait=true', '--timeout=120s', ...CRDS.map(([, , name]) => `crd/${name}`)]);
}, 240_000);

describe('a cluster with AdminNetworkPolicy and ClusterNetworkPolicy objects', () => {
  useNamespace(NS);
  const scenario = () =>
    writeScenario(
      'tiers',
      `  actors:
    client: {namespace: ${NS}, labels: {app: client}}
    db: {namespace: ${NS}, labels: {app: db}, listen: [5432]}
  checks:
    - {from: client, to: db:5432, expect: policy}
`,
    );
  const named = /AdminNetworkPolicy kk-e2e-deny-db \(policy\.networking\.k8s\.io\/v1alpha1\), ClusterNetworkPolicy kk-e2e-baseline \(policy\.networking\.k8s\.io\/v1(alpha2|beta1)\)/;

  it('run with expect: policy refuses (exit 2), naming every object, before any pod exists', async () => {
    const run = await kubeknock(['run', scenario()]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/the cluster has 2 cluster-scoped network policy object\(s\) that kubeknock's policy engine does not model yet/);
    expect(run.stderr).toMatch(named);
    expect(run.stderr).toContain('--ignore-cluster-policies');
    expect(run.stderr).not.toMatch(/creating \d+ probe pod/);
    expect(await managedPods()).toEqual([]);
  });

  it('predict --from-cluster refuses the same way; doctor reports them as a failure for such scenarios', async () => {
    const predict = await kubeknock(['predict', '--from-cluster']);
    expect(predict.code, predict.stderr).toBe(2);
    expect(predict.stderr).toMatch(named);
    const doctor = await kubeknock(['doctor', scenario()]);
    // A failed doctor check means the scenario cannot run here: exit 2.
    expect(doctor.code, doctor.stderr).toBe(2);
    expect(doctor.stdout).toMatch(new RegExp(`✗ cluster-scoped network policies: 2 object\\(s\\), which kubeknock's policy engine does not model yet: ${named.source}`));
  });

  it('--ignore-cluster-policies judges by NetworkPolicies alone, with a warning naming them', async () => {
    const run = await kubeknock(['run', scenario(), '--ignore-cluster-policies', '-o', 'json']);
    expect(run.stderr).toMatch(/warning: ignoring 2 cluster-scoped network policy object\(s\) as --ignore-cluster-policies says/);
    // kube-router enforces NetworkPolicy only, and there is none here: allowed, as predicted.
    expect(run.code, run.stderr).toBe(0);
    // The one check ran and was judged against the expectation derived from NetworkPolicies (allow).
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.checks.map((check) => `${check.name} ${check.status} ${check.status === 'skipped' ? '' : `${check.expect} ${check.observed}`}`)).toEqual(['client → db:5432 pass allow allow']);
    expect(report.checks[0]?.expectSource).toBe('policy');
    expect(await managedPods()).toEqual([]);
  });
});
