/** examples/placement/cross-node.yaml loads, and on its three-node cluster every wish is met. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planPlacement } from '../../src/probe/placement.js';
import { readScenarioFile } from '../../src/scenario/load.js';
import { fakeNode } from '../support/fake-cluster.js';

const file = fileURLToPath(new URL('../../examples/placement/cross-node.yaml', import.meta.url));

describe('examples/placement/cross-node.yaml', () => {
  it('places postgres on kk-node1, one backend beside it, one on another node, one in zone b', async () => {
    const result = await readScenarioFile(file);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const { scenario } = result;
    const nodes = [
      fakeNode('kk-node1', { 'topology.kubernetes.io/zone': 'a' }),
      fakeNode('kk-node2', { 'topology.kubernetes.io/zone': 'b' }),
      fakeNode('kk-node3', { 'topology.kubernetes.io/zone': 'a' }),
    ];
    const placed = planPlacement({ actors: [...scenario.actors.values()], nodes, pod: scenario.defaults.pod });
    if (!placed.ok) throw new Error(JSON.stringify(placed.errors));
    expect(Object.fromEntries(placed.plan.nodes)).toEqual({
      postgres: 'kk-node1',
      'backend-local': 'kk-node1',
      'backend-remote': 'kk-node2',
      'backend-zone-b': 'kk-node2',
      frontend: 'kk-node3',
    });
  });
});
