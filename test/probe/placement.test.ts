/**
 * The placement planner, pure: actors' wishes and the cluster's nodes in, a node per probe pod (or
 * every reason there is none) out. Table-driven: each case is named after what it proves.
 */
import { describe, expect, it } from 'vitest';
import type { NodeInfo } from '../../src/model/nodes.js';
import type { PlacementWish, Toleration } from '../../src/model/scenario.js';
import { placementStructure, planPlacement, tolerates, type PlacementActor, type PodConstraints } from '../../src/probe/placement.js';

const node = (name: string, over: Partial<NodeInfo> = {}): NodeInfo => ({ name, labels: { 'kubernetes.io/hostname': name }, ready: true, unschedulable: false, taints: [], ...over });
const zoned = (name: string, zone: string, over: Partial<NodeInfo> = {}): NodeInfo => node(name, { labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone }, ...over });
const THREE = [zoned('kk-node1', 'a'), zoned('kk-node2', 'a'), zoned('kk-node3', 'b')];

const free = (name: string): PlacementActor => ({ name });
const on = (name: string, nodeName: string): PlacementActor => ({ name, placement: { type: 'node', node: nodeName } });
const selecting = (name: string, labels: Record<string, string>): PlacementActor => ({ name, placement: { type: 'nodeSelector', labels } });
const with_ = (name: string, actor: string): PlacementActor => ({ name, placement: { type: 'sameNodeAs', actor } });
const apart = (name: string, actor: string): PlacementActor => ({ name, placement: { type: 'otherNodeThan', actor } });

const POD: PodConstraints = { nodeSelector: {}, tolerations: [] };

function placed(actors: readonly PlacementActor[], nodes: readonly NodeInfo[] = THREE, pod: PodConstraints = POD): Record<string, string> {
  const result = planPlacement({ actors, nodes, pod });
  if (!result.ok) throw new Error(`expected a placement, got ${JSON.stringify(result.errors)}`);
  return Object.fromEntries(result.plan.nodes);
}

