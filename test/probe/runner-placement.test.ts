/**
 * Placement through a whole run over FakeCluster (given nodes): the pods are pinned where preflight
 * placed them, every result records the node of both ends, and the report's breakdown names a failure
 * pattern that lives only between nodes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import type { Scenario } from '../../src/model/scenario.js';
import { systemClock } from '../../src/probe/clock.js';
import { preflight } from '../../src/probe/preflight.js';
import { runScenario } from '../../src/probe/runner.js';
import { renderReport } from '../../src/report/format.js';
import { parseScenario } from '../../src/scenario/load.js';
import { FakeCluster, fakeNode, pinnedNode, type FakeClusterOptions } from '../support/fake-cluster.js';

let cluster: FakeCluster | undefined;
afterEach(() => cluster?.dispose());

function scenario(actors: string, checks: string): Scenario {
  const result = parseScenario(
    'placement.yaml',
    `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: placement}
spec:
  defaults: {timeoutSeconds: 1, attempts: 1, retryDelaySeconds: 0, settleSeconds: 0}
  actors:
${actors}
  checks:
${checks}`,
  );
  if (!result.ok) throw new Error(`test scenario invalid: ${JSON.stringify(result.issues)}`);
  return result.scenario;
}

async function run(s: Scenario, options: FakeClusterOptions): Promise<{ report: RunReport; fake: FakeCluster; steps: string[] }> {
  const fake = new FakeCluster({ namespaces: ['prod'], ...options });
  cluster = fake;
  const steps: string[] = [];
  const facts = await preflight(s, fake);
  const report = await runScenario(s, fake, {
    runId: 'place123',
    clusterDomain: 'cluster.local',
    keep: false,
    progress: { step: (t) => steps.push(t), update: () => undefined, failed: () => undefined },
    clock: systemClock,
    toolVersion: '0.0.0-test',
    facts,
  });
  return { report, fake, steps };
}

const THREE = [fakeNode('kk-node1'), fakeNode('kk-node2'), fakeNode('kk-node3')];

describe('a run with placement', () => {
  it('pins each probe pod where preflight placed it and records fromNode/toNode on every result', async () => {
    const s = scenario(
      `    client: {namespace: prod, labels: {app: client}}
    web: {namespace: prod, labels: {app: web}, listen: [8080]}
    web-twin: {namespace: prod, labels: {app: web}, listen: [8080], placement: {sameNodeAs: client}}`,
      `    - {from: client, to: [web:8080, web-twin:8080], expect: allow}
    - {from: client, to: {pods: {namespace: prod, matchLabels: {app: db}}, port: 1}, expect: deny}
    - {from: client, to: {host: 127.0.0.1, port: 1}, expect: deny}
`,
    );
    const { report, fake, steps } = await run(s, {
      nodes: THREE,
      existingPods: [{ namespace: 'prod', name: 'db-0', labels: { app: 'db' }, ip: '127.0.0.1', node: 'kk-node3', phase: 'Running', deleting: false }],
    });
    expect(Object.fromEntries(fake.created.map((m) => [m.metadata.annotations?.['kubeknock.dev/actor'], pinnedNode(m)]))).toEqual({
      client: 'kk-node1',
      web: 'kk-node2',
      'web-twin': 'kk-node1',
    });
    expect(steps).toContain('creating 3 probe pod(s) on 2 nodes');
    expect(report.checks.map((c) => [c.to, c.status, c.fromNode, c.toNode])).toEqual([
      ['web:8080', 'pass', 'kk-node1', 'kk-node2'],
      ['web-twin:8080', 'pass', 'kk-node1', 'kk-node1'],
      ['pod/prod/db-0:1', 'pass', 'kk-node1', 'kk-node3'],
      ['127.0.0.1:1', 'pass', 'kk-node1', undefined],
    ]);
    expect(report.summary.placement).toEqual({
      nodes: ['kk-node1', 'kk-node2', 'kk-node3'],
      sameNode: { checks: 1, passed: 1, failed: 0, skipped: 0 },
      crossNode: { checks: 2, passed: 2, failed: 0, skipped: 0 },
      noPodTarget: { checks: 1, passed: 1, failed: 0, skipped: 0 },
    });
    const json = JSON.parse(renderReport('json', report, { color: false })) as { checks: Record<string, unknown>[]; summary: Record<string, unknown> };
    expect(Object.keys(json.checks[0] ?? {}).slice(0, 8)).toEqual(['id', 'name', 'from', 'fromPod', 'fromNode', 'to', 'address', 'toNode']);
    expect(json.summary['placement']).toMatchObject({ nodes: ['kk-node1', 'kk-node2', 'kk-node3'] });
  });

  it('names failures that are all cross-node, in the table and in JSON', async () => {
    // Loopback lets everything through: expecting deny between nodes makes exactly the cross-node checks fail.
    const s = scenario(
      `    a: {namespace: prod, labels: {app: a}, listen: [8080], node: kk-node1}
    b: {namespace: prod, labels: {app: b}, listen: [8080], placement: {otherNodeThan: a}}
    c: {namespace: prod, labels: {app: c}, listen: [8080], placement: {sameNodeAs: a}}`,
      `    - {from: a, to: [b:8080], expect: deny}
    - {from: c, to: [b:8080], expect: deny}
    - {from: a, to: c:8080, expect: allow}
    - {from: c, to: a:8080, expect: allow}
`,
    );
    const { report } = await run(s, { nodes: THREE });
    expect(report.checks.map((c) => `${c.from}→${c.to} ${c.status} ${c.fromNode}→${c.toNode}`)).toEqual([
      'a→b:8080 fail kk-node1→kk-node2',
      'c→b:8080 fail kk-node1→kk-node2',
      'a→c:8080 pass kk-node1→kk-node1',
      'c→a:8080 pass kk-node1→kk-node1',
    ]);
    expect(report.summary.placement?.failuresOnly).toBe('cross-node');
    const table = renderReport('table', report, { color: false, width: 120 });
    expect(table).toContain('both failures are cross-node (kk-node1 → kk-node2); every same-node check passed');
    expect(table).toContain('    nodes     kk-node1 → kk-node2 (cross-node)');
  });

  it('on a one-node cluster: everything on that node, no breakdown, and the report reads as before', async () => {
    const s = scenario(
      `    a: {namespace: prod, labels: {app: a}, listen: [8080]}
    b: {namespace: prod, labels: {app: b}, listen: [8080]}`,
      '    - {from: a, to: b:8080, expect: allow}\n',
    );
    const { report, fake, steps } = await run(s, { nodes: [fakeNode('kk-node')] });
    expect(fake.created.map(pinnedNode)).toEqual(['kk-node', 'kk-node']);
    expect(steps).toContain('creating 2 probe pod(s)');
    expect(report.checks[0]).toMatchObject({ fromNode: 'kk-node', toNode: 'kk-node', status: 'pass' });
    expect(report.summary.placement).toBeUndefined();
    expect(renderReport('table', report, { color: false })).not.toContain('Nodes (');
  });

  it('without "list nodes": no pin, the scheduler decides, and the run still records the nodes it got', async () => {
    const s = scenario(`    a: {namespace: prod, labels: {app: a}}\n    b: {namespace: prod, labels: {app: b}, listen: [8080]}`, '    - {from: a, to: b:8080, expect: allow}\n');
    const { report, fake } = await run(s, { nodes: THREE, forbidNodes: true });
    expect(fake.created.map(pinnedNode)).toEqual([undefined, undefined]);
    // FakeCluster's "scheduler" puts an unpinned pod on its first node.
    expect(report.checks[0]).toMatchObject({ fromNode: 'kk-node1', toNode: 'kk-node1' });
  });
});
