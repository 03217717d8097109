/** `kubeknock cleanup` in-process against a fake API server on 127.0.0.1. */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createKubeCluster } from '../../src/cluster/kube-cluster.js';
import type { PodManifest } from '../../src/probe/cluster-port.js';
import { startFakeApi, type FakeApi } from '../cluster-adapter/fake-api-server.js';
import { writeKubeconfig } from '../cluster-adapter/kubeconfig-file.js';

const cli = (args: string[]) => runCli(args);

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const probe = (namespace: string, runId: string): PodManifest => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace, generateName: 'kk-', labels: { 'app.kubernetes.io/managed-by': 'kubeknock', 'kubeknock.dev/run-id': runId } },
  spec: { containers: [{ name: 'probe', image: 'busybox' }] },
});

async function seed(): Promise<string> {
  api = await startFakeApi({ namespaces: { production: {}, staging: {} } });
  const cluster = createKubeCluster(api.loaded);
  await cluster.createPod(probe('production', 'r1'));
  await cluster.createPod(probe('staging', 'r1'));
  await cluster.createPod(probe('staging', 'r2'));
  return writeKubeconfig(api.loaded.server);
}

describe('kubeknock cleanup', () => {
  it('--dry-run lists leftovers across namespaces and deletes nothing', async () => {
    const kubeconfig = await seed();
    const { code, stdout } = await cli(['cleanup', '--kubeconfig', kubeconfig, '--dry-run']);
    expect(stdout).toMatch(/^Would delete 3 kubeknock pods \(kubeknock\.dev\/run-id\) in any namespace:/);
    expect(api?.pods.size).toBe(3);
    expect(code).toBe(0);
  });

  it('deletes one run in one namespace and waits for it to go', async () => {
    const kubeconfig = await seed();
    const { code, stdout } = await cli(['cleanup', '--kubeconfig', kubeconfig, '--run-id', 'r1', '-n', 'staging']);
    expect(stdout).toBe('Deleted 1 kubeknock pod (kubeknock.dev/run-id=r1) in namespace staging:\n  staging/kk-00002  run r1  Pending\n');
    expect([...(api?.pods.keys() ?? [])].sort()).toEqual(['production/kk-00001', 'staging/kk-00003']);
    expect(code).toBe(0);
  });
});
