/**
 * The cluster adapter against the real single-node test cluster (test/cluster/up.sh). Part of
 * `npm run test:e2e`, whose global setup fails when the cluster is not up.
 * KUBEKNOCK_E2E_KUBECONFIG overrides the kubeconfig path (default test/cluster/.state/kubeconfig).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { CoreV1Api, Exec, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCleanup } from '../../src/app/cleanup.js';
import { runDoctor } from '../../src/app/doctor.js';
import { createClusterInspector } from '../../src/cluster/inspect.js';
import { createKubeCluster } from '../../src/cluster/kube-cluster.js';
import { loadKubeConfig, type LoadedKubeConfig } from '../../src/cluster/kubeconfig.js';
import { PodStartError, type ClusterPort, type PodManifest, type PodRef } from '../../src/probe/cluster-port.js';

const stateDir = fileURLToPath(new URL('../cluster/.state/', import.meta.url));
const kubeconfig = process.env['KUBEKNOCK_E2E_KUBECONFIG'] ?? `${stateDir}kubeconfig`;
const imageFile = `${stateDir}busybox-image`;
const NAMESPACE = 'kubeknock-e2e-kube';
const RUN_ID = `e2e-kube-${Date.now().toString(36)}`;

function probe(generateName: string, image: string, overrides: { runAsRoot?: boolean } = {}): PodManifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: NAMESPACE,
      generateName,
      labels: { 'app.kubernetes.io/managed-by': 'kubeknock', 'kubeknock.dev/run-id': RUN_ID, app: 'e2e' },
    },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: 300,
      terminationGracePeriodSeconds: 1,
      automountServiceAccountToken: false,
      readinessGates: [{ conditionType: 'kubeknock.dev/never-ready' }],
      securityContext: overrides.runAsRoot ? {} : { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'probe',
          image,
          imagePullPolicy: 'Never',
          command: ['sh', '-c', 'trap "exit 0" TERM; sleep 300 & wait'],
          securityContext: overrides.runAsRoot ? {} : { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 65534 },
        },
      ],
    },
  };
}

describe('cluster adapter on the real test cluster', () => {
  let loaded: LoadedKubeConfig;
  let cluster: ClusterPort;
  let image: string;
  const created: PodRef[] = [];

  beforeAll(async () => {
    loaded = loadKubeConfig({ kubeconfig, env: {} });
    cluster = createKubeCluster(loaded);
    image = existsSync(imageFile) ? readFileSync(imageFile, 'utf8').trim() : 'docker.io/library/busybox:1.36.1';
    const core = loaded.kc.makeApiClient(CoreV1Api);
    await core.deleteNamespace({ name: NAMESPACE }).catch(() => undefined);
    for (let i = 0; i < 120 && (await cluster.namespacePhase(NAMESPACE)) !== undefined; i += 1) await new Promise((r) => setTimeout(r, 500));
    await core.createNamespace({
      body: { metadata: { name: NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } } },
    });
  }, 90_000);

  afterAll(async () => {
    await cluster.deletePods(created, { gracePeriodSeconds: 1, timeoutMs: 60_000 }).catch(() => undefined);
    await loaded.kc.makeApiClient(CoreV1Api).deleteNamespace({ name: NAMESPACE }).catch(() => undefined);
  }, 90_000);

  it('doctor: reachable, RBAC granted, namespace restricted, CNI found', async () => {
    const report = await runDoctor(() => createClusterInspector(loaded), { namespaces: [NAMESPACE] });
    console.log(report.checks.map((c) => `${c.status} ${c.title}: ${c.detail}`).join('\n'));
    expect(report.canRun).toBe(true);
    expect(report.checks.find((c) => c.title === `Pod Security in ${NAMESPACE}`)?.detail).toContain('enforce=restricted');
  }, 60_000);

  it('creates restricted probe pods, waits for them and execs', async () => {
    const a = await cluster.createPod(probe('kk-e2e-a-', image));
    const b = await cluster.createPod(probe('kk-e2e-b-', image));
    created.push(a, b);
    const progress: string[] = [];
    const started = Date.now();
    const running = await cluster.waitForPodsRunning([a, b], { timeoutMs: 60_000, onProgress: (line) => progress.push(line) });
    console.log(`pods running after ${Date.now() - started} ms: ${progress.join(' | ')}`);
    expect(running.every((pod) => /^\d+\.\d+\.\d+\.\d+$/.test(pod.ip))).toBe(true);

    const version = await cluster.exec(a, 'probe', ['sh', '-c', 'busybox | head -1'], { timeoutMs: 10_000 });
    expect(version).toMatchObject({ type: 'exited', exitCode: 0 });
    expect(version.stdout).toMatch(/^BusyBox v1\.\d+/);

    const mixed = await cluster.exec(a, 'probe', ['sh', '-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 10_000 });
    expect(mixed).toEqual({ type: 'exited', exitCode: 3, stdout: 'out\n', stderr: 'err\n' });

    const peer = running[1]!;
    // No listener on 81 and no NetworkPolicy in this namespace: the peer's kernel answers with a reset.
    // The exit code and the words must come through the exec as nc gave them (-vv: one -v hides "refused").
    const knock = await cluster.exec(a, 'probe', ['nc', '-vv', '-z', '-w', '2', peer.ip, '81'], { timeoutMs: 10_000 });
    console.log(`nc to a closed port of ${peer.ip}: ${JSON.stringify(knock)}`);
    expect(knock).toMatchObject({ type: 'exited', exitCode: 1 });
    expect(knock.stdout + knock.stderr).toContain(`nc: ${peer.ip} (${peer.ip}:81): Connection refused`);

    const slow = await cluster.exec(a, 'probe', ['sleep', '20'], { timeoutMs: 1000 });
    expect(slow).toMatchObject({ type: 'failed', reason: 'exec timed out after 1s' });

    const wrongContainer = await cluster.exec(a, 'nope', ['true'], { timeoutMs: 10_000 });
    console.log(`exec into a missing container: ${JSON.stringify(wrongContainer)}`);
    expect(wrongContainer.type).toBe('failed');

    // What the adapter relies on: the server picks v5 and ends with a status frame.
    const discard = (): Writable => new Writable({ write: (_chunk, _encoding, done) => done() });
    let status: unknown;
    const ws = await new Exec(loaded.kc).exec(a.namespace, a.name, 'probe', ['true'], discard(), discard(), null, false, (s) => (status = s));
    await new Promise((resolve) => ws.on('close', resolve));
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    expect(status).toMatchObject({ status: 'Success' });

    console.log(`stats: ${JSON.stringify(cluster.stats())}`);
  }, 120_000);

  it('fails fast when the image is not on the node (pull policy Never)', async () => {
    const pod = await cluster.createPod(probe('kk-e2e-noimage-', 'docker.io/library/busybox:0.0.0-missing'));
    created.push(pod);
    const started = Date.now();
    const error = await cluster.waitForPodsRunning([pod], { timeoutMs: 60_000 }).catch((e: unknown) => e);
    console.log(`missing image after ${Date.now() - started} ms: ${(error as Error).message}`);
    expect(error).toBeInstanceOf(PodStartError);
    expect((error as PodStartError).reason).toMatch(/ErrImageNeverPull|ErrImagePull|ImagePullBackOff/);
  }, 90_000);

  it('Pod Security rejection is reported as admission, not RBAC', async () => {
    const error = await cluster.createPod(probe('kk-e2e-root-', image, { runAsRoot: true })).catch((e: unknown) => e);
    console.log(`root pod in a restricted namespace: ${(error as Error).message}`);
    expect((error as Error).message).toContain('rejected by admission');
    expect((error as Error).message).toContain('violates PodSecurity');
  }, 30_000);

  it('a user without pods/exec: doctor says so and exec fails naming the permission', async () => {
    const running = created.slice(0, 1);
    expect(running, 'needs the pods of the exec test').toHaveLength(1);
    const limited = await limitedUser(loaded, ['get', 'list', 'watch', 'create', 'delete']);
    const report = await runDoctor(() => createClusterInspector(limited), { namespaces: [NAMESPACE] });
    const rbac = report.checks.find((c) => c.title === `RBAC in namespace ${NAMESPACE}`);
    console.log(`doctor as a user without pods/exec: ${rbac?.status} ${rbac?.detail} → ${rbac?.fix}`);
    expect(report.canRun).toBe(false);
    expect(rbac?.detail).toContain('create pods/exec');
    const result = await createKubeCluster(limited).exec(running[0]!, 'probe', ['true'], { timeoutMs: 10_000 });
    console.log(`exec as a user without pods/exec: ${JSON.stringify(result)}`);
    expect(result).toMatchObject({ type: 'failed' });
    expect(result.type === 'failed' && result.reason).toContain('pods/exec');
  }, 60_000);

  it('cleanup sweeps the run and waits until the pods are gone', async () => {
    const result = await runCleanup(cluster, { runId: RUN_ID, dryRun: false, timeoutMs: 60_000 });
    console.log(`cleanup: ${result.pods.map((p) => p.name).join(', ')}${result.failure ? ` failure: ${result.failure}` : ''}`);
    expect(result.failure).toBeUndefined();
    expect(await cluster.listPods(`kubeknock.dev/run-id=${RUN_ID}`, NAMESPACE)).toEqual([]);
  }, 90_000);
});

/** A ServiceAccount of the test namespace allowed only `verbs` on pods (no pods/exec), as a kubeconfig. */
async function limitedUser(admin: LoadedKubeConfig, verbs: string[]): Promise<LoadedKubeConfig> {
  const core = admin.kc.makeApiClient(CoreV1Api);
  const rbac = admin.kc.makeApiClient(RbacAuthorizationV1Api);
  const name = 'kk-e2e-no-exec';
  await core.createNamespacedServiceAccount({ namespace: NAMESPACE, body: { metadata: { name } } });
  await rbac.createNamespacedRole({ namespace: NAMESPACE, body: { metadata: { name }, rules: [{ apiGroups: [''], resources: ['pods'], verbs }] } });
  await rbac.createNamespacedRoleBinding({
    namespace: NAMESPACE,
    body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [{ kind: 'ServiceAccount', name, namespace: NAMESPACE }] },
  });
  const token = await core.createNamespacedServiceAccountToken({ name, namespace: NAMESPACE, body: { spec: { audiences: [], expirationSeconds: 600 } } });
  const cluster = admin.kc.getCurrentCluster();
  if (!cluster || !token.status?.token) throw new Error('no cluster or token');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name, token: token.status.token }],
    contexts: [{ name, cluster: cluster.name, user: name }],
    currentContext: name,
  });
  return { kc, server: cluster.server, context: name, source: 'flag' };
}
