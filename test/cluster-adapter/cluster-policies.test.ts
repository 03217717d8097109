/** scanClusterPolicies against a fake API server through the real client-node clients. */
import { afterEach, describe, expect, it } from 'vitest';
import { scanClusterPolicies } from '../../src/cluster/cluster-policies.js';
import { startFakeApi, type FakeApi } from './fake-api-server.js';

let api: FakeApi | undefined;
afterEach(async () => api?.close());

const named = (name: string) => ({ metadata: { name } });

describe('scanClusterPolicies', () => {
  it('finds nothing where policy.networking.k8s.io is not served, without listing anything', async () => {
    api = await startFakeApi({ namespaces: {} });
    expect(await scanClusterPolicies(api.loaded.kc)).toEqual({ servedVersions: [], found: [], unreadable: [], unmodelled: [] });
    expect(api.requests.filter((r) => r.includes('policy.networking'))).toEqual([]);
  });

  it('lists every served kind once, an object served in two versions included once', async () => {
    api = await startFakeApi({
      namespaces: {},
      clusterPolicies: {
        v1alpha1: { adminnetworkpolicies: [named('pass-dns'), named('deny-all')], baselineadminnetworkpolicies: [named('default')] },
        v1beta1: { clusternetworkpolicies: [named('tier-admin')] },
        v1alpha2: { clusternetworkpolicies: [named('tier-admin')] },
      },
    });
    const scan = await scanClusterPolicies(api.loaded.kc);
    expect(scan.servedVersions).toEqual(['policy.networking.k8s.io/v1alpha1', 'policy.networking.k8s.io/v1alpha2', 'policy.networking.k8s.io/v1beta1']);
    expect(scan.found.map((p) => `${p.kind} ${p.name} ${p.apiVersion}`)).toEqual([
      'AdminNetworkPolicy deny-all policy.networking.k8s.io/v1alpha1',
      'AdminNetworkPolicy pass-dns policy.networking.k8s.io/v1alpha1',
      'BaselineAdminNetworkPolicy default policy.networking.k8s.io/v1alpha1',
      'ClusterNetworkPolicy tier-admin policy.networking.k8s.io/v1beta1',
    ]);
    expect(scan.unreadable).toEqual([]);
    expect(scan.found[3]?.object, 'the whole object, in the version it was read in, for the decoder').toEqual({ metadata: { name: 'tier-admin' }, apiVersion: 'policy.networking.k8s.io/v1beta1', kind: 'ClusterNetworkPolicy' });
  });

  it("names AWS's own ClusterNetworkPolicy (networking.k8s.aws) apart", async () => {
    api = await startFakeApi({ namespaces: {}, awsClusterPolicies: { v1alpha1: [named('aws-guard')] } });
    const scan = await scanClusterPolicies(api.loaded.kc);
    expect(scan.found).toEqual([]);
    expect(scan.unmodelled.map((p) => `${p.kind} ${p.name} ${p.apiVersion}`)).toEqual(['ClusterNetworkPolicy aws-guard networking.k8s.aws/v1alpha1']);
  });

  it('says which lists RBAC refused instead of reporting "none"', async () => {
    api = await startFakeApi({ namespaces: {}, clusterPolicies: { v1alpha1: { adminnetworkpolicies: [named('x')], baselineadminnetworkpolicies: [] } }, forbidClusterPolicies: ['adminnetworkpolicies'] });
    const scan = await scanClusterPolicies(api.loaded.kc);
    expect(scan.found).toEqual([]);
    expect(scan.unreadable).toEqual(['list adminnetworkpolicies.policy.networking.k8s.io (v1alpha1)']);
  });
});
