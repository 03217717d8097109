/**
 * Issue 21, `manifests cronjob` with audit metrics: a Pushgateway URL (flags of the audit's run), or a
 * node_exporter textfile (a hostPath volume of its directory, which Pod Security restricted forbids, so
 * the printed namespace says so).
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { cronJobOptions } from '../support/cronjob-options.js';
import { cronJobManifests, type CronJobManifestOptions } from '../../src/app/manifests.js';
import type { AuditMetricsSink } from '../../src/deploy/cronjob.js';

const options = (metrics: AuditMetricsSink, overrides: Partial<CronJobManifestOptions> = {}): CronJobManifestOptions =>
  cronJobOptions(['scenarios/postgres-lockdown.yaml'], { metrics, ...overrides });

interface PodSpec {
  nodeSelector?: Record<string, string>;
  containers: { args: string[]; volumeMounts: { name: string; mountPath: string }[] }[];
  volumes: { name: string; hostPath?: { path: string; type: string } }[];
}
interface Obj {
  kind: string;
  metadata: { labels?: Record<string, string> };
  spec?: { jobTemplate: { spec: { template: { spec: PodSpec } } } };
}

async function objects(metrics: AuditMetricsSink, overrides: Partial<CronJobManifestOptions> = {}): Promise<{ text: string; namespace?: Obj; pod: PodSpec }> {
  const text = await cronJobManifests(options(metrics, overrides));
  const all = parseAllDocuments(text);
  if (!Array.isArray(all)) throw new Error('expected a stream');
  const parsed = all.map((d) => d.toJS() as Obj);
  const pod = parsed.find((o) => o.kind === 'CronJob')?.spec?.jobTemplate.spec.template.spec;
  if (!pod) throw new Error('no CronJob');
  const namespace = parsed.find((o) => o.kind === 'Namespace');
  return { text, ...(namespace ? { namespace } : {}), pod };
}

describe('manifests cronjob: audit metrics', () => {
  it('--pushgateway: the audit pushes with its grouping labels, and the pod stays restricted', async () => {
    const { namespace, pod } = await objects({ type: 'pushgateway', url: 'http://pushgateway.monitoring:9091', group: ['cluster=prod', 'job=netpol-audit'] });
    expect(pod.containers[0]?.args).toEqual(expect.arrayContaining(['--pushgateway=http://pushgateway.monitoring:9091', '--metrics-group=cluster=prod', '--metrics-group=job=netpol-audit']));
    expect(pod.volumes.some((v) => v.hostPath)).toBe(false);
    expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('--metrics-textfile: a hostPath of the directory, the file written inside it, the namespace privileged with warn/audit restricted', async () => {
    const { text, namespace, pod } = await objects({ type: 'textfile', path: '/var/lib/node_exporter/textfile/kubeknock.prom', node: 'kk-node1' });
    expect(pod.volumes.find((v) => v.name === 'textfile')).toEqual({ name: 'textfile', hostPath: { path: '/var/lib/node_exporter/textfile', type: 'Directory' } });
    expect(pod.containers[0]?.volumeMounts).toContainEqual({ name: 'textfile', mountPath: '/var/lib/kubeknock/textfile' });
    expect(pod.containers[0]?.args).toContain('--metrics-file=/var/lib/kubeknock/textfile/kubeknock.prom');
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'kk-node1' });
    expect(namespace?.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    expect(text).toContain('hostPath breaks Pod Security baseline and restricted');
  });

  it('--metrics-textfile with --no-create-namespace: the header says the namespace must allow hostPath', async () => {
    const { text, namespace } = await objects({ type: 'textfile', path: '/srv/textfile/kubeknock.prom' }, { createNamespace: false });
    expect(namespace).toBeUndefined();
    expect(text).toContain('(--no-create-namespace: kubeknock must allow it)');
  });

  it.each([
    [{ type: 'textfile', path: 'textfile/kubeknock.prom' }, '--metrics-textfile "textfile/kubeknock.prom": give the absolute path of the file on the node'],
    [{ type: 'textfile', path: '/var/lib/../etc/kubeknock.prom' }, 'without ".."'],
    [{ type: 'textfile', path: '/var/lib/textfile/kubeknock.txt' }, 'reads only files named *.prom'],
    [{ type: 'textfile', path: '/kubeknock.prom' }, 'reads only files named *.prom in its directory (not the root)'],
    [{ type: 'textfile', path: '/t/k.prom', node: 'Not_A_Node' }, '--metrics-node'],
    [{ type: 'pushgateway', url: 'pushgateway:9091', group: [] }, 'give the scheme too: http://pushgateway:9091'],
    [{ type: 'pushgateway', url: 'http://pgw:9091', group: ['to=x'] }, '"to" is a label of kubeknock\'s own series'],
  ] satisfies [AuditMetricsSink, string][])('refuses %j', async (metrics, message) => {
    await expect(cronJobManifests(options(metrics))).rejects.toThrow(message);
  });
});
