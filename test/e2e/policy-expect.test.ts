/**
 * `expect: policy` against the real cluster and its real enforcer (kube-router): the expectations come
 * from the live NetworkPolicies plus the probe pods, the network agrees, and every derived result
 * carries its explanation into the JSON report.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CheckResult, RunReport } from '../../src/model/report.js';
import { CLUSTER, kubeknock, managedPods, reportPath, useNamespace, writeScenario } from './cluster.js';

const NS = 'kk-e2e-policy-expect';
const EXTERNAL = CLUSTER['EXTERNAL_IP'] ?? '203.0.113.10';
const POD_CIDR = CLUSTER['POD_CIDR'] ?? '10.244.0.0/24';

// db admits backend on its NAMED port only (resolved on the probe pod's container port "pg");
// frontend may leave the namespace only for the external host's port 80; cache admits the pod CIDR
// as an ipBlock, which kube-router (like Calico) matches against pod IPs.
const POLICIES = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-backend, namespace: ${NS}}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: backend}}}]
      ports: [{port: pg}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: frontend-egress, namespace: ${NS}}
spec:
  podSelector: {matchLabels: {app: frontend}}
  policyTypes: [Egress]
  egress:
    - to: [{podSelector: {}}]
    - to: [{ipBlock: {cidr: ${EXTERNAL}/32}}]
      ports: [{port: 80, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cache-from-pod-cidr, namespace: ${NS}}
spec:
  podSelector: {matchLabels: {app: cache}}
  policyTypes: [Ingress]
  ingress:
    - from: [{ipBlock: {cidr: ${POD_CIDR}}}]
`;

function scenarioFile(name: string, checks: string, actors = ''): string {
  return writeScenario(
    name,
    `  actors:
    backend: {namespace: ${NS}, labels: {app: backend}}
    frontend: {namespace: ${NS}, labels: {app: frontend}}
    db: {namespace: ${NS}, labels: {app: db}, listen: [{port: 5432, name: pg}, 8080]}
    web: {namespace: ${NS}, labels: {app: web}, listen: [8080]}
${actors}  checks:
${checks}`,
    'timeoutSeconds: 2, attempts: 3, settleSeconds: 3',
  );
}

function cells(report: RunReport): string[] {
  return report.checks.map((c) => `${c.from}→${c.to} [${c.kind}] ${c.expectSource}:${c.expect} ${c.status}`);
}

function byCell(report: RunReport, from: string, to: string, kind: CheckResult['kind']): CheckResult {
  const check = report.checks.find((c) => c.from === from && c.to === to && c.kind === kind);
  if (!check) throw new Error(`no check ${from} → ${to} [${kind}] in ${cells(report).join(', ')}`);
  return check;
}

useNamespace(NS, POLICIES);

describe('kubeknock run with expect: policy on the real cluster', () => {
  it('derives every expectation from the live policies, the network agrees: exit 0, explanations in the report', async () => {
    const file = scenarioFile(
      'from-policy',
      `    - {from: backend, to: db:5432, expect: policy}
    - {from: frontend, to: db:5432, expect: policy}
    - {from: backend, to: db:8080, kind: http, expect: policy}
    - {from: frontend, to: web:8080, kind: http, expect: policy}
    - {from: frontend, to: [{host: ${EXTERNAL}, port: 80}, {host: ${EXTERNAL}, port: 8080}], expect: policy}
`,
    );
    const run = await kubeknock(['run', file, '-o', 'json']);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(run.code, `exit code; checks:\n${cells(report).join('\n')}\nstderr:\n${run.stderr}`).toBe(0);
    expect(run.stderr).toContain("from the cluster's NetworkPolicies");
    expect(cells(report)).toEqual([
      'backend→db:5432 [tcp] policy:allow pass',
      'frontend→db:5432 [tcp] policy:deny pass',
      'backend→db:8080 [http] policy:deny pass',
      'frontend→web:8080 [http] policy:allow pass',
      `frontend→${EXTERNAL}:80 [tcp] policy:allow pass`,
      `frontend→${EXTERNAL}:8080 [tcp] policy:deny pass`,
    ]);
    expect(byCell(report, 'backend', 'db:5432', 'tcp').explanation).toMatch(/TCP\/5432: ALLOW[\s\S]*allowed by kk-e2e-policy-expect\/db-from-backend spec\.ingress\[0\]/);
    expect(byCell(report, 'frontend', 'db:5432', 'tcp').explanation).toMatch(/TCP\/5432: DENY[\s\S]*isolated by kk-e2e-policy-expect\/db-from-backend/);
    expect(byCell(report, 'frontend', `${EXTERNAL}:8080`, 'tcp').explanation).toMatch(/egress {2}of kk-e2e-policy-expect\/kubeknock-frontend-[a-z0-9]+: DENY/);
    expect(report.errors).toEqual([]);
    expect(await managedPods()).toEqual([]);
  });

  it('a declared expectation that contradicts the policy fails, and the report carries what the policy says about that cell', async () => {
    const file = scenarioFile(
      'contradiction',
      `    - {from: frontend, to: db:5432, expect: policy}
    - {from: frontend, to: db:5432, kind: http, expect: allow, attempts: 1}
    - {from: backend, to: db:5432, expect: policy}
`,
    );
    const run = await kubeknock(['run', file, '-o', 'json']);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(run.code, `exit code; checks:\n${cells(report).join('\n')}\nstderr:\n${run.stderr}`).toBe(1);
    const declared = byCell(report, 'frontend', 'db:5432', 'http');
    expect(declared).toMatchObject({ status: 'fail', expectSource: 'scenario', expect: 'allow', observed: 'deny' });
    const derived = byCell(report, 'frontend', 'db:5432', 'tcp');
    expect(derived).toMatchObject({ status: 'pass', expectSource: 'policy', expect: 'deny' });
    expect(derived.explanation, 'the policy behind the cell the scenario got wrong').toMatch(
      /kubeknock-frontend-[a-z0-9]+ → kk-e2e-policy-expect\/kubeknock-db-[a-z0-9]+ TCP\/5432: DENY[\s\S]*port matched, peer did not \(admits pods app=backend of namespace kk-e2e-policy-expect\)/,
    );
    expect(await managedPods()).toEqual([]);
  });

  it('when the network does not do what the policies say, the cell fails with the explanation in the JSON report', async () => {
    // A CNI that enforces nothing cannot be had here. The nearest real disagreement: tell the engine
    // ipBlock does not match pod IPs (true on Cilium), while kube-router does match them. The policies
    // then say "deny" and the network says "allow" -- the shape of every enforcement gap.
    const file = scenarioFile(
      'gap',
      `    - {from: backend, to: cache:6379, expect: policy, attempts: 2}
    - {from: backend, to: db:5432, expect: policy}
`,
      `    cache: {namespace: ${NS}, labels: {app: cache}, listen: [6379]}\n`,
    );
    const reportFile = reportPath('gap.json');
    const run = await kubeknock(['run', file, '--no-ipblock-matches-pods', '--report', reportFile]);
    expect(run.code, `exit code; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(1);
    expect(run.stdout, 'the table marks the derived expectation').toContain('expected policy→deny, got allow (connected)');
    expect(run.stdout, 'and the failure details show the explanation').toMatch(/policy {4}kk-e2e-policy-expect\/kubeknock-backend-/);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    const gap = byCell(report, 'backend', 'cache:6379', 'tcp');
    expect(gap).toMatchObject({ status: 'fail', expectSource: 'policy', expect: 'deny', observed: 'allow' });
    expect(gap.attempts, 'retried before being called a failure').toHaveLength(2);
    expect(gap.explanation).toMatch(/TCP\/6379: DENY[\s\S]*isolated by kk-e2e-policy-expect\/cache-from-pod-cidr; no ingress rule matched:[\s\S]*port matched, peer did not \(admits ipBlock /);
    expect(byCell(report, 'backend', 'db:5432', 'tcp')).toMatchObject({ status: 'pass', expect: 'allow' });
    expect(await managedPods()).toEqual([]);
  });
});
