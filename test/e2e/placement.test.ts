/**
 * Placement on the real three-node test cluster: pods land where the scenario asks (a node, a zone,
 * beside or away from another actor) and every result names the node of both ends; a policy that only
 * breaks cross-node traffic (an ipBlock of one node's pod network where a pod selector was meant) is
 * named as such; a wish the cluster cannot meet stops the run before any pod exists.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult, RunReport } from '../../src/model/report.js';
import { CLUSTER, kubeknock, kubectl, managedPods, useNamespace, writeScenario } from './cluster.js';

const NS = 'kk-e2e-placement';
const NODES = (CLUSTER['NODES'] ?? '').split(',').filter(Boolean);
/** kk-node1's pod networks, from cluster.env (`NODE_POD_CIDRS=kk-node1=10.244.0.0/24+fd00:…,…`). */
const FIRST_NODE_CIDR4 = /^[^=]+=([^+]+)\+/.exec(CLUSTER['NODE_POD_CIDRS'] ?? '')?.[1] ?? '10.244.0.0/24';
const [FIRST = 'kk-node1', SECOND = 'kk-node2', THIRD = 'kk-node3'] = NODES;

useNamespace(NS);

function report(run: { readonly code: number | null; readonly stdout: string; readonly stderr: string }, code: number): RunReport {
  expect(run.code, `exit code; stderr:\n${run.stderr}`).toBe(code);
  return JSON.parse(run.stdout) as RunReport;
}
const ends = (c: CheckResult): string => `${c.from}@${c.fromNode ?? '?'} → ${c.to}@${c.toNode ?? '-'}`;

describe('placement on the real three-node cluster', () => {
  it('has three nodes to place on', () => {
    expect(NODES, 'cluster.env lists the nodes; bring the cluster up with three').toEqual(['kk-node1', 'kk-node2', 'kk-node3']);
  });

  it('node, nodeSelector, sameNodeAs and otherNodeThan put the pods where asked; every result names both nodes', async () => {
    const file = writeScenario(
      'placement-wishes',
      `  actors:
    web: {namespace: ${NS}, labels: {app: web}, listen: [8080], node: ${SECOND}}
    beside: {namespace: ${NS}, labels: {app: client}, placement: {sameNodeAs: web}}
    away: {namespace: ${NS}, labels: {app: client}, placement: {otherNodeThan: web}}
    zone-b: {namespace: ${NS}, labels: {app: client}, nodeSelector: {topology.kubernetes.io/zone: b}}
  checks:
    - {from: [beside, away, zone-b], to: web:8080, expect: allow}
`,
    );
    const r = report(await kubeknock(['run', file, '-o', 'json']), 0);
    const byFrom = new Map(r.checks.map((c) => [c.from, c]));
    expect(byFrom.get('beside')?.fromNode).toBe(SECOND);
    expect(byFrom.get('zone-b')?.fromNode, 'the only zone-b node').toBe(SECOND);
    expect([FIRST, THIRD]).toContain(byFrom.get('away')?.fromNode);
    expect(r.checks.every((c) => c.toNode === SECOND), r.checks.map(ends).join('\n')).toBe(true);
    // beside and zone-b share web's node; away reaches it from another.
    expect(r.summary.placement, 'a breakdown once more than one node took part').toEqual({
      nodes: [...new Set(r.checks.flatMap((c) => [c.fromNode, c.toNode]))].sort(),
      sameNode: { checks: 2, passed: 2, failed: 0, skipped: 0 },
      crossNode: { checks: 1, passed: 1, failed: 0, skipped: 0 },
      noPodTarget: { checks: 0, passed: 0, failed: 0, skipped: 0 },
    });
    expect(await managedPods()).toEqual([]);
  });

  it('a policy that only lets in kk-node1 pod network fails exactly the cross-node checks, and says so', async () => {
    // Meant: clients may reach web. Written: an ipBlock of one node's pod CIDR, which holds while
    // client and server share that node and shuts every other node out.
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-node-cidr, namespace: ${NS}}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
    - from: [{ipBlock: {cidr: ${FIRST_NODE_CIDR4}}}]
      ports: [{protocol: TCP, port: 8080}]
`,
    );
    try {
      const file = writeScenario(
        'placement-cross-node-only',
        `  actors:
    web: {namespace: ${NS}, labels: {app: web}, listen: [8080], node: ${FIRST}}
    local: {namespace: ${NS}, labels: {app: client}, placement: {sameNodeAs: web}}
    remote-a: {namespace: ${NS}, labels: {app: client}, node: ${SECOND}}
    remote-b: {namespace: ${NS}, labels: {app: client}, node: ${THIRD}}
  checks:
    - {name: clients reach web, from: [local, remote-a, remote-b], to: web:8080, expect: allow}
`,
      );
      const run = await kubeknock(['run', file, '-o', 'json']);
      const r = report(run, 1);
      expect(r.checks.map((c) => [ends(c), c.status])).toEqual([
        [`local@${FIRST} → web:8080@${FIRST}`, 'pass'],
        [`remote-a@${SECOND} → web:8080@${FIRST}`, 'fail'],
        [`remote-b@${THIRD} → web:8080@${FIRST}`, 'fail'],
      ]);
      const placement = r.summary.placement;
      expect(placement, 'the breakdown: the one same-node check passed, both cross-node checks failed').toEqual({
        nodes: [FIRST, SECOND, THIRD].sort(),
        sameNode: { checks: 1, passed: 1, failed: 0, skipped: 0 },
        crossNode: { checks: 2, passed: 0, failed: 2, skipped: 0 },
        noPodTarget: { checks: 0, passed: 0, failed: 0, skipped: 0 },
        failuresOnly: 'cross-node',
      });
      // The table names the finding in one line.
      const table = await kubeknock(['run', file]);
      expect(table.code).toBe(1);
      expect(table.stdout).toMatch(/failures are cross-node[^\n]*; every same-node check passed/);
    } finally {
      await kubectl(['delete', 'networkpolicy', 'web-from-node-cidr', '-n', NS, '--ignore-not-found']);
    }
    expect(await managedPods()).toEqual([]);
  });

  it('a node that does not exist, or a zone no node is in: exit 2 at the scenario line, nothing created', async () => {
    const file = writeScenario(
      'placement-impossible',
      `  actors:
    a: {namespace: ${NS}, node: no-such-node}
    b: {namespace: ${NS}, nodeSelector: {topology.kubernetes.io/zone: c}}
    c: {namespace: ${NS}, listen: [8080]}
  checks:
    - {from: [a, b], to: c:8080, expect: allow}
`,
    );
    const run = await kubeknock(['run', file]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('spec.actors.a.node: node "no-such-node" does not exist in the cluster');
    expect(run.stderr).toContain('spec.actors.b.nodeSelector: nodeSelector topology.kubernetes.io/zone=c matches no node');
    expect(run.stderr, 'no pod creation was attempted').not.toMatch(/creating \d+ probe pod/);
    expect(await managedPods()).toEqual([]);
  });
});
