/**
 * A run with expect: policy checks judges with the cluster-scoped tiers it reads from the cluster
 * (through the real guard, decoder and engine), and refuses, before creating anything, what it cannot model.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/model/errors.js';
import { runCommand } from '../../src/app/run.js';
import type { ClusterPolicyScan, ClusterScopedPolicy } from '../../src/model/cluster-policies.js';
import { systemClock } from '../../src/probe/clock.js';
import { FakeCluster } from '../support/fake-cluster.js';
import { clientDbScenario, quietProgress, scenarioFile } from '../support/run-use-case.js';

const CNP = 'policy.networking.k8s.io/v1alpha2';
/** Admin tier: nothing reaches any pod, whatever NetworkPolicies say. */
const adminDenyAll: ClusterScopedPolicy = {
  kind: 'ClusterNetworkPolicy',
  apiVersion: CNP,
  name: 'deny-all',
  object: {
    apiVersion: CNP,
    kind: 'ClusterNetworkPolicy',
    metadata: { name: 'deny-all' },
    spec: { tier: 'Admin', priority: 5, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] },
  },
};
const scanOf = (found: readonly ClusterScopedPolicy[], more: Partial<ClusterPolicyScan> = {}): ClusterPolicyScan => ({ servedVersions: [CNP], found, unreadable: [], unmodelled: [], ...more });

describe('run and cluster-scoped network policies', () => {
  let fake: FakeCluster | undefined;
  afterEach(() => fake?.dispose());

  async function run(expectation: string, scan: ClusterPolicyScan, ignore = false) {
    const file = scenarioFile(clientDbScenario('tiers', 'apps', expectation));
    const cluster = new FakeCluster({ namespaces: ['apps'] });
    fake = cluster;
    const warnings: string[] = [];
    let output = '';
    let scans = 0;
    const outcome = runCommand(
      { files: [file], overrides: {}, output: 'json', reportFormat: 'json', keep: false, clusterDomain: 'cluster.local', color: false, ignoreClusterPolicies: ignore },
      {
        connect: () => cluster,
        progress: quietProgress,
        clock: systemClock,
        write: (text) => void (output += text),
        toolVersion: '0.0.0-test',
        readPolicyObjects: async () => [],
        scanClusterPolicies: async () => {
          scans += 1;
          return scan;
        },
        warn: (t) => warnings.push(t),
      },
    );
    return { outcome, cluster, warnings, scans: () => scans, output: () => output };
  }

  it('expect: policy takes an Admin-tier Deny read from the cluster: the open connection fails its check', async () => {
    const denied = await run('policy', scanOf([adminDenyAll]));
    await expect(denied.outcome).resolves.toMatchObject({ exitCode: 1 });
    const report = JSON.parse(denied.output()) as { checks: { expect: string; expectSource: string; explanation?: string }[] };
    expect(report.checks[0], 'expected deny from policy (the tier); the fake cluster connects').toMatchObject({ expect: 'deny', expectSource: 'policy' });
    expect(report.checks[0]?.explanation).toContain('denied by ClusterNetworkPolicy deny-all (Admin, priority 5) spec.ingress[0]: Deny');
    const open = await run('policy', scanOf([]));
    await expect(open.outcome, 'without the tier the same run passes').resolves.toMatchObject({ exitCode: 0 });
  });

  it('refuses (exit 2) what it cannot model, naming it, and creates nothing', async () => {
    const aws: ClusterScopedPolicy = { kind: 'ClusterNetworkPolicy', apiVersion: 'networking.k8s.aws/v1alpha1', name: 'aws-guard', object: {} };
    const broken: ClusterScopedPolicy = { ...adminDenyAll, name: 'broken', object: { ...(adminDenyAll.object as object), metadata: { name: 'broken' }, spec: { tier: 'Admin', subject: { namespaces: {} } } } };
    const cases: [ClusterPolicyScan, string][] = [
      [scanOf([], { unmodelled: [aws] }), 'ClusterNetworkPolicy aws-guard (networking.k8s.aws/v1alpha1)'],
      [scanOf([], { unreadable: ['list clusternetworkpolicies.policy.networking.k8s.io (v1alpha2)'] }), 'may not list clusternetworkpolicies.policy.networking.k8s.io (v1alpha2)'],
      [scanOf([broken]), "decoder refuses: ClusterNetworkPolicy broken"],
    ];
    for (const [scan, named] of cases) {
      const { outcome, cluster } = await run('policy', scan);
      const error = await outcome.catch((e: unknown) => e);
      expect(error, named).toBeInstanceOf(InputError);
      expect((error as InputError).message).toContain(named);
      expect(cluster.created).toEqual([]);
      fake?.dispose();
    }
  });

  it('does not look when no check derives its expectation, and runs with a warning under --ignore-cluster-policies', async () => {
    const plain = await run('allow', scanOf([adminDenyAll]));
    await expect(plain.outcome).resolves.toMatchObject({ exitCode: 0 });
    expect(plain.scans()).toBe(0);
    const ignored = await run('policy', scanOf([adminDenyAll]), true);
    await expect(ignored.outcome, 'judged by NetworkPolicies alone: open, as observed').resolves.toMatchObject({ exitCode: 0 });
    expect(ignored.warnings).toEqual([expect.stringContaining('ignoring 1 cluster-scoped network policy object(s) as --ignore-cluster-policies says: ClusterNetworkPolicy deny-all')]);
    expect(ignored.cluster.created).toHaveLength(2);
  });
});
