/** A run with expect: policy checks refuses, before creating anything, where cluster-scoped policies exist. */
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/model/errors.js';
import { runCommand } from '../../src/app/run.js';
import type { ClusterPolicyScan } from '../../src/model/cluster-policies.js';
import { systemClock } from '../../src/probe/clock.js';
import { FakeCluster } from '../support/fake-cluster.js';
import { clientDbScenario, quietProgress, scenarioFile } from '../support/run-use-case.js';

const anp: ClusterPolicyScan = {
  servedVersions: ['policy.networking.k8s.io/v1alpha1'],
  found: [{ kind: 'BaselineAdminNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha1', name: 'default' }],
  unreadable: [],
};

describe('run and cluster-scoped network policies', () => {
  let fake: FakeCluster | undefined;
  afterEach(() => fake?.dispose());

  async function run(expectation: string, ignore: boolean) {
    const file = scenarioFile(clientDbScenario('tiers', 'apps', expectation));
    const cluster = new FakeCluster({ namespaces: ['apps'] });
    fake = cluster;
    const warnings: string[] = [];
    let scans = 0;
    const outcome = runCommand(
      { files: [file], overrides: {}, output: 'json', reportFormat: 'json', keep: false, clusterDomain: 'cluster.local', color: false, ignoreClusterPolicies: ignore },
      {
        connect: () => cluster,
        progress: quietProgress,
        clock: systemClock,
        write: () => undefined,
        toolVersion: '0.0.0-test',
        readPolicyObjects: async () => [],
        scanClusterPolicies: async () => {
          scans += 1;
          return anp;
        },
        warn: (t) => warnings.push(t),
      },
    );
    return { outcome, cluster, warnings, scans: () => scans };
  }

  it('refuses expect: policy (exit 2) naming the object, and creates nothing', async () => {
    const { outcome, cluster } = await run('policy', false);
    const error = await outcome.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain('BaselineAdminNetworkPolicy default (policy.networking.k8s.io/v1alpha1)');
    expect(cluster.created).toEqual([]);
  });

  it('does not look when no check derives its expectation, and runs with a warning under --ignore-cluster-policies', async () => {
    const plain = await run('allow', false);
    await expect(plain.outcome).resolves.toMatchObject({ exitCode: 0 });
    expect(plain.scans()).toBe(0);
    const ignored = await run('policy', true);
    await ignored.outcome;
    expect(ignored.warnings).toEqual([expect.stringContaining('ignoring 1 cluster-scoped network policy object(s)')]);
    expect(ignored.cluster.created).toHaveLength(2);
  });
});
