import { afterEach, describe, expect, it } from 'vitest';
import { InfraError, InputError } from '../../src/model/errors.js';
import { preflight } from '../../src/probe/preflight.js';
import { parseScenario } from '../../src/scenario/load.js';
import { FakeCluster, fakeNode } from '../support/fake-cluster.js';

let fake: FakeCluster | undefined;
afterEach(() => fake?.dispose());

const scenario = (checks: string, moreActors = '') => {
  const parsed = parseScenario(
    'pre.yaml',
    `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: pre}
spec:
  actors:
    client: {namespace: apps, labels: {app: client}}
    other: {namespace: elsewhere}
${moreActors}  checks:
${checks}`,
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.scenario;
};

describe('preflight', () => {
  it('names every missing namespace, Service, port and selector at the scenario line, and creates nothing', async () => {
    fake = new FakeCluster({
      namespaces: ['apps'],
      services: [
        { namespace: 'apps', name: 'api', clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'], ports: [{ port: 80, protocol: 'TCP' }] },
        { namespace: 'apps', name: 'headless', clusterIP: 'None', clusterIPs: [], ports: [{ port: 80, protocol: 'TCP' }] },
      ],
    });
    const s = scenario(`    - {from: client, to: {service: missing, namespace: apps, port: 80}, expect: allow}
    - {from: client, to: {service: api, namespace: apps, port: 8080}, expect: allow}
    - {from: client, to: {service: headless, namespace: apps, port: 80, via: cluster-ip}, expect: allow}
    - {from: client, to: {pods: {namespace: apps, matchLabels: {app: ghost}}, port: 80}, expect: allow}
`);
    const error = await preflight(s, fake).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const lines = (error as InputError).issues.map((i) => `${i.line}: ${i.message}`).sort();
    expect(lines).toEqual([
      expect.stringMatching(/^10: Service apps\/api has no port 8080 \(its ports: 80\/TCP\)$/),
      expect.stringMatching(/^11: Service apps\/headless is headless/),
      expect.stringMatching(/^12: no pod in namespace "apps" matches the selector of pods\/apps\/app=ghost:80$/),
      expect.stringMatching(/^7: namespace "elsewhere" does not exist in the cluster at https:\/\/fake\.invalid:6443; create it/),
      expect.stringMatching(/^9: Service apps\/missing does not exist$/),
    ]);
    expect(fake.created).toHaveLength(0);
  });

  it('stops before creating anything when RBAC refuses pods/exec, naming the permission and the namespace', async () => {
    fake = new FakeCluster({ namespaces: ['apps', 'elsewhere'], denied: ['create pods/exec', 'get pods/exec'] });
    const s = scenario('    - {from: client, to: {host: 203.0.113.10, port: 80}, expect: deny}\n');
    const error = await preflight(s, fake).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfraError);
    const message = (error as InfraError).message;
    expect(message).toContain('RBAC is missing in namespace apps: create pods/exec (run probe commands), get pods/exec');
    expect(message).toContain('in namespace elsewhere: create pods/exec');
    expect(message).toContain('kubeknock doctor pre.yaml');
    expect(fake.created).toEqual([]);
  });

  it('asks the authorizer only about the pod permissions a run needs, once per probe namespace', async () => {
    fake = new FakeCluster({ namespaces: ['apps', 'elsewhere'], denied: ['watch pods', 'list events'] });
    const asked: string[] = [];
    const answer = fake.canI.bind(fake);
    fake.canI = (question) => {
      asked.push(`${question.verb} ${question.subresource ? `${question.resource}/${question.subresource}` : question.resource} in ${question.namespace ?? '(cluster)'}`);
      return answer(question);
    };
    // Two actors in apps: still one question per permission there.
    const s = scenario('    - {from: [client, server], to: {host: 203.0.113.10, port: 80}, expect: deny}\n', '    server: {namespace: apps, labels: {app: server}}\n');
    await expect(preflight(s, fake)).resolves.toBeDefined();
    // Exactly one question per permission and namespace; watch pods and list events are not asked.
    expect(asked.sort()).toEqual(
      ['create pods', 'create pods/exec', 'delete pods', 'get pods', 'get pods/exec', 'list pods'].flatMap((permission) => [`${permission} in apps`, `${permission} in elsewhere`]).sort(),
    );
  });

  it('refuses a namespace that is being deleted', async () => {
    fake = new FakeCluster({ namespaces: ['apps'], terminating: ['elsewhere'] });
    const s = scenario('    - {from: client, to: {host: 203.0.113.10, port: 80}, expect: deny}\n');
    const error = await preflight(s, fake).catch((e: unknown) => e);
    expect((error as InputError).issues.map((i) => i.message)).toEqual([
      'namespace "elsewhere" is being deleted, so no probe pod can be created in it; wait until it is gone and create it again',
    ]);
  });

  it('returns the looked-up Services and running selected pods', async () => {
    fake = new FakeCluster({
      namespaces: ['apps', 'elsewhere'],
      services: [{ namespace: 'apps', name: 'api', clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'], ports: [{ port: 80, protocol: 'TCP' }] }],
      existingPods: [
        { namespace: 'apps', name: 'w1', labels: { app: 'w' }, ip: '10.244.0.9', phase: 'Running', deleting: false },
        { namespace: 'apps', name: 'w2', labels: { app: 'w' }, phase: 'Pending', deleting: false },
      ],
    });
    const s = scenario(`    - {from: client, to: [{service: api, namespace: apps, port: 80, via: cluster-ip}, {pods: {namespace: apps, matchLabels: {app: w}}, port: 80}], expect: allow}
`);
    const facts = await preflight(s, fake);
    expect([...facts.services.keys()]).toEqual(['apps/api']);
    expect([...facts.selectedPods.values()].flat().map((p) => p.name)).toEqual(['w1']);
  });
});

describe('preflight never targets probe pods', () => {
  const probeLabels = (runId: string) => ({ app: 'w', 'app.kubernetes.io/managed-by': 'kubeknock', 'kubeknock.dev/run-id': runId });
  const check = '    - {from: client, to: {pods: {namespace: apps, matchLabels: {app: w}}, port: 80, select: each}, expect: allow}\n';

  it('leaves out the probe pods of other runs that a pods selector matches', async () => {
    fake = new FakeCluster({
      namespaces: ['apps', 'elsewhere'],
      existingPods: [
        { namespace: 'apps', name: 'w1', labels: { app: 'w' }, ip: '10.244.0.9', phase: 'Running', deleting: false },
        { namespace: 'apps', name: 'kubeknock-w-keep1', labels: probeLabels('kept'), ip: '10.244.0.10', phase: 'Running', deleting: false },
      ],
    });
    const facts = await preflight(scenario(check), fake);
    expect([...facts.selectedPods.values()].flat().map((p) => p.name)).toEqual(['w1']);
  });

  it('refuses a selector that matches only probe pods, naming their runs', async () => {
    fake = new FakeCluster({
      namespaces: ['apps', 'elsewhere'],
      existingPods: [
        { namespace: 'apps', name: 'kubeknock-w-a', labels: probeLabels('run-b'), ip: '10.244.0.10', phase: 'Running', deleting: false },
        { namespace: 'apps', name: 'kubeknock-w-b', labels: probeLabels('run-a'), ip: '10.244.0.11', phase: 'Running', deleting: false },
      ],
    });
    const error = await preflight(scenario(check), fake).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues.map((i) => i.message)).toEqual([
      'the selector of pods/apps/app=w:80 matches only kubeknock probe pods in namespace "apps" (2, of run run-a, run run-b), and probe pods are never targets; start the workloads it should select, or fix the selector',
    ]);
    expect(fake.created).toEqual([]);
  });
});

describe('preflight with families', () => {
  it('refuses, before creating anything, a Service or selected pod without an address of the family asked for', async () => {
    fake = new FakeCluster({
      namespaces: ['apps', 'elsewhere'],
      services: [{ namespace: 'apps', name: 'api', clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'], ports: [{ port: 80, protocol: 'TCP' }] }],
      existingPods: [{ namespace: 'apps', name: 'w1', labels: { app: 'w' }, ip: '10.244.0.9', ips: ['10.244.0.9'], phase: 'Running', deleting: false }],
    });
    const s = scenario(`    - {from: client, to: {service: api, namespace: apps, port: 80}, family: ipv6, expect: allow}
    - {from: client, to: {pods: {namespace: apps, matchLabels: {app: w}}, port: 80}, family: ipv6, expect: allow}
`);
    const error = await preflight(s, fake).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues.map((i) => `${i.line}: ${i.message}`)).toEqual([
      '9: c1 (pre.yaml:9) asks for IPv6, but Service apps/api has no IPv6 address (its addresses: 10.96.0.9): the cluster is not dual-stack, or the Service is single-stack (set spec.ipFamilyPolicy: PreferDualStack or RequireDualStack on it)',
      '10: c2 (pre.yaml:10) asks for IPv6, but pod apps/w1 selected by pods/apps/app=w:80 (ipv6) has no IPv6 address (its addresses: 10.244.0.9): the cluster is not dual-stack',
    ]);
    expect(fake.created).toEqual([]);
  });

  it('passes a dual-stack Service and pods for either family', async () => {
    fake = new FakeCluster({
      namespaces: ['apps', 'elsewhere'],
      services: [{ namespace: 'apps', name: 'api', clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9', 'fd00:10:96::9'], ports: [{ port: 80, protocol: 'TCP' }] }],
      existingPods: [{ namespace: 'apps', name: 'w1', labels: { app: 'w' }, ip: '10.244.0.9', ips: ['10.244.0.9', 'fd00:10:244:1::9'], phase: 'Running', deleting: false }],
    });
    const s = scenario(`    - {from: client, to: [{service: api, namespace: apps, port: 80}, {pods: {namespace: apps, matchLabels: {app: w}}, port: 80}], family: both, expect: allow}
`);
    const facts = await preflight(s, fake);
    expect([...facts.services.keys()]).toEqual(['apps/api']);
  });
});

describe('preflight: placing the probe pods on nodes', () => {
  const placed = (actors: string) => {
    const parsed = parseScenario(
      'place.yaml',
      `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: place}
spec:
  actors:
${actors}
  checks:
    - {from: a, to: {host: 203.0.113.10, port: 80}, expect: deny}
`,
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    return parsed.scenario;
  };
  const nodes = [fakeNode('kk-node1', { 'topology.kubernetes.io/zone': 'a' }), fakeNode('kk-node2', { 'topology.kubernetes.io/zone': 'a' }), fakeNode('kk-node3', { 'topology.kubernetes.io/zone': 'b' })];

  it('spreads actors without a wish over the nodes, and meets the wishes of the others', async () => {
    fake = new FakeCluster({ namespaces: ['apps'], nodes });
    const facts = await preflight(
      placed(`    a: {namespace: apps}
    b: {namespace: apps}
    c: {namespace: apps, nodeSelector: {topology.kubernetes.io/zone: b}}
    d: {namespace: apps, placement: {sameNodeAs: a}}`),
      fake,
    );
    expect(Object.fromEntries(facts.placement ?? [])).toEqual({ a: 'kk-node1', b: 'kk-node2', c: 'kk-node3', d: 'kk-node1' });
  });

  it('refuses wishes the nodes cannot meet at their lines, with the other issues, before anything is created', async () => {
    fake = new FakeCluster({ namespaces: ['apps'], nodes: [nodes[0]!, { ...nodes[1]!, unschedulable: true }] });
    const error = await preflight(
      placed(`    a: {namespace: apps, node: kk-node9}
    b: {namespace: apps, node: kk-node2}
    c: {namespace: apps, nodeSelector: {topology.kubernetes.io/zone: b}}
    d: {namespace: nowhere}`),
      fake,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues.map((i) => `${i.line} ${i.path}: ${i.message}`).sort()).toEqual([
      '6 spec.actors.a.node: node "kk-node9" does not exist in the cluster (its nodes: kk-node1, kk-node2)',
      '7 spec.actors.b.node: node "kk-node2" is cordoned (unschedulable): uncordon it (kubectl uncordon kk-node2) or name another node',
      "8 spec.actors.c.nodeSelector: nodeSelector topology.kubernetes.io/zone=b matches no node; the cluster's nodes: kk-node1, kk-node2",
      expect.stringMatching(/^9 spec\.actors\.d: namespace "nowhere" does not exist/),
    ]);
    expect(fake.created).toEqual([]);
  });

  it('without "list nodes": explicit placements are refused, naming the permission', async () => {
    fake = new FakeCluster({ namespaces: ['apps'], nodes, forbidNodes: true });
    const error = await preflight(placed('    a: {namespace: apps, placement: {otherNodeThan: b}}\n    b: {namespace: apps}'), fake).catch((e: unknown) => e);
    expect((error as InputError).issues.map((i) => `${i.line} ${i.path}: ${i.message}`)).toEqual([
      '6 spec.actors.a.placement.otherNodeThan: placing this probe pod needs the cluster\'s nodes, but the current user may not list them: RBAC is missing "list" on "nodes" (cluster-scoped: a ClusterRole and ClusterRoleBinding); grant it, or drop this field',
    ]);
  });

  it('without "list nodes": actors without a wish are left to the scheduler, with one warning', async () => {
    fake = new FakeCluster({ namespaces: ['apps'], nodes, forbidNodes: true });
    const warnings: string[] = [];
    const facts = await preflight(placed('    a: {namespace: apps}\n    b: {namespace: apps}'), fake, { warn: (text) => warnings.push(text) });
    expect(facts.placement).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/^the current user may not list nodes \(cluster-scoped\), so the probe pods are not spread over the nodes: .*grant "list" on "nodes"/)]);
  });

  it('no usable node: actors without a wish are left to the scheduler, with the reason', async () => {
    fake = new FakeCluster({ namespaces: ['apps'], nodes: [{ ...nodes[0]!, ready: false }] });
    const warnings: string[] = [];
    const facts = await preflight(placed('    a: {namespace: apps}'), fake, { warn: (text) => warnings.push(text) });
    expect(facts.placement).toEqual(new Map());
    expect(warnings).toEqual(['no node can take the probe pods (kk-node1 is not Ready), so the scheduler places 1 probe pod(s) without a node chosen by kubeknock']);
  });
});
