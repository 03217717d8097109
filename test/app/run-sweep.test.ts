/**
 * Every run first removes the probe pods earlier runs left behind in its namespaces (a SIGKILLed CLI
 * leaves them Failed at their deadline), says so, and leaves pods of runs that may be under way alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/app/run.js';
import type { PodInfo } from '../../src/probe/cluster-port.js';
import { systemClock } from '../../src/probe/clock.js';
import { FakeCluster } from '../support/fake-cluster.js';
import { clientDbScenario, scenarioFile } from '../support/run-use-case.js';


const ago = (seconds: number): string => new Date(Date.now() - seconds * 1000).toISOString();
const probePod = (namespace: string, name: string, runId: string, over: Partial<PodInfo>): PodInfo => ({
  namespace,
  name,
  labels: { app: 'db', 'app.kubernetes.io/managed-by': 'kubeknock', 'kubeknock.dev/run-id': runId },
  deadlineSeconds: 900,
  deleting: false,
  ...over,
});

describe('run sweeps leftover probe pods first', () => {
  let fake: FakeCluster | undefined;
  afterEach(() => fake?.dispose());

  it('deletes finished and expired probe pods of its namespaces, says so, and keeps live ones and other namespaces', async () => {
    const file = scenarioFile(clientDbScenario('sweep', 'apps', 'allow'));
    fake = new FakeCluster({
      namespaces: ['apps', 'other'],
      existingPods: [
        probePod('apps', 'kubeknock-db-dead1', 'killed1', { phase: 'Failed', reason: 'DeadlineExceeded', createdAt: ago(1000), startedAt: ago(999) }),
        probePod('apps', 'kubeknock-db-late1', 'killed2', { phase: 'Running', createdAt: ago(1000), startedAt: ago(999) }),
        probePod('apps', 'kubeknock-db-busy1', 'busy', { phase: 'Running', ip: '10.244.0.7', createdAt: ago(20), startedAt: ago(19) }),
        probePod('other', 'kubeknock-db-dead2', 'killed3', { phase: 'Failed', reason: 'DeadlineExceeded', createdAt: ago(1000), startedAt: ago(999) }),
        { namespace: 'apps', name: 'workload', labels: { app: 'db' }, phase: 'Failed', deleting: false },
      ],
    });
    const steps: string[] = [];
    const progress = { step: (t: string) => steps.push(t), update: () => undefined, failed: () => undefined, finish: () => undefined };
    const cluster = fake;
    const { exitCode } = await runCommand(
      { files: [file], overrides: {}, output: 'json', reportFormat: 'json', keep: false, clusterDomain: 'cluster.local', color: false },
      { connect: () => cluster, progress, clock: systemClock, write: () => undefined, toolVersion: '0.0.0-test' },
    );
    expect(exitCode).toBe(0);
    expect(cluster.deleted.filter((k) => !k.includes('kubeknock-client-') && !/kubeknock-db-x/.test(k)).sort()).toEqual(['apps/kubeknock-db-dead1', 'apps/kubeknock-db-late1']);
    expect([...cluster.existing.keys()].sort(), 'the live probe pod, the other namespace and the workload stay').toEqual([
      'apps/kubeknock-db-busy1',
      'apps/workload',
      'other/kubeknock-db-dead2',
    ]);
    const said = steps.join('\n');
    expect(said).toMatch(/removed 2 probe pod\(s\) that earlier runs left behind: apps\/kubeknock-db-dead1 \(run killed1, Failed\/DeadlineExceeded, 16m old\); apps\/kubeknock-db-late1 \(run killed2, Running, past its deadline, 16m old\)/);
    expect(said).toMatch(/left alone 1 probe pod\(s\) of other run\(s\) still within their deadline \(run busy\)/);
  });
});
