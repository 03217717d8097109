/**
 * The observe use case with the in-memory cluster (its exec runs the real BusyBox sh on this machine,
 * so the real sampling script runs; it finds no pod of this fake cluster in /proc, which is fine here):
 * the plan and consent, the nodes it cannot observe, and that collectors go on every path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { observe, type ObserveDeps, type ObserveOptions } from '../../../src/app/flows/observe.js';
import { InputError } from '../../../src/model/errors.js';
import type { Clock } from '../../../src/probe/clock.js';
import { FakeCluster } from '../../support/fake-cluster.js';

const NODES = [
  { name: 'n1', addresses: ['10.250.0.11'], podCIDRs: ['10.244.0.0/24'], ready: true },
  { name: 'n2', addresses: ['10.250.0.12'], podCIDRs: ['10.244.1.0/24'], ready: false },
];
const OBJECTS = [{ value: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: {} } }, file: 'cluster', locate: () => ({ line: 0 }) }];
const options: ObserveOptions = {
  namespaces: ['shop'],
  allNamespaces: false,
  forSeconds: 2,
  intervalSeconds: 1,
  collectorNamespace: 'kubeknock',
  image: 'docker.io/library/busybox:1.36.1',
  imagePullPolicy: 'IfNotPresent',
  imagePullSecrets: [],
  yes: true,
  startTimeoutSeconds: 5,
  runId: 'r0bserve',
};
let cluster: FakeCluster | undefined;
afterEach(() => cluster?.dispose());

/** A clock whose sleeps take no time: the window passes as fast as the samples run. */
function fastClock(): Clock {
  let now = Date.parse('2026-12-07T10:00:00Z');
  return { now: () => now, sleep: async (ms) => void (now += ms) };
}

function deps(fake: FakeCluster, overrides: Partial<ObserveDeps> = {}): ObserveDeps & { lines: string[] } {
  const lines: string[] = [];
  return {
    cluster: fake,
    readObjects: async () => OBJECTS,
    readNodes: async () => NODES,
    dryRunPod: async () => undefined,
    clock: fastClock(),
    progress: (line) => void lines.push(line),
    lines,
    ...overrides,
  };
}

describe('observe (in-memory cluster)', () => {
  it('shows the plan, samples the Ready node, names the one that is not, and removes its collector', async () => {
    cluster = new FakeCluster({ namespaces: ['kubeknock', 'shop'] });
    const d = deps(cluster);
    const result = await observe(d, options);
    expect(d.lines[0]).toBe('observe plan: the traffic of the pods in namespace(s) shop for 2 s, one sample every 1 s');
    expect(d.lines).toContain('  node n2 is not Ready: its pods cannot be observed');
    expect(d.lines).toContain('node n2 is not observed: node is not Ready');
    expect(result.document.coverage.nodes.map((node) => `${node.name} ${node.status} ${node.reason ?? ''}`.trim())).toEqual(['n1 observed', 'n2 not-observed node is not Ready']);
    expect(result.samples).toBe(3);
    expect(cluster.created.map((pod) => pod.metadata.generateName)).toEqual(['kubeknock-observe-n1-']);
    expect([...cluster.pods.keys()]).toEqual([]);
  });

  it('without --yes and without a terminal it refuses before creating anything', async () => {
    cluster = new FakeCluster({ namespaces: ['kubeknock', 'shop'] });
    await expect(observe(deps(cluster), { ...options, yes: false })).rejects.toThrow(/pass --yes .*nothing was created/);
    const declined = observe(deps(cluster, { confirm: async () => false }), { ...options, yes: false });
    await expect(declined).rejects.toThrow('not confirmed: nothing was created');
    expect(cluster.created).toEqual([]);
  });

  it('refuses a collector pod that admission would refuse, before creating one', async () => {
    cluster = new FakeCluster({ namespaces: ['kubeknock', 'shop'] });
    const refused = observe(deps(cluster, { dryRunPod: async () => Promise.reject(new Error('pods "x" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)')) }), options);
    await expect(refused).rejects.toThrow(/would not be admitted in namespace kubeknock: .*hostPID.*nothing was created/);
    expect(cluster.created).toEqual([]);
  });

  it('a collector that cannot start on any node is an error, and the pod is still removed', async () => {
    cluster = new FakeCluster({ namespaces: ['kubeknock', 'shop'], failStart: 'ErrImageNeverPull' });
    await expect(observe(deps(cluster), options)).rejects.toBeInstanceOf(InputError);
    expect(cluster.created).toHaveLength(1);
    expect([...cluster.pods.keys()]).toEqual([]);
  });

  it('a missing collector namespace says how to create it with the Pod Security level it needs', async () => {
    cluster = new FakeCluster({ namespaces: ['shop'] });
    await expect(observe(deps(cluster), options)).rejects.toThrow('kubectl create namespace kubeknock && kubectl label namespace kubeknock pod-security.kubernetes.io/enforce=privileged');
  });

  it('Ctrl-C during the window: what was seen is kept, the window says interrupted, the collector goes', async () => {
    cluster = new FakeCluster({ namespaces: ['kubeknock', 'shop'] });
    const controller = new AbortController();
    const d = deps(cluster, { signal: controller.signal, progress: (line) => void (line.startsWith('observing:') && controller.abort(new Error('interrupted by SIGINT'))) });
    const result = await observe(d, { ...options, forSeconds: 600 });
    expect(result.document.window.ended).toBe('interrupted');
    expect(result.samples).toBe(1);
    expect([...cluster.pods.keys()]).toEqual([]);
  });
});
