import { describe, expect, it } from 'vitest';
import { guardClusterPolicies } from '../../src/app/cluster-policy-guard.js';
import { InputError } from '../../src/model/errors.js';
import type { ClusterPolicyScan } from '../../src/model/cluster-policies.js';

const anp: ClusterPolicyScan = {
  servedVersions: ['policy.networking.k8s.io/v1alpha1'],
  found: [{ kind: 'AdminNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha1', name: 'deny-all' }],
  unreadable: [],
};

async function guard(scan: ClusterPolicyScan | Error, ignore: boolean): Promise<{ error?: unknown; warnings: string[] }> {
  const warnings: string[] = [];
  try {
    await guardClusterPolicies(async () => {
      if (scan instanceof Error) throw scan;
      return scan;
    }, { ignore, doing: 'deriving expectations', warn: (t) => warnings.push(t) });
    return { warnings };
  } catch (error) {
    return { error, warnings };
  }
}

describe('guardClusterPolicies', () => {
  it('passes quietly where none exist', async () => {
    expect(await guard({ servedVersions: ['policy.networking.k8s.io/v1alpha1'], found: [], unreadable: [] }, false)).toEqual({ warnings: [] });
  });

  it('refuses (exit 2) naming the objects, and the flag that overrides it', async () => {
    const { error } = await guard(anp, false);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).message).toMatch(/1 cluster-scoped network policy object\(s\) that kubeknock's policy engine does not model yet: AdminNetworkPolicy deny-all \(policy\.networking\.k8s\.io\/v1alpha1\)\..*--ignore-cluster-policies/);
  });

  it('with --ignore-cluster-policies warns, naming them, and goes on', async () => {
    const { error, warnings } = await guard(anp, true);
    expect(error).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('ignoring 1 cluster-scoped network policy object(s) as --ignore-cluster-policies says: AdminNetworkPolicy deny-all')]);
  });

  it('refuses when it may not look, or cannot ask', async () => {
    const forbidden = await guard({ servedVersions: anp.servedVersions, found: [], unreadable: ['list adminnetworkpolicies.policy.networking.k8s.io (v1alpha1)'] }, false);
    expect((forbidden.error as InputError).message).toMatch(/may not list adminnetworkpolicies\.policy\.networking\.k8s\.io \(v1alpha1\)/);
    const broken = await guard(new Error('listing the API groups the server serves: connection refused'), false);
    expect((broken.error as InputError).message).toMatch(/cannot tell whether cluster-scoped network policies exist \(listing the API groups the server serves: connection refused\)/);
    expect((await guard(new Error('down'), true)).warnings).toEqual([expect.stringContaining('could not look for cluster-scoped network policies (down)')]);
  });
});
