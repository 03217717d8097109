/**
 * Cluster-scoped network policies on the real API server: the upstream CRDs of
 * sigs.k8s.io/network-policy-api (AdminNetworkPolicy and BaselineAdminNetworkPolicy from v0.1.7, the last
 * v1alpha1 schema, the one kubeknock decodes (v0.1.1's peers had another shape);
 * ClusterNetworkPolicy from v0.3.0, fetched through the Go module proxy like the cluster's own parts)
 * are installed for this file where the cluster does not have them yet (the kube-network-policies
 * profile installs the ClusterNetworkPolicy CRD itself: that one is left alone), and only the CRDs
 * this file created are removed afterwards. With such objects present, `expect: policy`, `predict`
 * and `explain --from-cluster` read them and judge with their tiers, doctor says so, rollout (whose
 * planner does not model them yet) refuses, and --ignore-cluster-policies judges by NetworkPolicies
 * alone with a warning.
 *
 * What the network does depends on the bed's enforcer (cluster.env ENFORCER): kube-router enforces no
 * tier, and kube-network-policies (npa-v1alpha2) enforces ClusterNetworkPolicy but not the v1alpha1
 * AdminNetworkPolicy. The objects below make the Admin tier decide client → db (deny) and the
 * Baseline tier deny it too, so the expectation is the same whichever decides; only kube-network-
 * policies makes the network agree.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, RunReport } from '../../src/model/report.js';
import { writeFileSync } from 'node:fs';
import { ENFORCER, kubeknock, kubectl, managedPods, reportPath, useNamespace, writeScenario } from './cluster.js';

const CACHE = process.env['KUBEKNOCK_CACHE'] ?? '/var/cache/kubeknock';
const NS = 'kk-e2e-tiers';
/** Only kube-network-policies enforces a tier here (the Baseline ClusterNetworkPolicy below). */
const ENFORCES_TIERS = ENFORCER === 'kube-network-policies';
/** What the network did (skipped checks have no observation). */
const observedOf = (check: CheckResult | undefined): string | undefined => (check === undefined || check.status === 'skipped' ? undefined : check.observed);
const outcomeOf = (check: CheckResult | undefined): string | undefined => (check === undefined || check.status === 'skipped' ? undefined : check.outcome.class);


/** The module's directory in the Go module cache (downloaded once through the module proxy). */
function moduleDir(version: string): string {
  const env = { ...process.env, GOMODCACHE: join(CACHE, 'go', 'mod'), GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', PATH: `${process.env['PATH'] ?? ''}:/usr/local/go/bin` };
  const out = execFileSync('go', ['mod', 'download', '-json', `sigs.k8s.io/network-policy-api@${version}`], { env, encoding: 'utf8', timeout: 120_000 });
  return (JSON.parse(out) as { Dir: string }).Dir;
}

const CRDS = [
  ['v0.1.7', 'config/crd/standard/policy.networking.k8s.io_adminnetworkpolicies.yaml', 'adminnetworkpolicies.policy.networking.k8s.io'],
  ['v0.1.7', 'config/crd/standard/policy.networking.k8s.io_baselineadminnetworkpolicies.yaml', 'baselineadminnetworkpolicies.policy.networking.k8s.io'],
  ['v0.3.0', 'config/crd/standard/policy.networking.k8s.io_clusternetworkpolicies.yaml', 'clusternetworkpolicies.policy.networking.k8s.io'],
] as const;

const OBJECTS = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: kk-e2e-deny-db}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: ${NS}}}}
  ingress:
    - {name: deny-all, action: Deny, from: [{namespaces: {}}]}
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

/** The CRDs this file created (absent before it ran): the only ones it removes. */
const created: string[] = [];

async function crdExists(name: string): Promise<boolean> {
  const out = await kubectl(['get', 'crd', name, '--ignore-not-found', '-o', 'name']);
  return out.trim() !== '';
}

beforeAll(async () => {
  const missing: (typeof CRDS)[number][] = [];
  for (const crd of CRDS) if (!(await crdExists(crd[2]))) missing.push(crd);
  const dirs = new Map([...new Set(missing.map(([version]) => version))].map((v) => [v, moduleDir(v)]));
  for (const [version, path, name] of missing) {
    await kubectl(['apply', '--server-side', '-f', join(dirs.get(version) ?? '', path)]);
    created.push(name);
  }
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...CRDS.map(([, , name]) => `crd/${name}`)]);
  await kubectl(['apply', '-f', '-'], OBJECTS);
}, 240_000);

