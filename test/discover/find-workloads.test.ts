/** Decoded manifests → identities: which workloads count, which are skipped and why, and the selection flags. */
import { describe, expect, it } from 'vitest';
import { findWorkloads, parseLabelSelector, type Selection } from '../../src/discover/index.js';
import { inventoryOf } from '../policy/builders.js';

const ALL: Selection = { namespaces: [], excludeNamespaces: [] };

const template = (labels: Record<string, string>, spec: Record<string, unknown> = {}) => ({ metadata: { labels }, spec: { containers: [{ name: 'c', ports: [] }], ...spec } });
const workload = (kind: string, ref: string, labels: Record<string, string>, extra: Record<string, unknown> = {}) => {
  const [namespace, name] = ref.split('/');
  const apiVersion = kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
  const spec = kind === 'CronJob' ? { schedule: '* * * * *', jobTemplate: { spec: { template: template(labels, extra) } } } : { template: template(labels, extra) };
  return { apiVersion, kind, metadata: { namespace, name }, spec };
};
const pod = (ref: string, labels: Record<string, string>, metadata: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) => {
  const [namespace, name] = ref.split('/');
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels, ...metadata }, spec: { containers: [{ name: 'c', ports: [] }], ...spec } };
};
const owner = (kind: string, name: string) => ({ ownerReferences: [{ apiVersion: 'apps/v1', kind, name, uid: 'u', controller: true }] });

