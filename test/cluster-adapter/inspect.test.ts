/** The doctor's cluster inspector and the doctor itself against a fake API server on 127.0.0.1. */
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/app/doctor.js';
import { createClusterInspector } from '../../src/cluster/inspect.js';
import { startFakeApi, type FakeApi } from './fake-api-server.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('createClusterInspector', () => {
  it('answers version, access reviews, namespaces, workloads and policy counts', async () => {
    api = await startFakeApi({
      namespaces: { production: { 'pod-security.kubernetes.io/enforce': 'restricted' }, staging: {} },
      daemonSets: [{ metadata: { namespace: 'kube-system', name: 'kube-router' }, spec: { template: { spec: { containers: [{ name: 'kube-router', image: 'cloudnativelabs/kube-router:v2.2.1' }] } } } }],
      systemPods: [{ metadata: { namespace: 'kube-system', name: 'coredns-1' }, spec: { containers: [{ name: 'coredns', image: 'coredns/coredns:1.11.3' }] } }],
      networkPolicies: [{ metadata: { namespace: 'production', name: 'default-deny' }, spec: { podSelector: {} } }],
      forbidAllNamespaceDaemonSets: true,
    });
    api.denied.add('create pods/exec production');
    const inspector = createClusterInspector(api.loaded);
    expect(inspector.defaultNamespace).toBe('production');
    expect(await inspector.serverVersion()).toBe('v1.34.2');
    expect(await inspector.canI({ verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: 'production' })).toEqual({ allowed: false });
    expect(await inspector.canI({ verb: 'get', group: '', resource: 'pods', subresource: 'exec', namespace: 'production' })).toEqual({ allowed: true });
    expect(await inspector.namespace('production')).toEqual({ name: 'production', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } });
    expect(await inspector.namespace('nope')).toBeUndefined();
    const workloads = await inspector.systemWorkloads();
    expect(workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(['DaemonSet/kube-router', 'Pod/coredns-1']);
    expect(api.requests).toContain('GET /apis/apps/v1/namespaces/kube-system/daemonsets');
    expect([...(await inspector.networkPolicyCounts())]).toEqual([['production', 1]]);
  });

  it('drives the whole doctor', async () => {
    api = await startFakeApi({ namespaces: { production: {}, staging: {} }, daemonSets: [], systemPods: [], networkPolicies: [] });
    api.denied.add('get pods/exec production');
    const loaded = api.loaded;
    const report = await runDoctor(() => createClusterInspector(loaded), { namespaces: ['production'] });
    expect(report.canRun).toBe(false);
    expect(report.checks.map((c) => `${c.status} ${c.title}`)).toEqual([
      'ok API server reachable',
      'ok RBAC at cluster scope',
      'ok namespace production',
      'fail RBAC in namespace production',
      'ok Pod Security in production',
      'warn CNI',
      'warn namespaces without NetworkPolicy',
      'ok cluster-scoped network policies',
      'ok leftover probe pods',
    ]);
  });
});