afterAll(async () => {
  try {
    // The objects first: a CRD this file did not create stays, and so would they.
    await kubectl(['delete', '--ignore-not-found', '--wait=true', '--timeout=120s', '-f', '-'], OBJECTS);
  } finally {
    if (created.length > 0) await kubectl(['delete', '--ignore-not-found', '--wait=true', '--timeout=120s', ...created.map((name) => `crd/${name}`)]);
  }
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
      // A brand-new pod may be unknown to the enforcer for a moment: retried (bounded) while the result differs.
      'timeoutSeconds: 2, attempts: 4, settleSeconds: 3',
    );
  const named = /AdminNetworkPolicy kk-e2e-deny-db \(policy\.networking\.k8s\.io\/v1alpha1\), ClusterNetworkPolicy kk-e2e-baseline \(policy\.networking\.k8s\.io\/v1(alpha2|beta1)\)/;

  const explainArgs = ['explain', '--from-cluster', '--from', `${NS}/client`, '--from-labels', 'app=client', '--to', `${NS}/db`, '--to-labels', 'app=db', '--port', '5432'];

  it(`run with expect: policy judges with the tiers: expected deny (the Admin tier), ${ENFORCES_TIERS ? 'and kube-network-policies denies it (timeout): pass, exit 0' : `which ${ENFORCER} does not enforce: the check fails, exit 1`}`, async () => {
    const run = await kubeknock(['run', scenario(), '-o', 'json']);
    expect(run.stderr).not.toMatch(/cluster-scoped network polic/);
    expect(run.code, run.stderr).toBe(ENFORCES_TIERS ? 0 : 1);
    const report = JSON.parse(run.stdout) as RunReport;
    const [check] = report.checks;
    expect(check?.expectSource).toBe('policy');
    expect(check?.explanation).toMatch(/ingress of kk-e2e-tiers\/kubeknock-db-\S+: DENY: decided in the Admin tier\n\s+denied by AdminNetworkPolicy kk-e2e-deny-db \(Admin, priority 10\) spec\.ingress\[0\] "deny-all": Deny/);
    expect(report.checks.map((c) => `${c.name} ${c.status} ${c.expect} ${observedOf(c)}`)).toEqual([`client → db:5432 ${ENFORCES_TIERS ? 'pass' : 'fail'} deny ${ENFORCES_TIERS ? 'deny' : 'allow'}`]);
    if (ENFORCES_TIERS) expect(outcomeOf(check), 'kube-network-policies drops').toBe('timeout');
    expect(await managedPods()).toEqual([]);
  });

  it('predict and explain --from-cluster read them: the Admin tier decides; doctor says they are modelled', async () => {
    const predict = await kubeknock(['predict', '--from-cluster', '--port', '5432', '-o', 'json']);
    expect(predict.code, predict.stderr).toBe(0);
    const explain = await kubeknock(explainArgs);
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toContain(`${NS}/client → ${NS}/db TCP/5432: DENY\n`);
    expect(explain.stdout).toContain('denied by AdminNetworkPolicy kk-e2e-deny-db (Admin, priority 10) spec.ingress[0] "deny-all": Deny');
    const doctor = await kubeknock(['doctor', scenario()]);
    expect(doctor.stdout).toMatch(new RegExp(`✓ cluster-scoped network policies: \\d+ object\\(s\\), judged with their tiers by expect: policy and --from-cluster \\(rollout refuses them: its planner does not model them yet\\): .*${named.source}`));
    expect(doctor.stdout).not.toContain('✗ cluster-scoped network policies');
  });

  it('rollout refuses them (exit 2, nothing changed): its planner does not model the tiers yet', async () => {
    const policy = reportPath('tiers-rollout-policy.yaml');
    writeFileSync(policy, `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: kk-e2e-db-ingress, namespace: ${NS}}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  policyTypes: [Ingress]\n`);
    const rollout = await kubeknock(['rollout', '-f', policy, '-s', scenario(), '--dry-run']);
    expect(rollout.code, rollout.stderr).toBe(2);
    expect(rollout.stderr).toMatch(named);
    expect(rollout.stderr).toContain('planning and verifying a rollout does not take them into account yet');
    expect((await kubectl(['get', 'networkpolicies', '-n', NS, '-o', 'name'])).trim()).toBe('');
  });

  it('--ignore-cluster-policies judges by NetworkPolicies alone, with a warning naming them', async () => {
    const explain = await kubeknock([...explainArgs, '--ignore-cluster-policies']);
    expect(explain.stdout, explain.stderr).toContain(`${NS}/client → ${NS}/db TCP/5432: ALLOW\n`);
    expect(explain.stderr).toMatch(/warning: ignoring \d+ cluster-scoped network policy object\(s\) as --ignore-cluster-policies says/);
    const run = await kubeknock(['run', scenario(), '--ignore-cluster-policies', '-o', 'json']);
    expect(run.stderr).toMatch(/warning: ignoring \d+ cluster-scoped network policy object\(s\) as --ignore-cluster-policies says/);
    // There is no NetworkPolicy here: allow is expected. kube-router lets it through; kube-network-policies
    // enforces the Baseline tier this flag leaves out, so the network denies it there.
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.checks.map((c) => `${c.name} ${c.status} ${c.expect} ${observedOf(c)}`)).toEqual([`client → db:5432 ${ENFORCES_TIERS ? 'fail' : 'pass'} allow ${ENFORCES_TIERS ? 'deny' : 'allow'}`]);
    expect(run.code, run.stderr).toBe(ENFORCES_TIERS ? 1 : 0);
    expect(report.checks[0]?.expectSource).toBe('policy');
    expect(await managedPods()).toEqual([]);
  });
});
