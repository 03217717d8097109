/**
 * Placement on the real (one-node) test cluster: the pods are pinned by node affinity and run where
 * they were placed, every result names the node, a one-node run shows no breakdown, and a wish the
 * cluster cannot meet stops the run before any pod exists.
 */
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { CLUSTER, kubeknock, managedPods, useNamespace, writeScenario } from './cluster.js';

const NS = 'kk-e2e-placement';
const NODE = CLUSTER['NODE_NAME'] ?? 'kk-node';

useNamespace(NS);

describe('placement on the real cluster', () => {
  it('node, sameNodeAs and the default spread all land on the one node, recorded on every result', async () => {
    const file = writeScenario(
      'placement-one-node',
      `  actors:
    client: {namespace: ${NS}, labels: {app: client}, node: ${NODE}}
    twin: {namespace: ${NS}, labels: {app: twin}, placement: {sameNodeAs: client}}
    web: {namespace: ${NS}, labels: {app: web}, listen: [8080]}
  checks:
    - {from: [client, twin], to: web:8080, expect: allow}
`,
    );
    const run = await kubeknock(['run', file, '-o', 'json']);
    expect(run.code, `exit code; stderr:\n${run.stderr}`).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.checks.map((c) => [c.fromNode, c.toNode])).toEqual([
      [NODE, NODE],
      [NODE, NODE],
    ]);
    expect(report.summary.placement).toBeUndefined();
    expect(await managedPods()).toEqual([]);
  });

  it('a node that does not exist, or otherNodeThan on one node: exit 2 at the scenario line, nothing created', async () => {
    const file = writeScenario(
      'placement-impossible',
      `  actors:
    a: {namespace: ${NS}, node: no-such-node}
    b: {namespace: ${NS}, placement: {otherNodeThan: c}}
    c: {namespace: ${NS}, listen: [8080]}
  checks:
    - {from: [a, b], to: c:8080, expect: allow}
`,
    );
    const run = await kubeknock(['run', file]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('spec.actors.a.node: node "no-such-node" does not exist in the cluster');
    expect(run.stderr).toContain(`spec.actors.b.placement.otherNodeThan: the cluster has one usable node (${NODE}`);
    expect(run.stderr, 'no pod creation was attempted').not.toMatch(/creating \d+ probe pod/);
    expect(await managedPods()).toEqual([]);
  });
});
