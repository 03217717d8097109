/**
 * A multi-step scenario through the run use case, over a FakeCluster (real BusyBox probes on
 * loopback) and in-memory objects: one report per step, the changes journaled and put back at the
 * end, relabelled probe pods, and the confirmation rule for runs that change the cluster.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/app/run.js';
import { systemClock } from '../../src/probe/clock.js';
import { FakeCluster } from '../support/fake-cluster.js';
import { FakeObjects } from '../support/fake-objects.js';
import { quietProgress, scenarioFile } from '../support/run-use-case.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

const STEPS = `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: stepped}
spec:
  defaults: {timeoutSeconds: 1, attempts: 1, retryDelaySeconds: 0, settleSeconds: 0}
  actors:
    client: {namespace: one, labels: {app: client}}
    db: {namespace: one, labels: {app: db}, listen: [5432]}
  checks:
    - {from: client, to: db:5432, expect: allow}
  steps:
    - name: a policy
      apply:
        - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: allow-client, namespace: one}, spec: {podSelector: {}, ingress: [{}]}}
    - name: relabel and delete
      delete: [{kind: NetworkPolicy, namespace: one, name: allow-client}]
      labels: {client: {role: admin, app: null}}
`;

describe('run with steps', () => {
  let cluster: FakeCluster | undefined;
  afterEach(() => cluster?.dispose());

  it('runs each step over the same pods, reports each, journals the changes and puts them back', async () => {
    cluster = new FakeCluster({ namespaces: ['one', 'kubeknock'] });
    const objects = new FakeObjects();
    const journalFile = join(mkdtempSync(join(tmpdir(), 'kk-steps-')), 'journal.json');
    let stdout = '';
    const outcome = await runCommand(
      { files: [scenarioFile(STEPS)], overrides: {}, output: 'json', reportFormat: 'json', keep: false, clusterDomain: 'cluster.local', color: false, yes: true, journalFile },
      { connect: () => cluster as FakeCluster, objects: () => objects, progress: quietProgress, clock: systemClock, write: (text) => (stdout += text), toolVersion: '0.0.0-test' },
    );
    expect(outcome.exitCode, stdout).toBe(0);
    expect(outcome.reports.map((r) => [r.step?.index, r.step?.name, r.step?.changes, r.summary.passed])).toEqual([
      [1, 'a policy', ['created NetworkPolicy one/allow-client'], 1],
      [2, 'relabel and delete', ['deleted NetworkPolicy one/allow-client', 'relabelled actor client: role=admin, -app'], 1],
    ]);
    expect(cluster.created, 'one pod per actor for all steps').toHaveLength(2);
    const client = [...cluster.pods.values()].find((p) => p.name.includes('client'));
    expect(client, 'pods are deleted at the end').toBeUndefined();
    expect(objects.writes).toEqual(['apply NetworkPolicy one/allow-client', 'delete NetworkPolicy one/allow-client', 'delete NetworkPolicy one/allow-client']);
    expect(objects.store.size).toBe(0);
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { state: string; entries: { status: string }[] };
    expect(journal.state).toBe('restored');
    expect(journal.entries.map((e) => e.status)).toEqual(['restored', 'restored']);
  });

  it('refuses to change the cluster without --yes when nobody can confirm, before connecting', async () => {
    let connected = false;
    await expect(
      runCommand(
        { files: [scenarioFile(STEPS)], overrides: {}, output: 'json', reportFormat: 'json', keep: false, clusterDomain: 'cluster.local', color: false },
        {
          connect: () => {
            connected = true;
            throw new Error('no');
          },
          progress: quietProgress,
          clock: systemClock,
          write: () => undefined,
          toolVersion: '0.0.0-test',
        },
      ),
    ).rejects.toThrow(/changes NetworkPolicies or Namespace labels in its steps .* run again with --yes/);
    expect(connected).toBe(false);
  });

  it('refuses when the journal namespace is missing, creating nothing', async () => {
    cluster = new FakeCluster({ namespaces: ['one'] });
    await expect(
      runCommand(
        { files: [scenarioFile(STEPS)], overrides: {}, output: 'json', reportFormat: 'json', keep: false, clusterDomain: 'cluster.local', color: false, yes: true },
        { connect: () => cluster as FakeCluster, objects: () => new FakeObjects(), progress: quietProgress, clock: systemClock, write: () => undefined, toolVersion: '0.0.0-test' },
      ),
    ).rejects.toThrow(/the journal namespace "kubeknock" does not exist/);
    expect(cluster.created).toHaveLength(0);
  });
});
