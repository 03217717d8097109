/**
 * An actor's node, nodeSelector and placement as the loader reads them: what loads, and every refusal
 * word for word with its line and field, all in one go.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScenario, readScenarioFile } from '../../src/scenario/load.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('placement fields that load', () => {
  it('reads node, nodeSelector, sameNodeAs and otherNodeThan, each located at its field; no field: no wish', async () => {
    const result = await readScenarioFile(fixture('valid-placement.yaml'));
    if (!result.ok) throw new Error(`expected a valid scenario, got ${JSON.stringify(result.issues)}`);
    const placements = Object.fromEntries([...result.scenario.actors.values()].map((a) => [a.name, a.placement]));
    expect(placements).toEqual({
      frontend: { type: 'node', node: 'kk-node1', source: expect.objectContaining({ line: 8, path: 'spec.actors.frontend.node' }) },
      backend: { type: 'nodeSelector', labels: { 'topology.kubernetes.io/zone': 'b' }, source: expect.objectContaining({ line: 9, path: 'spec.actors.backend.nodeSelector' }) },
      'backend-peer': { type: 'sameNodeAs', actor: 'backend', source: expect.objectContaining({ line: 10, path: 'spec.actors.backend-peer.placement.sameNodeAs' }) },
      postgres: { type: 'otherNodeThan', actor: 'backend', source: expect.objectContaining({ line: 11, path: 'spec.actors.postgres.placement.otherNodeThan' }) },
      monitoring: undefined,
    });
    expect(result.scenario.defaults.pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
  });

  it('works in a multi-step scenario: the actors, and so their placement, are shared by every step', () => {
    const result = parseScenario(
      'steps.yaml',
      `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: steps}
spec:
  actors:
    a: {namespace: shop, labels: {app: a}, listen: [80]}
    b: {namespace: shop, labels: {app: b}, placement: {otherNodeThan: a}}
  steps:
    - name: before
      checks: [{from: b, to: a, expect: allow}]
    - name: relabelled
      labels: {b: {app: c}}
      checks: [{from: b, to: a, expect: allow}]
`,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.scenario.actors.get('b')?.placement).toMatchObject({ type: 'otherNodeThan', actor: 'a' });
  });
});

describe('placement fields that are refused', () => {
  it('reports every mistake of the file at once, at its line and field', async () => {
    const result = await readScenarioFile(fixture('invalid-placement-mistakes.yaml'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => `${i.line} ${i.path}: ${i.message}`)).toEqual([
      '18 spec.actors.typo.placement.sameNode: unknown field "sameNode" (did you mean "sameNodeAs"?); allowed here: sameNodeAs, otherNodeThan',
      '6 spec.actors.two-fields.nodeSelector: node and nodeSelector both say where the probe pod runs; an actor takes at most one of node, nodeSelector and placement: keep one',
      '7 spec.actors.bad-node.node: node name "Node_1" must be a DNS subdomain: lower-case letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit',
      '8 spec.actors.empty-selector.nodeSelector: an empty nodeSelector selects every node; give at least one label, or leave "nodeSelector" out',
      '9 spec.actors.bad-label.nodeSelector.zone/: label key "zone/" has an empty name',
      '10 spec.actors.both.placement: placement takes one of sameNodeAs and otherNodeThan, not both',
      '11 spec.actors.empty.placement: placement is empty: give sameNodeAs: ACTOR or otherNodeThan: ACTOR',
      '12 spec.actors.ghost-friend.placement.sameNodeAs: unknown actor "ghost" (actors: two-fields, bad-node, empty-selector, bad-label, both, empty, ghost-friend, selfish, ring-a, ring-b, leader, follower)',
      '13 spec.actors.selfish.placement.otherNodeThan: "selfish" names itself; otherNodeThan takes another actor',
      '14 spec.actors.ring-a.placement.sameNodeAs: sameNodeAs goes round in a circle (ring-a → ring-b → ring-a), so none of these actors says where to run: give one of them node, nodeSelector or no placement',
      '16 spec.actors.leader.placement.otherNodeThan: "leader" cannot run on another node than "follower": "follower" shares its node (sameNodeAs follower → leader); drop one of the two wishes',
    ]);
  });

  it('names all three fields when an actor has them all', () => {
    const result = parseScenario(
      'three.yaml',
      `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: three}
spec:
  actors:
    a: {namespace: shop, node: kk-node1, nodeSelector: {zone: a}, placement: {sameNodeAs: b}}
    b: {namespace: shop}
  checks:
    - {from: a, dns: kubernetes.default.svc.cluster.local., expect: allow}
`,
    );
    expect(result.ok ? [] : result.issues.map((i) => `${i.line} ${i.path}: ${i.message}`)).toEqual([
      '6 spec.actors.a.nodeSelector: node, nodeSelector and placement all say where the probe pod runs; an actor takes at most one of node, nodeSelector and placement: keep one',
    ]);
  });

  it('a reference to an actor that failed the schema is not reported again', () => {
    const result = parseScenario(
      'broken.yaml',
      `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: broken}
spec:
  actors:
    a: {namespace: shop, placement: {sameNodeAs: b}}
    b: {namespace: Shop}
  checks:
    - {from: a, dns: kubernetes.default.svc.cluster.local., expect: allow}
`,
    );
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['spec.actors.b.namespace']);
  });
});