function refused(actors: readonly PlacementActor[], nodes: readonly NodeInfo[] = THREE, pod: PodConstraints = POD): string[] {
  const result = planPlacement({ actors, nodes, pod });
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(Object.fromEntries(result.plan.nodes))}`);
  return result.errors.map((e) => `${e.actor}: ${e.message}`);
}

describe('planPlacement: the default spread', () => {
  it.each([
    { name: 'round robin over the nodes sorted by name, in the scenario order', actors: ['a', 'b', 'c', 'd', 'e'], nodes: [...THREE].reverse(), expected: ['kk-node1', 'kk-node2', 'kk-node3', 'kk-node1', 'kk-node2'] },
    { name: 'one node: everything on it, as without placement', actors: ['a', 'b', 'c'], nodes: [node('kk-node')], expected: ['kk-node', 'kk-node', 'kk-node'] },
    { name: 'more nodes than actors: one actor per node', actors: ['a', 'b'], nodes: THREE, expected: ['kk-node1', 'kk-node2'] },
  ] as { name: string; actors: string[]; nodes: NodeInfo[]; expected: string[] }[])('$name', ({ actors, nodes, expected }) => {
    expect(Object.values(placed(actors.map(free), nodes))).toEqual(expected);
  });

  it('is balanced: over 3 nodes, 10 actors are 4/3/3, never more than one apart', () => {
    const nodes = placed(Array.from({ length: 10 }, (_, i) => free(`a${i}`)));
    const counts = ['kk-node1', 'kk-node2', 'kk-node3'].map((name) => Object.values(nodes).filter((n) => n === name).length);
    expect(counts).toEqual([4, 3, 3]);
  });

  it('counts pinned actors and sameNodeAs groups in the balance', () => {
    expect(placed([on('db', 'kk-node1'), with_('cache', 'db'), free('a'), free('b'), free('c')])).toEqual({
      db: 'kk-node1',
      cache: 'kk-node1',
      a: 'kk-node2',
      b: 'kk-node3',
      c: 'kk-node2',
    });
  });

  it('is stable: the same input gives the same nodes whatever order the cluster lists them in', () => {
    const actors = [free('a'), free('b'), apart('c', 'a'), free('d')];
    expect(placed(actors, [...THREE].reverse())).toEqual(placed(actors, THREE));
  });
});

describe('planPlacement: which nodes are usable', () => {
  const cordoned = node('kk-node2', { unschedulable: true });
  const notReady = node('kk-node3', { ready: false });
  const tainted = node('kk-node4', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
  const evicting = node('kk-node5', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] });
  const preferNot = node('kk-node6', { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] });
  const all = [node('kk-node1'), cordoned, notReady, tainted, evicting, preferNot];

  it('spreads over Ready, schedulable nodes whose NoSchedule/NoExecute taints the pods tolerate; PreferNoSchedule does not keep them off', () => {
    expect(Object.values(placed(['a', 'b', 'c', 'd'].map(free), all))).toEqual(['kk-node1', 'kk-node6', 'kk-node1', 'kk-node6']);
  });

  it('a toleration makes a tainted node usable', () => {
    const pod = { nodeSelector: {}, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' } as const] };
    expect(Object.values(placed(['a', 'b'].map(free), [node('kk-node1'), tainted], pod))).toEqual(['kk-node1', 'kk-node4']);
  });

  it('defaults.pod.nodeSelector narrows the nodes every probe pod may use', () => {
    expect(Object.values(placed(['a', 'b', 'c'].map(free), THREE, { nodeSelector: { 'topology.kubernetes.io/zone': 'a' }, tolerations: [] }))).toEqual(['kk-node1', 'kk-node2', 'kk-node1']);
  });

  it('no usable node at all: actors without a wish are left to the scheduler, with a note that says why', () => {
    const result = planPlacement({ actors: [free('a'), free('b')], nodes: [cordoned, notReady], pod: POD });
    expect(result).toEqual({
      ok: true,
      plan: {
        nodes: new Map(),
        unplaced: ['a', 'b'],
        note: 'no node can take the probe pods (kk-node2 is cordoned (unschedulable); kk-node3 is not Ready), so the scheduler places 2 probe pod(s) without a node chosen by kubeknock',
      },
    });
  });

  it('a cluster that lists no node: left to the scheduler without a note', () => {
    expect(planPlacement({ actors: [free('a')], nodes: [], pod: POD })).toEqual({ ok: true, plan: { nodes: new Map(), unplaced: ['a'] } });
  });
});

describe('planPlacement: wishes that are met', () => {
  it.each([
    { name: 'node: exactly that node', actors: [on('a', 'kk-node3'), free('b')], expected: { a: 'kk-node3', b: 'kk-node1' } },
    { name: 'nodeSelector: the least loaded node carrying the labels', actors: [on('x', 'kk-node1'), selecting('a', { 'topology.kubernetes.io/zone': 'a' })], expected: { x: 'kk-node1', a: 'kk-node2' } },
    { name: 'nodeSelector before the actors without a wish, which take what is left', actors: [free('x'), selecting('a', { 'topology.kubernetes.io/zone': 'b' }), free('y')], expected: { x: 'kk-node1', a: 'kk-node3', y: 'kk-node2' } },
    { name: 'sameNodeAs: the node of the other actor, through a chain', actors: [on('a', 'kk-node2'), with_('b', 'a'), with_('c', 'b')], expected: { a: 'kk-node2', b: 'kk-node2', c: 'kk-node2' } },
    { name: 'sameNodeAs an actor named later: the group moves together', actors: [with_('b', 'a'), free('x'), free('a')], expected: { b: 'kk-node1', x: 'kk-node2', a: 'kk-node1' } },
    { name: 'otherNodeThan: any node but that actor\'s', actors: [on('a', 'kk-node1'), apart('b', 'a')], expected: { a: 'kk-node1', b: 'kk-node2' } },
    { name: 'otherNodeThan an actor named later is placed after it', actors: [apart('b', 'a'), free('a')], expected: { a: 'kk-node1', b: 'kk-node2' } },
    { name: 'otherNodeThan each other: two nodes, symmetric', actors: [apart('a', 'b'), apart('b', 'a')], expected: { a: 'kk-node1', b: 'kk-node2' } },
    { name: 'otherNodeThan a member of a group: away from the whole group', actors: [on('db', 'kk-node1'), with_('cache', 'db'), apart('client', 'cache')], expected: { db: 'kk-node1', cache: 'kk-node1', client: 'kk-node2' } },
    {
      name: 'the example: pinned, a zone, together and apart on kk-node1..3',
      actors: [on('frontend', 'kk-node1'), with_('frontend-peer', 'frontend'), selecting('backend', { 'topology.kubernetes.io/zone': 'b' }), apart('postgres', 'backend'), free('monitoring')],
      expected: { frontend: 'kk-node1', 'frontend-peer': 'kk-node1', backend: 'kk-node3', postgres: 'kk-node2', monitoring: 'kk-node2' },
    },
  ] as { name: string; actors: PlacementActor[]; expected: Record<string, string> }[])('$name', ({ actors, expected }) => {
    expect(placed(actors)).toEqual(expected);
  });

  it('an actor nodeSelector key overrides the same key of defaults.pod.nodeSelector', () => {
    const pod = { nodeSelector: { 'topology.kubernetes.io/zone': 'a' }, tolerations: [] };
    expect(placed([selecting('b', { 'topology.kubernetes.io/zone': 'b' }), free('a')], THREE, pod)).toEqual({ b: 'kk-node3', a: 'kk-node1' });
  });
});

describe('planPlacement: every wish that cannot be met, and why', () => {
  it.each([
    {
      name: 'node missing',
      actors: [on('a', 'kk-node9')],
      nodes: THREE,
      errors: ['a: node "kk-node9" does not exist in the cluster (its nodes: kk-node1, kk-node2, kk-node3)'],
    },
    {
      name: 'node not Ready',
      actors: [on('a', 'kk-node2')],
      nodes: [node('kk-node1'), node('kk-node2', { ready: false })],
      errors: ['a: node "kk-node2" is not Ready, so the probe pod would never start there; name another node, or wait until it is Ready'],
    },
    {
      name: 'node cordoned',
      actors: [on('a', 'kk-node2')],
      nodes: [node('kk-node1'), node('kk-node2', { unschedulable: true })],
      errors: ['a: node "kk-node2" is cordoned (unschedulable): uncordon it (kubectl uncordon kk-node2) or name another node'],
    },
    {
      name: 'node tainted without a toleration',
      actors: [on('a', 'cp')],
      nodes: [node('kk-node1'), node('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] })],
      errors: ['a: node "cp" is tainted node-role.kubernetes.io/control-plane:NoSchedule, which the probe pods do not tolerate: add a toleration to defaults.pod.tolerations, or name another node'],
    },
    {
      name: 'node excluded by defaults.pod.nodeSelector: a contradiction',
      actors: [on('a', 'kk-node3')],
      nodes: THREE,
      pod: { nodeSelector: { 'topology.kubernetes.io/zone': 'a' }, tolerations: [] },
      errors: ['a: node "kk-node3" does not carry topology.kubernetes.io/zone=a, which defaults.pod.nodeSelector asks of every probe pod: the two contradict each other'],
    },
    {
      name: 'nodeSelector matching no node',
      actors: [selecting('a', { 'topology.kubernetes.io/zone': 'c' })],
      nodes: THREE,
      errors: ['a: nodeSelector topology.kubernetes.io/zone=c matches no node; the cluster\'s nodes: kk-node1, kk-node2, kk-node3'],
    },
    {
      name: 'nodeSelector matching only unusable nodes',
      actors: [selecting('a', { 'topology.kubernetes.io/zone': 'b' })],
      nodes: [zoned('kk-node1', 'a'), zoned('kk-node3', 'b', { unschedulable: true }), zoned('kk-node4', 'b', { ready: false })],
      errors: ['a: nodeSelector topology.kubernetes.io/zone=b matches no usable node: kk-node3 is cordoned (unschedulable); kk-node4 is not Ready'],
    },
    {
      name: 'nodeSelector and defaults.pod.nodeSelector together match no node',
      actors: [selecting('a', { 'topology.kubernetes.io/zone': 'b' })],
      nodes: THREE,
      pod: { nodeSelector: { 'kubernetes.io/hostname': 'kk-node1' }, tolerations: [] },
      errors: [
        'a: nodeSelector topology.kubernetes.io/zone=b matches no node that also carries defaults.pod.nodeSelector (with defaults.pod.nodeSelector: kubernetes.io/hostname=kk-node1,topology.kubernetes.io/zone=b): kk-node3 carry topology.kubernetes.io/zone=b but not the rest',
      ],
    },
    {
      name: 'otherNodeThan on a cluster with one usable node',
      actors: [free('a'), apart('b', 'a')],
      nodes: [node('kk-node')],
      errors: ['b: the cluster has one usable node (kk-node), so "b" cannot run on another node than "a" (kk-node)'],
    },
    {
      name: 'otherNodeThan with one usable node of two, saying why the other is not',
      actors: [free('a'), apart('b', 'a')],
      nodes: [node('kk-node1'), node('kk-node2', { unschedulable: true })],
      errors: ['b: the cluster has one usable node (kk-node1; kk-node2 is cordoned (unschedulable)), so "b" cannot run on another node than "a" (kk-node1)'],
    },
    {
      name: 'otherNodeThan on a cluster with no usable node',
      actors: [free('a'), apart('b', 'a')],
      nodes: [node('kk-node1', { ready: false })],
      errors: ['b: no node can take the probe pods: kk-node1 is not Ready'],
    },
    {
      name: 'otherNodeThan three ways on two nodes',
      actors: [free('a'), apart('b', 'a'), apart('c', 'a'), apart('d', 'b')],
      nodes: [node('kk-node1'), node('kk-node2')],
      // c avoids a (node1) and lands on node2; d avoids b (node2) and lands on node1: all met.
      placed: { a: 'kk-node1', b: 'kk-node2', c: 'kk-node2', d: 'kk-node1' },
    },
    {
      name: 'otherNodeThan a pinned actor, when defaults.pod.nodeSelector leaves only its node',
      actors: [on('db', 'kk-node3'), apart('b', 'db')],
      nodes: THREE,
      pod: { nodeSelector: { 'topology.kubernetes.io/zone': 'b' }, tolerations: [] },
      errors: [
        'b: the cluster has one usable node (kk-node3; kk-node1 does not carry topology.kubernetes.io/zone=b; kk-node2 does not carry topology.kubernetes.io/zone=b), so "b" cannot run on another node than "db" (kk-node3)',
      ],
    },
    {
      name: 'a triangle of otherNodeThan on two nodes',
      actors: [apart('a', 'c'), apart('b', 'a'), apart('c', 'b')],
      nodes: [node('kk-node1'), node('kk-node2')],
      errors: ['c: "c" is to run on another node than "a" (kk-node1) and "b" (kk-node2), and no other node is left (usable nodes: kk-node1, kk-node2)'],
    },
    {
      name: 'contradiction: otherNodeThan an actor that follows it onto its node',
      actors: [apart('a', 'b'), with_('b', 'a')],
      nodes: THREE,
      errors: ['a: "a" cannot run on another node than "b": "b" shares its node (sameNodeAs b → a); drop one of the two wishes'],
    },
    {
      name: 'contradiction through a chain: sameNodeAs b while b is pinned elsewhere by following a, which avoids c',
      actors: [apart('a', 'c'), with_('b', 'a'), with_('c', 'b')],
      nodes: THREE,
      errors: ['a: "a" cannot run on another node than "c": "c" shares its node (sameNodeAs c → b → a); drop one of the two wishes'],
    },
    {
      name: 'a sameNodeAs cycle',
      actors: [with_('a', 'b'), with_('b', 'c'), with_('c', 'a'), with_('d', 'a'), free('e')],
      nodes: THREE,
      errors: ['a: sameNodeAs goes round in a circle (a → b → c → a), so none of these actors says where to run: give one of them node, nodeSelector or no placement'],
    },
    {
      name: 'unknown and self-referencing actors',
      actors: [with_('a', 'ghost'), apart('b', 'b')],
      nodes: THREE,
      errors: ['a: unknown actor "ghost" (actors: a, b)', 'b: "b" names itself; otherNodeThan takes another actor'],
    },
    {
      name: 'every error at once, not the first',
      actors: [on('a', 'kk-node9'), selecting('b', { zone: 'nowhere' }), on('c', 'kk-node1')],
      nodes: [node('kk-node1', { unschedulable: true })],
      errors: [
        'a: node "kk-node9" does not exist in the cluster (its nodes: kk-node1)',
        "b: nodeSelector zone=nowhere matches no node; the cluster's nodes: kk-node1",
        'c: node "kk-node1" is cordoned (unschedulable): uncordon it (kubectl uncordon kk-node1) or name another node',
      ],
    },
  ] as { name: string; actors: PlacementActor[]; nodes: NodeInfo[]; pod?: PodConstraints; errors?: string[]; placed?: Record<string, string> }[])('$name', (c) => {
    if (c.placed) expect(placed(c.actors, c.nodes, c.pod)).toEqual(c.placed);
    else expect(refused(c.actors, c.nodes, c.pod)).toEqual(c.errors);
  });
});

describe('placementStructure (what the loader checks without a cluster)', () => {
  it('gives each actor the actor it shares a node with', () => {
    const { rootOf, errors } = placementStructure([with_('c', 'b'), with_('b', 'a'), free('a'), apart('d', 'c')]);
    expect(errors).toEqual([]);
    expect(Object.fromEntries(rootOf)).toEqual({ a: 'a', b: 'a', c: 'a', d: 'd' });
  });

  it('reports a cycle once, and not the actors that only lead into it', () => {
    const { errors } = placementStructure([with_('x', 'a'), with_('a', 'b'), with_('b', 'a'), with_('y', 'b')]);
    expect(errors.map((e) => e.actor)).toEqual(['a']);
  });
});

describe('tolerates: Kubernetes\' rule', () => {
  const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  it.each([
    [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', value: 'gpu' }, true],
    [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }, false],
    [{ key: 'dedicated', operator: 'Exists' }, true],
    [{ operator: 'Exists' }, true],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ key: 'other', operator: 'Exists' }, false],
  ] as [Toleration, boolean][])('%j → %s', (toleration, expected) => {
    expect(tolerates(toleration, taint)).toBe(expected);
  });
});

// The wish type stays what the scenario model says: a compile-time check that the tests build real wishes.
const _wish: PlacementWish = { type: 'node', node: 'kk-node1' };
void _wish;
