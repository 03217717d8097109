/** The ClusterPort adapter driving client-node's real REST clients against a fake API server on 127.0.0.1. */
import { afterEach, describe, expect, it } from 'vitest';
import { InfraError } from '../../src/model/errors.js';
import { createKubeCluster } from '../../src/cluster/kube-cluster.js';
import { PodStartError, type PodManifest } from '../../src/probe/cluster-port.js';
import { buildProbePod } from '../../src/probe/pod-spec.js';
import { startFakeApi, type FakeApi } from './fake-api-server.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const labels = { 'app.kubernetes.io/managed-by': 'kubeknock', 'kubeknock.dev/run-id': 'r1', app: 'backend' };
const manifest = (namespace: string, generateName = 'kk-backend-'): PodManifest => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace, generateName, labels },
  spec: {
    containers: [{ name: 'probe', image: 'docker.io/library/busybox:1.36.1', command: ['sleep', '3600'], securityContext: { runAsNonRoot: true, runAsUser: 65534 } }],
    readinessGates: [{ conditionType: 'kubeknock.dev/never-ready' }],
    terminationGracePeriodSeconds: 1,
    activeDeadlineSeconds: 900,
  },
});

describe('KubeCluster', () => {
  it('creates pods, waits for them, lists, deletes and counts every request', async () => {
    api = await startFakeApi({ namespaces: { production: {}, staging: {} } });
    const cluster = createKubeCluster(api.loaded);
    const a = await cluster.createPod(manifest('production'));
    const b = await cluster.createPod(manifest('production', 'kk-frontend-'));
    const c = await cluster.createPod(manifest('staging'));
    expect(a).toEqual({ namespace: 'production', name: 'kk-backend-00001' });
    const sent = api.pods.get('production/kk-backend-00001');
    expect(sent?.['spec']).toMatchObject({ readinessGates: [{ conditionType: 'kubeknock.dev/never-ready' }], activeDeadlineSeconds: 900 });

    const progress: string[] = [];
    const running = await cluster.waitForPodsRunning([a, b, c], { timeoutMs: 5000, onProgress: (line) => progress.push(line) });
    expect(running.map((pod) => pod.name)).toEqual(['kk-backend-00001', 'kk-frontend-00002', 'kk-backend-00003']);
    expect(running.every((pod) => pod.ip.startsWith('10.244.') && pod.node === 'node-1')).toBe(true);
    expect(progress.at(-1)).toBe('3/3 probe pods running');
    // Two pods of production are read with one list of managed pods, staging's single pod with a GET.
    expect(api.requests.some((r) => r.startsWith('GET /api/v1/namespaces/production/pods?') && r.includes('labelSelector=kubeknock.dev%2Frun-id'))).toBe(true);
    expect(api.requests).toContain('GET /api/v1/namespaces/staging/pods/kk-backend-00003');

    const listed = await cluster.listPods('kubeknock.dev/run-id');
    expect(listed.map((pod) => `${pod.namespace}/${pod.name}`).sort()).toEqual(['production/kk-backend-00001', 'production/kk-frontend-00002', 'staging/kk-backend-00003']);
    expect(listed[0]).toMatchObject({ labels, phase: 'Running', node: 'node-1', deleting: false });

    await cluster.deletePods([a, b, c], { gracePeriodSeconds: 1, timeoutMs: 5000 });
    expect(api.pods.size).toBe(0);
    expect(api.requests).toContain('DELETE /api/v1/namespaces/production/pods/kk-backend-00001?gracePeriodSeconds=1');
    expect(cluster.stats()).toEqual({ apiRequests: api.requests.length, execs: 0 });
  });

  it('sends a real probe pod spec unchanged (client-node drops fields it does not know)', async () => {
    api = await startFakeApi({ namespaces: { production: {} } });
    const pod = buildProbePod({
      actor: {
        name: 'postgres',
        namespace: 'production',
        labels: { app: 'postgres' },
        listen: [{ port: 80, protocol: 'TCP', name: 'http' }, { port: 5432, protocol: 'TCP' }],
        serve: false,
        source: { file: 's.yaml', line: 1, path: 'spec.actors.postgres' },
      },
      scenarioName: 'postgres-lockdown',
      runId: 'r1',
      node: 'kk-node2',
      settings: {
        image: 'docker.io/library/busybox:1.36.1',
        imagePullPolicy: 'IfNotPresent',
        imagePullSecrets: ['regcred'],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'probe', effect: 'NoSchedule' }],
        deadlineSeconds: 900,
        startTimeoutSeconds: 60,
      },
    });
    const ref = await createKubeCluster(api.loaded).createPod(pod);
    const stored = api.pods.get(`${ref.namespace}/${ref.name}`);
    expect(stored?.['spec']).toEqual(JSON.parse(JSON.stringify(pod.spec)));
    expect(JSON.stringify(stored?.['spec']), 'the node pin survives client-node').toContain('"matchFields":[{"key":"metadata.name","operator":"In","values":["kk-node2"]}]');
    expect(stored?.['metadata']).toMatchObject({ labels: pod.metadata.labels });
  });

  it('fails fast with the kubelet reason when the probe image cannot be pulled', async () => {
    api = await startFakeApi({ namespaces: { production: {} } });
    api.plantedStatus.set('kk-bad-', {
      phase: 'Pending',
      containerStatuses: [{ name: 'probe', image: 'docker.io/library/busybox:9.9.9', state: { waiting: { reason: 'ErrImagePull', message: 'not found' } } }],
    });
    const cluster = createKubeCluster(api.loaded);
    const pod = await cluster.createPod(manifest('production', 'kk-bad-'));
    const error = await cluster.waitForPodsRunning([pod], { timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PodStartError);
    expect((error as PodStartError).reason).toBe('ErrImagePull');
    expect((error as Error).message).toContain('busybox:1.36.1');
  });

  it('a pod deleted behind our back fails the wait at once', async () => {
    api = await startFakeApi({ namespaces: { production: {} }, readsUntilRunning: 1000 });
    const cluster = createKubeCluster(api.loaded);
    const pod = await cluster.createPod(manifest('production'));
    const waiting = cluster.waitForPodsRunning([pod], { timeoutMs: 30_000 });
    setTimeout(() => api?.pods.delete('production/kk-backend-00001'), 100);
    await expect(waiting).rejects.toMatchObject({ reason: 'Deleted' });
  });

  it('a pod stuck without a status reason times out with the kubelet\'s latest warning event', async () => {
    const event = (reason: string, message: string, at: string) => ({
      type: 'Warning',
      reason,
      message,
      lastTimestamp: at,
      involvedObject: { kind: 'Pod', name: 'kk-backend-00001' },
      metadata: { name: `e-${reason}` },
    });
    api = await startFakeApi({
      namespaces: { production: {} },
      readsUntilRunning: 1000,
      events: {
        production: [
          event('FailedMount', 'older problem', '2026-01-01T00:00:00Z'),
          event('FailedCreatePodSandBox', 'Failed to create pod sandbox: OCI runtime create failed', '2026-01-01T00:00:05Z'),
        ],
      },
    });
    const cluster = createKubeCluster(api.loaded);
    const pod = await cluster.createPod(manifest('production'));
    const error = await cluster.waitForPodsRunning([pod], { timeoutMs: 400 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PodStartError);
    expect(error).toMatchObject({ reason: 'FailedCreatePodSandBox' });
    expect((error as Error).message).toMatch(
      /^probe pods not running after 0s: production\/kk-backend-00001 \(.*\); last warning on kk-backend-00001: FailedCreatePodSandBox: Failed to create pod sandbox: OCI runtime create failed$/,
    );
  });

  it('says when Pod Security, not RBAC, refused the pod', async () => {
    api = await startFakeApi({ namespaces: { locked: {} }, podSecurityRestricted: 'locked' });
    const cluster = createKubeCluster(api.loaded);
    const error = await cluster.createPod(manifest('locked')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfraError);
    expect((error as Error).message).toBe(
      'creating probe pod locked/kk-backend-…: rejected by admission: pods "x" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true',
    );
  });

  it('names a missing namespace', async () => {
    api = await startFakeApi({ namespaces: {} });
    const cluster = createKubeCluster(api.loaded);
    await expect(cluster.createPod(manifest('productoin'))).rejects.toThrow('creating probe pod productoin/kk-backend-…: not found: namespaces "productoin" not found');
    expect(await cluster.namespacePhase('productoin')).toBeUndefined();
  });

  it('deleting a pod that is already gone is fine; one that never goes names the survivor', async () => {
    api = await startFakeApi({ namespaces: { production: {} }, readsUntilGone: 1_000_000 });
    const cluster = createKubeCluster(api.loaded);
    await cluster.deletePods([{ namespace: 'production', name: 'gone' }], { gracePeriodSeconds: 1, timeoutMs: 1000 });
    const pod = await cluster.createPod(manifest('production'));
    await expect(cluster.deletePods([pod], { gracePeriodSeconds: 1, timeoutMs: 600 })).rejects.toThrow('deleting probe pods: still present after 1s: production/kk-backend-00001');
  });

  it('reads Services and selects pods by a structured selector', async () => {
    api = await startFakeApi({
      namespaces: { production: {} },
      services: [
        { metadata: { namespace: 'production', name: 'api' }, spec: { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } },
        { metadata: { namespace: 'production', name: 'dual' }, spec: { clusterIP: 'fd00:10:96::b', clusterIPs: ['fd00:10:96::b', '10.96.0.11'], ipFamilies: ['IPv6', 'IPv4'], ports: [{ port: 80 }] } },
        { metadata: { namespace: 'production', name: 'headless' }, spec: { clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80 }] } },
      ],
    });
    const cluster = createKubeCluster(api.loaded);
    expect(await cluster.getService('production', 'api')).toEqual({
      namespace: 'production',
      name: 'api',
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
    });
    expect(await cluster.getService('production', 'dual')).toMatchObject({ clusterIP: 'fd00:10:96::b', clusterIPs: ['fd00:10:96::b', '10.96.0.11'] });
    expect(await cluster.getService('production', 'headless')).toMatchObject({ clusterIP: 'None', clusterIPs: [] });
    expect(await cluster.getService('production', 'nope')).toBeUndefined();
    await cluster.createPod(manifest('production'));
    expect((await cluster.selectPods('production', { matchLabels: { app: 'backend' } })).map((pod) => pod.name)).toEqual(['kk-backend-00001']);
    expect(api.requests.at(-1)).toContain('labelSelector=app%3Dbackend');
  });

  it('an unreachable server is an InfraError that says so', async () => {
    api = await startFakeApi({ namespaces: {} });
    const loaded = api.loaded;
    await api.close();
    api = undefined;
    const cluster = createKubeCluster(loaded);
    await expect(cluster.namespacePhase('x')).rejects.toThrow(/reading namespace x: cannot reach the API server: .*ECONNREFUSED/);
  });

  it('lists nodes page by page with labels, Ready, cordon, taints, addresses and pod CIDRs; a refusal is an answer, not an error', async () => {
    const node = (name: string, extra: Record<string, unknown> = {}, ready = 'True', addresses: { type: string; address: string }[] = []) => ({
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: ready }], addresses },
      spec: extra,
    });
    const items = [
      node('kk-node1', { podCIDRs: ['10.244.0.0/24', 'fd00:10:244:1::/64'] }, 'True', [
        { type: 'InternalIP', address: '10.250.0.11' },
        { type: 'InternalIP', address: 'fd00:10:250::11' },
        { type: 'Hostname', address: 'kk-node1' },
      ]),
      node('kk-node2', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }),
      node('kk-node3', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] }, 'Unknown'),
      ...Array.from({ length: 600 }, (_, i) => node(`bulk-${i}`)),
    ];
    api = await startFakeApi({ namespaces: { production: {} }, nodes: items });
    const listing = await createKubeCluster(api.loaded).listNodes();
    if (listing.type !== 'listed') throw new Error(`expected nodes, got ${JSON.stringify(listing)}`);
    expect(listing.nodes).toHaveLength(603);
    expect(listing.nodes.slice(0, 3)).toEqual([
      { name: 'kk-node1', labels: { 'kubernetes.io/hostname': 'kk-node1' }, ready: true, unschedulable: false, taints: [], podCIDRs: ['10.244.0.0/24', 'fd00:10:244:1::/64'], addresses: ['10.250.0.11', 'fd00:10:250::11'] },
      { name: 'kk-node2', labels: { 'kubernetes.io/hostname': 'kk-node2' }, ready: true, unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }], podCIDRs: [], addresses: [] },
      { name: 'kk-node3', labels: { 'kubernetes.io/hostname': 'kk-node3' }, ready: false, unschedulable: false, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }], podCIDRs: [], addresses: [] },
    ]);
    expect(api.requests.filter((r) => r.startsWith('GET /api/v1/nodes'))).toHaveLength(2);
    await api.close();

    api = await startFakeApi({ namespaces: { production: {} }, forbidNodes: true });
    expect(await createKubeCluster(api.loaded).listNodes()).toEqual({ type: 'forbidden', message: expect.stringContaining('listing nodes: forbidden (RBAC): nodes is forbidden') });
  });
});
