/**
 * The ways a run goes wrong on a real cluster, each with a clear message, the right exit code and no
 * probe pod left (listed by kubeknock's labels): Pod Security `restricted`, a ServiceAccount without
 * pods/exec, a probe pod deleted while its checks run, and the API server unreachable mid-run.
 * (A missing image, a missing namespace and SIGINT/SIGTERM are in run.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { ApiProxy, apiServerAddress, kubeconfigVia } from './api-proxy.js';
import { CLUSTER, KUBECONFIG, kubeknock, kubectl, managedPods, reportPath, useNamespace, writeScenario } from './cluster.js';

const EXTERNAL_IP = CLUSTER['EXTERNAL_IP'] ?? '203.0.113.10';
/** SYNs to this port of the stand-in external host are dropped: a probe there runs its full timeout. */
const DROP_PORT = Number(CLUSTER['EXTERNAL_DROP_PORT'] ?? 81);

const NS = 'kk-e2e-faults';
useNamespace(NS);

function reportOf(file: string): RunReport {
  return JSON.parse(readFileSync(file, 'utf8')) as RunReport;
}

describe('a namespace enforcing Pod Security restricted', () => {
  const RESTRICTED = 'kk-e2e-restricted';
  useNamespace(
    RESTRICTED,
    `apiVersion: v1
kind: Namespace
metadata:
  name: ${RESTRICTED}
  labels: {pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: latest}
`,
  );

  it('really enforces it: a plain busybox pod is rejected', async () => {
    const rejected = await kubectl(['run', 'plain', '-n', RESTRICTED, '--image', 'docker.io/library/busybox:1.35.0', '--dry-run=server', '--', 'sleep', '1']).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(rejected).toMatch(/violates PodSecurity "restricted/);
  });

  it('admits and runs the probe pods; every check passes', async () => {
    const file = writeScenario(
      'restricted',
      `  actors:
    client: {namespace: ${RESTRICTED}, labels: {app: client}}
    server: {namespace: ${RESTRICTED}, labels: {app: server}, listen: [8080]}
  checks:
    - {from: client, to: server:8080, expect: allow}
    - {from: client, to: server:8080, kind: http, expect: allow}
    - {from: [client, server], dns: kubernetes.default.svc.cluster.local., expect: allow}
`,
    );
    const run = await kubeknock(['run', file, '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as RunReport).summary).toMatchObject({ total: 4, passed: 4 });
    expect(await managedPods()).toEqual([]);
  });
});

describe('a ServiceAccount without pods/exec', () => {
  const RBAC_NS = 'kk-e2e-rbac';
  const CLUSTER_ROLE = 'kk-e2e-rbac-namespaces';
  let kubeconfig = '';
  let dir = '';
  useNamespace(
    RBAC_NS,
    `apiVersion: v1
kind: ServiceAccount
metadata: {name: no-exec, namespace: ${RBAC_NS}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: no-exec, namespace: ${RBAC_NS}}
rules:
  - {apiGroups: [""], resources: [pods], verbs: [create, get, list, delete]}
  - {apiGroups: [""], resources: [services], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: no-exec, namespace: ${RBAC_NS}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: no-exec}
subjects: [{kind: ServiceAccount, name: no-exec, namespace: ${RBAC_NS}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${CLUSTER_ROLE}}
rules: [{apiGroups: [""], resources: [namespaces], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ${CLUSTER_ROLE}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${CLUSTER_ROLE}}
subjects: [{kind: ServiceAccount, name: no-exec, namespace: ${RBAC_NS}}]
`,
  );

  beforeAll(async () => {
    const token = (await kubectl(['create', 'token', 'no-exec', '-n', RBAC_NS, '--duration=10m'])).trim();
    const ca = await kubectl(['config', 'view', '--raw', '--minify', '-o', 'jsonpath={.clusters[0].cluster.certificate-authority-data}']);
    const server = await kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}']);
    dir = mkdtempSync(join(tmpdir(), 'kk-e2e-sa-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: "${server}", certificate-authority-data: "${ca}"}}]
users: [{name: no-exec, user: {token: "${token}"}}]
contexts: [{name: no-exec, context: {cluster: test, user: no-exec, namespace: ${RBAC_NS}}}]
current-context: no-exec
`,
      { mode: 0o600 },
    );
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await kubectl(['delete', 'clusterrolebinding,clusterrole', CLUSTER_ROLE, '--ignore-not-found']).catch(() => undefined);
  });

  const scenario = (): string =>
    writeScenario('no-exec', `  actors:\n    a: {namespace: ${RBAC_NS}}\n    b: {namespace: ${RBAC_NS}, listen: [8080]}\n  checks:\n    - {from: a, to: b:8080, expect: allow}\n`);

  it('doctor reports the missing permission beforehand, with exit 2', async () => {
    const run = await kubeknock(['doctor', '--kubeconfig', kubeconfig, scenario()]);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toMatch(new RegExp(`✗ RBAC in namespace ${RBAC_NS}: missing create pods/exec .*get pods/exec`));
    expect(run.stdout).toContain('granting create,get on pods/exec');
  });

  it('run names the missing permission and exits 2 before creating any pod', async () => {
    const run = await kubeknock(['run', '--kubeconfig', kubeconfig, scenario()]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`RBAC is missing in namespace ${RBAC_NS}: create pods/exec (run probe commands), get pods/exec`);
    expect(run.stderr).toContain('nothing was created');
    expect(run.stderr, 'no pod creation was attempted').not.toMatch(/creating \d+ probe pod/);
    expect(await managedPods()).toEqual([]);
  });
});

describe('a probe pod deleted while its checks run', () => {
  it('turns its checks into exec-errors, never passes; the other pod finishes; nothing is left', async () => {
    const file = writeScenario(
      'victim',
      `  actors:
    victim: {namespace: ${NS}, labels: {app: victim}}
    bystander: {namespace: ${NS}, labels: {app: bystander}}
  checks:
    - {name: slow deny, from: victim, to: {host: ${EXTERNAL_IP}, port: ${DROP_PORT}}, expect: deny, timeoutSeconds: 20, attempts: 1}
    - {name: bystander out, from: bystander, to: {host: ${EXTERNAL_IP}, port: 80}, expect: allow, attempts: 1}
`,
    );
    const reportFile = reportPath('victim.json');
    let deleted: Promise<string> | undefined;
    const run = await kubeknock(['run', file, '--report', reportFile], {
      onStderr: (text) => {
        if (!deleted && /running \d+ probe/.test(text)) deleted = kubectl(['delete', 'pod', '-n', NS, '-l', 'app=victim', '--wait=false']);
      },
    });
    expect(deleted, 'the run reached the probing phase').toBeDefined();
    expect(await deleted).toContain('deleted');
    expect(run.code, run.stderr).toBe(1);
    const report = reportOf(reportFile);
    const byName = new Map(report.checks.map((c) => [c.name, c]));
    expect(byName.get('slow deny')).toMatchObject({ status: 'fail', observed: 'error', outcome: { class: 'exec-error' } });
    expect(byName.get('bystander out')).toMatchObject({ status: 'pass', observed: 'allow' });
    expect(report.errors, 'deleting a pod that is already gone is not a cleanup error').toEqual([]);
    expect(await managedPods()).toEqual([]);
  });
});

describe('the API server unreachable for a few seconds mid-run', () => {
  let proxy: ApiProxy;
  let via: { file: string; remove: () => void };
  beforeAll(async () => {
    proxy = await ApiProxy.start(apiServerAddress(KUBECONFIG));
    via = kubeconfigVia(KUBECONFIG, proxy.url);
  });
  afterAll(async () => {
    await proxy.close();
    via.remove();
  });

  const scenario = (name: string): string =>
    writeScenario(
      name,
      `  actors:
    client: {namespace: ${NS}, labels: {app: client}}
    server: {namespace: ${NS}, labels: {app: server}, listen: [8080]}
  checks:
    - {name: dropped, from: client, to: {host: ${EXTERNAL_IP}, port: ${DROP_PORT}}, expect: deny, timeoutSeconds: 5}
    - {name: open, from: client, to: server:8080, expect: allow}
    - {name: dns, from: server, dns: kubernetes.default.svc.cluster.local., expect: allow}
`,
      'timeoutSeconds: 2, attempts: 3, retryDelaySeconds: 1, settleSeconds: 2',
    );

  it.each([
    ['while probes run', /running \d+ probe/],
    ['while probe pods are deleted', /deleting \d+ probe pod/],
  ])('%s: waited out and retried, every check judged, nothing leaked', async (_when, trigger) => {
    const name = `outage-${trigger.source.includes('running') ? 'probing' : 'teardown'}`;
    const file = scenario(name);
    const reportFile = reportPath(`${name}.json`);
    let cut: Promise<void> | undefined;
    let restored: Promise<void> | undefined;
    const run = await kubeknock(['run', '--kubeconfig', via.file, file, '--report', reportFile], {
      onStderr: (text) => {
        if (cut || !trigger.test(text)) return;
        cut = proxy.cut();
        restored = cut.then(() => new Promise<void>((resolve) => setTimeout(resolve, 6_000))).then(() => proxy.restore());
      },
    });
    await restored;
    expect(cut, 'the outage happened').toBeDefined();
    expect(run.stderr).toMatch(/API server unreachable while .*; retrying for up to 30s/);
    expect(run.stderr).toMatch(/API server answering again after \d+\.\ds/);
    expect(run.code, run.stderr).toBe(0);
    const report = reportOf(reportFile);
    expect(report.summary).toMatchObject({ total: 3, passed: 3 });
    expect(report.errors).toEqual([]);
    expect(await managedPods()).toEqual([]);
  });
});
