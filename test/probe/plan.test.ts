import { describe, expect, it } from 'vitest';
import type { PodInfo, RunningPod, ServiceInfo } from '../../src/probe/cluster-port.js';
import { planProbes, selectorKey, serviceKey, udpToken } from '../../src/probe/plan.js';
import { parseScenario } from '../../src/scenario/load.js';

const yaml = `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: plan}
spec:
  actors:
    client: {namespace: apps, labels: {app: client}}
    db: {namespace: apps, labels: {app: db}, listen: [5432]}
  targets:
    api: {service: api, namespace: apps, port: 80}
    api-ip: {service: api, namespace: apps, port: 80, via: cluster-ip}
    workers: {pods: {namespace: apps, matchLabels: {app: worker}}, port: 7000}
    one-worker: {pods: {namespace: apps, matchLabels: {app: worker}}, port: 7000, select: any}
  checks:
    - {from: client, to: [db:5432, api, api-ip, workers, one-worker, {host: 203.0.113.10, port: 80}], expect: allow}
    - {from: client, to: api, kind: http, expect: allow}
    - {from: client, url: "http://example.test:8080/x", expect: deny}
    - {from: client, dns: kubernetes.default.svc.cluster.local., expect: allow}
`;

describe('planProbes', () => {
  it('resolves every target to the address the probe uses', () => {
    const parsed = parseScenario('plan.yaml', yaml);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const pods = new Map<string, RunningPod>([
      ['client', { namespace: 'apps', name: 'kubeknock-client-a', ip: '10.244.0.5', ips: ['10.244.0.5'] }],
      ['db', { namespace: 'apps', name: 'kubeknock-db-b', ip: '10.244.0.6', ips: ['10.244.0.6'] }],
    ]);
    const workers: PodInfo[] = [
      { namespace: 'apps', name: 'worker-1', labels: { app: 'worker' }, ip: '10.244.0.21', phase: 'Running', deleting: false },
      { namespace: 'apps', name: 'worker-2', labels: { app: 'worker' }, ip: '10.244.0.22', phase: 'Running', deleting: false },
    ];
    const services = new Map<string, ServiceInfo>([[serviceKey('apps', 'api'), { namespace: 'apps', name: 'api', clusterIP: '10.96.4.4', clusterIPs: ['10.96.4.4'], ports: [{ port: 80, protocol: 'TCP' }] }]]);
    const selectedPods = new Map([[selectorKey('apps', { matchLabels: { app: 'worker' } }), workers]]);
    const plan = planProbes(parsed.scenario, pods, { services, selectedPods }, { clusterDomain: 'cluster.local' });
    expect([...plan.keys()]).toEqual(['client']);
    const rows = (plan.get('client') ?? []).map((p) => [p.id, p.toLabel, p.address, p.task.kind]);
    expect(rows).toEqual([
      ['c1', 'db:5432', '10.244.0.6:5432', 'tcp'],
      ['c2', 'api', 'api.apps.svc.cluster.local.:80', 'tcp'],
      ['c3', 'api-ip', '10.96.4.4:80', 'tcp'],
      ['c4.1', 'pod/apps/worker-1:7000', '10.244.0.21:7000', 'tcp'],
      ['c4.2', 'pod/apps/worker-2:7000', '10.244.0.22:7000', 'tcp'],
      ['c5', 'one-worker', '10.244.0.21:7000', 'tcp'],
      ['c6', '203.0.113.10:80', '203.0.113.10:80', 'tcp'],
      ['c7', 'api', 'http://api.apps.svc.cluster.local.:80/', 'http'],
      ['c8', 'http://example.test:8080/x', 'http://example.test:8080/x', 'http'],
      ['c9', 'dns:kubernetes.default.svc.cluster.local.', 'kubernetes.default.svc.cluster.local.', 'dns'],
    ]);
    const endpoints = (plan.get('client') ?? []).map((p) => (p.endpoint === undefined ? '-' : `${p.endpoint.host} ${p.endpoint.port}`));
    expect(endpoints, 'the endpoint planning chose, unbracketed; none for url and dns targets').toEqual([
      '10.244.0.6 5432', 'api.apps.svc.cluster.local. 80', '10.96.4.4 80', '10.244.0.21 7000', '10.244.0.22 7000', '10.244.0.21 7000', '203.0.113.10 80', 'api.apps.svc.cluster.local. 80', '-', '-',
    ]);
    expect(plan.get('client')?.[1]?.task).toEqual({ id: 'c2', kind: 'tcp', host: 'api.apps.svc.cluster.local.', port: 80, timeoutSeconds: 2 });
  });
});

describe('planProbes for udp checks', () => {
  const udpYaml = `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: plan-udp}
spec:
  actors:
    client: {namespace: apps, labels: {app: client}}
    other: {namespace: apps, labels: {app: other}}
    cache: {namespace: apps, labels: {app: cache}, listen: [5353, {port: 5353, protocol: UDP}]}
  checks:
    - {from: [client, other], to: cache:5353, kind: udp, expect: allow}
    - {from: client, to: cache:5353, expect: allow}
`;

  it('asks the target pod for a name unique to the probe and its source pod', () => {
    const parsed = parseScenario('plan-udp.yaml', udpYaml);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const pods = new Map<string, RunningPod>([
      ['client', { namespace: 'apps', name: 'kubeknock-client-a1b2c', ip: '10.244.0.5', ips: ['10.244.0.5'] }],
      ['other', { namespace: 'apps', name: 'kubeknock-other-d3e4f', ip: '10.244.0.7', ips: ['10.244.0.7'] }],
      ['cache', { namespace: 'apps', name: 'kubeknock-cache-g5h6i', ip: '10.244.0.6', ips: ['10.244.0.6'] }],
    ]);
    const plan = planProbes(parsed.scenario, pods, { services: new Map(), selectedPods: new Map() }, { clusterDomain: 'cluster.local' });
    const probes = [...plan.values()].flat();
    expect(probes.map((p) => [p.id, p.toLabel, p.address, p.task])).toEqual([
      ['c1', 'cache:5353/udp', '10.244.0.6:5353', { id: 'c1', kind: 'udp', host: '10.244.0.6', port: 5353, token: 'c1.kubeknock-client-a1b2c.kubeknock.', timeoutSeconds: 2 }],
      ['c3', 'cache:5353', '10.244.0.6:5353', { id: 'c3', kind: 'tcp', host: '10.244.0.6', port: 5353, timeoutSeconds: 2 }],
      ['c2', 'cache:5353/udp', '10.244.0.6:5353', { id: 'c2', kind: 'udp', host: '10.244.0.6', port: 5353, token: 'c2.kubeknock-other-d3e4f.kubeknock.', timeoutSeconds: 2 }],
    ]);
  });

  it.each([
    ['a fanned-out probe id keeps its dot as a label', 'c4.2', 'kubeknock-db-x1y2z', 'c4.2.kubeknock-db-x1y2z.kubeknock.'],
    ['upper case and odd characters become DNS-label safe', 'C7_x', 'Pod/Name', 'c7-x.pod-name.kubeknock.'],
  ])('udpToken: %s', (_name, id, pod, token) => {
    expect(udpToken(id, pod)).toBe(token);
  });
});
