/**
 * Address families on the real dual-stack test cluster: a policy that opens db to backend by pod
 * selector (both families alike), one that opens it to the IPv4 pod network only by ipBlock (the IPv6
 * half denied), `expect: policy` agreeing per family, a dual-stack Service by name at each family's
 * ClusterIP and its AAAA record, and no probe pod left behind. Written for the three-node dual-stack
 * cluster (pods 10.244.0.0/16 and fd00:10:244::/48); not run where that cluster is not up.
 */
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { kubeknock, managedPods, useNamespace, writeScenario } from './cluster.js';
import { addressesOf, outcomeOf } from '../support/outcome.js';

const NS = 'kk-e2e-family';
const MANIFESTS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-backend, namespace: ${NS}}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: backend}}}]
      ports: [{protocol: TCP, port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cache-from-ipv4-pods, namespace: ${NS}}
spec:
  podSelector: {matchLabels: {app: cache}}
  policyTypes: [Ingress]
  ingress:
    - from: [{ipBlock: {cidr: 10.244.0.0/16}}]
      ports: [{protocol: TCP, port: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: ${NS}}
spec:
  ipFamilyPolicy: RequireDualStack
  selector: {app: db}
  ports: [{port: 5432, protocol: TCP}]
`;

const ACTORS = `  actors:
    backend: {namespace: ${NS}, labels: {app: backend}}
    intruder: {namespace: ${NS}, labels: {app: intruder}}
    db: {namespace: ${NS}, labels: {app: db}, listen: [5432], serve: true}
    cache: {namespace: ${NS}, labels: {app: cache}, listen: [6379]}
`;

const DENY_CLASSES = ['timeout', 'refused', 'no-route'];

useNamespace(NS, MANIFESTS);

function parse(run: { readonly code: number | null; readonly stdout: string; readonly stderr: string }): RunReport {
  expect(run.code, `exit code; stderr:\n${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout) as RunReport;
}

describe('address families on the real dual-stack cluster', () => {
  it('a pod-selector policy holds over both families; an IPv4 ipBlock opens IPv4 only', async () => {
    const file = writeScenario(
      'family-written',
      `${ACTORS}  checks:
    - {from: backend, to: db:5432, family: both, expect: allow}
    - {from: intruder, to: db:5432, family: both, expect: deny}
    - {from: backend, to: cache:6379, family: ipv4, expect: allow}
    - {from: backend, to: cache:6379, family: ipv6, expect: deny}
`,
    );
    const report = parse(await kubeknock(['run', file, '-o', 'json']));
    expect(report.checks.map((c) => [c.id, c.to, c.family, c.status])).toEqual([
      ['c1@ipv4', 'db:5432 (ipv4)', 'ipv4', 'pass'],
      ['c1@ipv6', 'db:5432 (ipv6)', 'ipv6', 'pass'],
      ['c2@ipv4', 'db:5432 (ipv4)', 'ipv4', 'pass'],
      ['c2@ipv6', 'db:5432 (ipv6)', 'ipv6', 'pass'],
      ['c3', 'cache:6379 (ipv4)', 'ipv4', 'pass'],
      ['c4', 'cache:6379 (ipv6)', 'ipv6', 'pass'],
    ]);
    expect(report.checks[1]?.address).toMatch(/^\[fd00:10:244:[0-9a-f:]+\]:5432$/);
    for (const check of [report.checks[2], report.checks[3], report.checks[5]]) expect(DENY_CLASSES, check?.name).toContain(check && outcomeOf(check)?.class);
    expect(report.summary.byFamily).toEqual({ ipv4: { total: 3, passed: 3, failed: 0, skipped: 0 }, ipv6: { total: 3, passed: 3, failed: 0, skipped: 0 } });
    expect(await managedPods()).toEqual([]);
  });

  it('expect: policy judges each family by the address of that family', async () => {
    const file = writeScenario(
      'family-policy',
      `${ACTORS}  checks:
    - {from: [backend, intruder], to: [db:5432, cache:6379], family: both, expect: policy}
`,
    );
    const report = parse(await kubeknock(['run', file, '-o', 'json']));
    expect(report.checks.map((c) => [c.from, c.to, c.expect, c.status])).toEqual([
      ['backend', 'db:5432 (ipv4)', 'allow', 'pass'],
      ['backend', 'db:5432 (ipv6)', 'allow', 'pass'],
      ['backend', 'cache:6379 (ipv4)', 'allow', 'pass'],
      ['backend', 'cache:6379 (ipv6)', 'deny', 'pass'],
      ['intruder', 'db:5432 (ipv4)', 'deny', 'pass'],
      ['intruder', 'db:5432 (ipv6)', 'deny', 'pass'],
      ['intruder', 'cache:6379 (ipv4)', 'allow', 'pass'],
      ['intruder', 'cache:6379 (ipv6)', 'deny', 'pass'],
    ]);
  });

  it("reaches a dual-stack Service by name at each family's ClusterIP, and its name has an AAAA record", async () => {
    const file = writeScenario(
      'family-service',
      `${ACTORS}  checks:
    - {from: backend, to: {service: db, namespace: ${NS}, port: 5432}, family: both, expect: allow}
    - {from: backend, dns: db.${NS}.svc.cluster.local., family: both, expect: allow}
`,
    );
    const report = parse(await kubeknock(['run', file, '-o', 'json']));
    const [v4, v6, a, aaaa] = report.checks;
    expect(v4?.address).toMatch(/^10\.96\.\d+\.\d+:5432$/);
    expect(v6?.address).toMatch(/^\[fd00:10:96::[0-9a-f:]+\]:5432$/);
    expect(a && outcomeOf(a)?.class).toBe('resolved');
    expect(aaaa && addressesOf(outcomeOf(aaaa) ?? { class: 'exec-error', detail: '' })).toEqual([expect.stringMatching(/^fd00:10:96::/)]);
    expect(report.checks.every((c) => c.status === 'pass')).toBe(true);
  });
});