describe('findWorkloads', () => {
  it('finds every kind, keyed by namespace and pod labels, and skips what policies cannot tell apart', () => {
    const inventory = inventoryOf([
      workload('Deployment', 'shop/web', { app: 'web' }),
      workload('StatefulSet', 'shop/db', { app: 'db' }),
      workload('DaemonSet', 'shop/agent', { app: 'agent' }),
      workload('ReplicaSet', 'shop/legacy', { app: 'legacy' }),
      workload('Job', 'shop/migrate', { app: 'migrate' }),
      workload('CronJob', 'shop/report', { app: 'report' }),
      pod('shop/debug', { run: 'debug' }),
      { ...workload('ReplicaSet', 'shop/web-5d8f', { app: 'web' }), metadata: { namespace: 'shop', name: 'web-5d8f', ...owner('Deployment', 'web') } },
      pod('shop/web-5d8f-x', { app: 'web' }, owner('ReplicaSet', 'web-5d8f')),
      // Its owner is not in the input (a live listing of Pods alone): it stands for itself.
      pod('shop/orphan-x', { app: 'orphan', 'pod-template-hash': '7f9c' }, owner('ReplicaSet', 'orphan-7f9c')),
      workload('DaemonSet', 'shop/node-exporter', { app: 'node-exporter' }, { hostNetwork: true }),
      pod('shop/bare', {}),
      pod('shop/kubeknock-probe', { app: 'web', 'app.kubernetes.io/managed-by': 'kubeknock' }),
    ]);
    const found = findWorkloads(inventory, ALL);
    expect(found.identities.map((identity) => `${identity.key} ← ${identity.workloads.map((w) => w.kind).join('+')}`)).toEqual([
      'shop/app=agent ← DaemonSet',
      'shop/app=db ← StatefulSet',
      'shop/app=legacy ← ReplicaSet',
      'shop/app=migrate ← Job',
      'shop/app=orphan,pod-template-hash=7f9c ← Pod',
      'shop/app=report ← CronJob',
      'shop/app=web ← Deployment',
      'shop/run=debug ← Pod',
    ]);
    expect(found.skipped.map((s) => `${s.workload.kind} ${s.workload.name}: ${s.reason}`)).toEqual([
      'DaemonSet node-exporter: host-network',
      'Pod bare: no-labels',
      'Pod kubeknock-probe: kubeknock-probe',
      'Pod web-5d8f-x: owned',
      'ReplicaSet web-5d8f: owned',
    ]);
    expect(found.skipped.find((s) => s.reason === 'owned' && s.workload.kind === 'Pod')?.note).toBe('owned by ReplicaSet shop/web-5d8f, which stands for it');
  });

  it('merges workloads with one label set into one identity with every declared port, each name once', () => {
    const ports = (list: unknown[]) => ({ containers: [{ name: 'c', ports: list }] });
    const inventory = inventoryOf([
      { ...workload('Deployment', 'ns/a', { app: 'x' }), spec: { template: { metadata: { labels: { app: 'x' } }, spec: ports([{ containerPort: 8080, name: 'http' }, { containerPort: 53, protocol: 'UDP', name: 'dns' }]) } } },
      pod('ns/b', { app: 'x' }, {}, ports([{ containerPort: 9090, name: 'http' }, { containerPort: 8080 }])),
    ]);
    const [identity] = findWorkloads(inventory, ALL).identities;
    expect(identity?.workloads.map((w) => `${w.kind} ${w.name}`)).toEqual(['Deployment a', 'Pod b']);
    expect(identity?.doors, '9090 loses the name "http", which 8080 already has').toEqual([
      { port: 53, protocol: 'UDP', name: 'dns' },
      { port: 8080, protocol: 'TCP', name: 'http' },
      { port: 9090, protocol: 'TCP' },
    ]);
  });

  it('-n, --exclude-namespace and -l narrow the search; Services find their backends among what is left', () => {
    const inventory = inventoryOf([
      workload('Deployment', 'a/web', { app: 'web', tier: 'front' }),
      workload('Deployment', 'a/api', { app: 'api', tier: 'back' }),
      workload('Deployment', 'b/web', { app: 'web', tier: 'front' }),
      workload('Deployment', 'c/web', { app: 'web' }),
      { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'a', name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'c', name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
    ]);
    const keys = (selection: Selection) => findWorkloads(inventory, selection).identities.map((identity) => identity.key);
    expect(keys({ namespaces: ['a', 'b'], excludeNamespaces: [] })).toEqual(['a/app=api,tier=back', 'a/app=web,tier=front', 'b/app=web,tier=front']);
    expect(keys({ namespaces: [], excludeNamespaces: ['a', 'c'] })).toEqual(['b/app=web,tier=front']);
    const parsed = parseLabelSelector('tier in (front),app!=api');
    if (!('selector' in parsed)) throw new Error(parsed.error);
    const selected = findWorkloads(inventory, { namespaces: [], excludeNamespaces: ['b'], selector: parsed.selector });
    expect(selected.identities.map((identity) => identity.key)).toEqual(['a/app=web,tier=front']);
    expect(selected.services.map((s) => `${s.namespace}/${s.name} → ${s.backends.join(' ')}`), 'c/web has no selected backend').toEqual(['a/web → a/app=web,tier=front', 'c/web → ']);
    expect(selected.searched).toBe('every namespace of the input (a, b, c), except b, workloads with labels tier in (front),app notin (api)');
  });
});

describe('namespaces left out for probe pods', () => {
  const inventory = inventoryOf([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'leaving', deletionTimestamp: '2026-12-01T00:00:00Z' }, status: { phase: 'Terminating' } },
    workload('Deployment', 'leaving/old', { app: 'old' }),
    workload('Deployment', 'kube-system/coredns', { 'k8s-app': 'kube-dns' }),
    workload('Deployment', 'shop/web', { app: 'web' }),
  ]);
  const found = (selection: Selection) => {
    const discovery = findWorkloads(inventory, selection);
    return { keys: discovery.identities.map((identity) => identity.key), leftOut: discovery.leftOut.map((left) => `${left.namespace}: ${left.reason}`) };
  };

  it('leaves out a namespace being deleted, and kube-system unless named', () => {
    expect(found({ ...ALL, forProbePods: true })).toEqual({ keys: ['shop/app=web'], leftOut: ['kube-system: system', 'leaving: terminating'] });
    expect(found({ namespaces: ['kube-system', 'leaving'], excludeNamespaces: [], forProbePods: true })).toEqual({ keys: ['kube-system/k8s-app=kube-dns'], leftOut: ['leaving: terminating'] });
  });

  it('keeps every namespace when no probe pod will stand in (a prediction)', () => {
    expect(found(ALL)).toEqual({ keys: ['kube-system/k8s-app=kube-dns', 'leaving/app=old', 'shop/app=web'], leftOut: [] });
  });
});

describe('parseLabelSelector', () => {
  const cases: readonly [string, unknown][] = [
    ['app=web', { matchLabels: { app: 'web' } }],
    ['app==web,tier!=db', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }],
    ['env in (prod, staging),!legacy,app.kubernetes.io/name', { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }, { key: 'legacy', operator: 'DoesNotExist' }, { key: 'app.kubernetes.io/name', operator: 'Exists' }] }],
    ['tier notin (a,b)', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a', 'b'] }] }],
  ];
  it.each(cases)('%s', (text, selector) => {
    expect(parseLabelSelector(text)).toEqual({ selector });
  });
  it.each(['app=web,', '=web', 'app in ()', 'app in (a b)', 'a b'])('refuses %s, naming the term', (text) => {
    const parsed = parseLabelSelector(text);
    expect('error' in parsed ? parsed.error : 'parsed', `"${text}" should not parse`).toMatch(/term|values|selector/);
  });
  it('accepts an empty value, as kubectl does (app= selects app with the empty value)', () => {
    expect(parseLabelSelector('app=')).toEqual({ selector: { matchLabels: { app: '' } } });
  });
});
