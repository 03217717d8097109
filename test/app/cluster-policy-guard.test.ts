import { describe, expect, it } from 'vitest';
import { guardClusterPolicies, type ClusterPolicyGuardOptions } from '../../src/app/cluster-policy-guard.js';
import { InputError } from '../../src/model/errors.js';
import type { ClusterPolicyScan } from '../../src/model/cluster-policies.js';

const V1ALPHA1 = 'policy.networking.k8s.io/v1alpha1';
const anp: ClusterPolicyScan = {
  servedVersions: [V1ALPHA1],
  found: [
    {
      kind: 'AdminNetworkPolicy',
      apiVersion: V1ALPHA1,
      name: 'deny-all',
      object: { apiVersion: V1ALPHA1, kind: 'AdminNetworkPolicy', metadata: { name: 'deny-all' }, spec: { priority: 1, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] } },
    },
  ],
  unreadable: [],
  unmodelled: [],
};

async function guard(scan: ClusterPolicyScan | Error, ignore: boolean, tiers: ClusterPolicyGuardOptions['tiers'] = 'model'): Promise<{ error?: unknown; warnings: string[]; objects?: readonly unknown[] }> {
  const warnings: string[] = [];
  try {
    const objects = await guardClusterPolicies(async () => {
      if (scan instanceof Error) throw scan;
      return scan;
    }, { ignore, doing: 'deriving expectations', warn: (t) => warnings.push(t), tiers });
    return { warnings, objects: objects.map((o) => ({ file: o.file, value: o.value })) };
  } catch (error) {
    return { error, warnings };
  }
}

describe('guardClusterPolicies', () => {
  it('passes quietly where none exist', async () => {
    expect(await guard({ ...anp, found: [] }, false)).toEqual({ warnings: [], objects: [] });
  });

  it('hands the objects on for the decoder, named after the cluster', async () => {
    expect(await guard(anp, false)).toEqual({ warnings: [], objects: [{ file: 'cluster:AdminNetworkPolicy/deny-all', value: anp.found[0]?.object }] });
  });

  it('refuses (exit 2) every object where the use case does not model the tiers (rollout), and the flag that overrides it', async () => {
    const { error } = await guard(anp, false, 'refuse');
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).message).toMatch(/1 cluster-scoped network policy object\(s\): AdminNetworkPolicy deny-all \(policy\.networking\.k8s\.io\/v1alpha1\)\. .*deriving expectations does not take them into account yet.*--ignore-cluster-policies/);
  });

  it("refuses AWS's ClusterNetworkPolicy and objects the decoder refuses, naming them", async () => {
    const aws = await guard({ ...anp, found: [], unmodelled: [{ kind: 'ClusterNetworkPolicy', apiVersion: 'networking.k8s.aws/v1alpha1', name: 'guard', object: {} }] }, false);
    expect((aws.error as InputError).message).toContain("1 network policy object(s) of an API kubeknock does not model: ClusterNetworkPolicy guard (networking.k8s.aws/v1alpha1) (AWS's own ClusterNetworkPolicy");
    const broken = { ...anp.found[0]!, object: { apiVersion: V1ALPHA1, kind: 'AdminNetworkPolicy', metadata: { name: 'deny-all' }, spec: { priority: 1001, subject: { namespaces: {} } } } };
    const bad = await guard({ ...anp, found: [broken] }, false);
    expect((bad.error as InputError).message).toContain("1 cluster-scoped network policy object(s) that kubeknock's decoder refuses: AdminNetworkPolicy deny-all");
    expect((bad.error as InputError).issues).toEqual([expect.objectContaining({ file: 'cluster:AdminNetworkPolicy/deny-all', path: 'spec.priority' })]);
  });

  it('with --ignore-cluster-policies warns, naming them, and reads none', async () => {
    const { error, warnings, objects } = await guard(anp, true);
    expect(error).toBeUndefined();
    expect(objects).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining('ignoring 1 cluster-scoped network policy object(s) as --ignore-cluster-policies says: AdminNetworkPolicy deny-all')]);
  });

  it('refuses when it may not look, or cannot ask', async () => {
    const forbidden = await guard({ ...anp, found: [], unreadable: ['list adminnetworkpolicies.policy.networking.k8s.io (v1alpha1)'] }, false);
    expect((forbidden.error as InputError).message).toMatch(/may not list adminnetworkpolicies\.policy\.networking\.k8s\.io \(v1alpha1\)/);
    const broken = await guard(new Error('listing the API groups the server serves: connection refused'), false);
    expect((broken.error as InputError).message).toMatch(/cannot tell whether cluster-scoped network policies exist \(listing the API groups the server serves: connection refused\)/);
    expect((await guard(new Error('down'), true)).warnings).toEqual([expect.stringContaining('could not look for cluster-scoped network policies (down)')]);
  });
});
