import { describe, expect, it } from 'vitest';
import { runCleanup, type CleanupPort } from '../../src/app/cleanup.js';
import { renderCleanup } from '../../src/report/cleanup.js';
import { InfraError, InputError } from '../../src/model/errors.js';
import type { PodInfo, PodRef } from '../../src/probe/cluster-port.js';

const managed = { 'app.kubernetes.io/managed-by': 'kubeknock' };
const pods: PodInfo[] = [
  { namespace: 'production', name: 'kk-backend-x1', labels: { ...managed, 'kubeknock.dev/run-id': 'r1', app: 'backend' }, phase: 'Running', deleting: false },
  { namespace: 'staging', name: 'kk-frontend-y2', labels: { ...managed, 'kubeknock.dev/run-id': 'r2' }, phase: 'Running', deleting: true },
];

function fake(options: { failDelete?: string } = {}): CleanupPort & { readonly listed: [string, string | undefined][]; readonly deleted: PodRef[][] } {
  const listed: [string, string | undefined][] = [];
  const deleted: PodRef[][] = [];
  return {
    server: 'https://127.0.0.1:6443',
    listed,
    deleted,
    async listPods(selector, namespace) {
      listed.push([selector, namespace]);
      return pods.filter(
        (pod) =>
          (namespace === undefined || pod.namespace === namespace) &&
          selector.split(',').every((term) => {
            const [key = '', value] = term.split('=');
            return value === undefined ? pod.labels[key] !== undefined : pod.labels[key] === value;
          }),
      );
    },
    async deletePods(refs) {
      deleted.push([...refs]);
      if (options.failDelete) throw new InfraError(options.failDelete);
    },
  };
}

describe('runCleanup', () => {
  it('sweeps every managed pod in every namespace and waits for the deletion', async () => {
    const port = fake();
    const result = await runCleanup(port, { dryRun: false });
    expect(port.listed).toEqual([['kubeknock.dev/run-id', undefined]]);
    expect(port.deleted).toEqual([[{ namespace: 'production', name: 'kk-backend-x1' }, { namespace: 'staging', name: 'kk-frontend-y2' }]]);
    expect(result.deleted).toBe(true);
    expect(renderCleanup(result)).toBe(
      [
        'Deleted 2 kubeknock pods (kubeknock.dev/run-id) in any namespace:',
        '  production/kk-backend-x1  run r1  Running',
        '  staging/kk-frontend-y2  run r2  Running  (already terminating)',
        '',
      ].join('\n'),
    );
  });

  it('narrows to one run and one namespace', async () => {
    const port = fake();
    const result = await runCleanup(port, { runId: 'r1', namespace: 'production', dryRun: false });
    expect(port.listed).toEqual([['kubeknock.dev/run-id=r1', 'production']]);
    expect(result.pods.map((p) => p.name)).toEqual(['kk-backend-x1']);
  });

  it('a dry run lists and deletes nothing', async () => {
    const port = fake();
    const result = await runCleanup(port, { dryRun: true });
    expect(port.deleted).toEqual([]);
    expect(renderCleanup(result)).toMatch(/^Would delete 2 kubeknock pods/);
  });

  it('nothing to do', async () => {
    const port = fake();
    const result = await runCleanup(port, { runId: 'nope', dryRun: false });
    expect(port.deleted).toEqual([]);
    expect(renderCleanup(result)).toBe('No kubeknock pods (kubeknock.dev/run-id=nope) in any namespace.\n');
  });

  it('a failed deletion is reported with the list, as a value', async () => {
    const port = fake({ failDelete: 'deleting probe pods: still present after 60s: staging/kk-frontend-y2' });
    const result = await runCleanup(port, { dryRun: false });
    expect(result).toMatchObject({ deleted: false, failure: 'deleting probe pods: still present after 60s: staging/kk-frontend-y2' });
    expect(renderCleanup(result)).toContain('✗ deleting probe pods: still present after 60s: staging/kk-frontend-y2\n');
  });

  it('rejects a run id that is not a label value before touching the cluster', async () => {
    const port = fake();
    await expect(runCleanup(port, { runId: 'a,b=c', dryRun: false })).rejects.toBeInstanceOf(InputError);
    expect(port.listed).toEqual([]);
  });
});
