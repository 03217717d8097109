import { describe, expect, it } from 'vitest';
import { createFold } from '../../src/flows/fold.js';
import { capturedFacts, capturedText } from './captured-facts.js';
import { line } from './fold-world.js';

const COREDNS = 'kube-system/k8s-app=kube-dns,pod-template-hash=787bc68c56';
const SAMPLES = ['kk-node1.txt', 'kk-node2.txt', 'kk-node3.txt'];

function foldCaptures(order: readonly string[], namespaces?: readonly string[]) {
  const fold = createFold(capturedFacts(namespaces));
  for (const file of order) expect(fold.add(capturedText(file)).kind).toBe('added');
  return fold.finish();
}

describe('the three-node captures fold into what happened on the test cluster', () => {
  it('every flow, and nothing that did not happen', () => {
    expect(foldCaptures(SAMPLES).flows.map(line)).toEqual([
      // CoreDNS's own watch of the API through Service default/kubernetes (its conntrack reply names the API server).
      `${COREDNS} -> external 10.250.0.1 via default/kubernetes:443 6443/TCP ipv4 samples=1 client+conntrack 19:48:04`,
      // analytics resolves pg's name: kk-node3's conntrack has the kube-dns ClusterIP, kk-node2's the CoreDNS pod.
      `obsdemo/app=analytics -> ${COREDNS} via kube-system/kube-dns:53 53(dns)/UDP ipv4 samples=2 conntrack 19:48:04..19:48:05`,
      // The one nobody knew about: analytics → postgres through Service obsdemo/pg.
      'obsdemo/app=analytics -> obsdemo/app=postgres via obsdemo/pg:5432 5432(pg)/TCP ipv4 samples=2 client+conntrack 19:48:04..19:48:05',
      // backend's UDP datagrams to postgres's `nc -u -l` on 5353 (conntrack on both nodes, postgres's connected socket).
      'obsdemo/app=backend -> obsdemo/app=postgres 5353/UDP ipv4 samples=2 server+conntrack 19:48:04',
      'obsdemo/app=backend -> obsdemo/app=postgres 5432(pg)/TCP ipv4+ipv6 samples=2 client+server+conntrack 19:48:04',
      'obsdemo/app=backend -> obsdemo/app=web 8080(http)/TCP ipv4+ipv6 samples=2 client+server+conntrack 19:48:04..19:48:05',
      // The kubelet's probes of CoreDNS, from kk-node2's bridge address 10.244.1.1 (in its pod range).
      `node kk-node2 -> ${COREDNS} 8080/TCP ipv4 samples=1 server+conntrack 19:48:04`,
      `node kk-node2 -> ${COREDNS} 8181/TCP ipv4 samples=1 server+conntrack 19:48:04`,
    ]);
  });

  it('the analytics flow in full: the Service dialled before DNAT and the backend from the reply tuple', () => {
    const flow = foldCaptures(SAMPLES).flows.find((candidate) => candidate.via?.name === 'pg');
    expect(flow).toEqual({
      source: { kind: 'workload', identity: 'obsdemo/app=analytics', namespace: 'obsdemo', labels: { app: 'analytics' }, workloads: ['Pod obsdemo/analytics'] },
      destination: { kind: 'workload', identity: 'obsdemo/app=postgres', namespace: 'obsdemo', labels: { app: 'postgres' }, workloads: ['Pod obsdemo/pg'] },
      via: { namespace: 'obsdemo', name: 'pg', port: 5432 },
      port: 5432,
      portName: 'pg',
      protocol: 'TCP',
      families: ['ipv4'],
      firstSeen: '2026-12-07T19:48:04Z',
      lastSeen: '2026-12-07T19:48:05Z',
      samples: 2,
      seenBy: ['client', 'conntrack'],
    });
  });

  it('the same flows whatever order the samples arrive in', () => {
    const expected = foldCaptures(SAMPLES).flows;
    expect(foldCaptures(['kk-node3.txt', 'kk-node1.txt', 'kk-node2.txt']).flows).toEqual(expected);
    expect(foldCaptures(['kk-node2.txt', 'kk-node3.txt', 'kk-node1.txt']).flows).toEqual(expected);
  });

  it('-n obsdemo keeps the flows with an obsdemo workload on one end', () => {
    expect(foldCaptures(SAMPLES, ['obsdemo']).flows.map((flow) => line(flow).split(' samples=')[0])).toEqual([
      `obsdemo/app=analytics -> ${COREDNS} via kube-system/kube-dns:53 53(dns)/UDP ipv4`,
      'obsdemo/app=analytics -> obsdemo/app=postgres via obsdemo/pg:5432 5432(pg)/TCP ipv4',
      'obsdemo/app=backend -> obsdemo/app=postgres 5353/UDP ipv4',
      'obsdemo/app=backend -> obsdemo/app=postgres 5432(pg)/TCP ipv4+ipv6',
      'obsdemo/app=backend -> obsdemo/app=web 8080(http)/TCP ipv4+ipv6',
    ]);
  });

  it('coverage: three nodes observed with conntrack, every pod seen', () => {
    expect(foldCaptures(SAMPLES).coverage).toEqual({
      nodes: ['kk-node1', 'kk-node2', 'kk-node3'].map((name) => ({ name, status: 'observed', samples: 1, conntrack: 'read' })),
      unseen: [],
    });
  });

  it('without kk-node3 (its collector did not start), analytics is seen only from postgres\'s side, and said unseen', () => {
    const fold = createFold(capturedFacts(['obsdemo']));
    fold.add(capturedText('kk-node1.txt'));
    fold.add(capturedText('kk-node2.txt'));
    const result = fold.finish({ notObserved: [{ node: 'kk-node3', reason: 'collector pod Pending: Unschedulable' }] });
    expect(result.coverage.nodes[2]).toEqual({ name: 'kk-node3', status: 'not-observed', reason: 'collector pod Pending: Unschedulable', samples: 0, conntrack: 'unreadable' });
    expect(result.coverage.unseen).toEqual([
      'obsdemo/analytics: node kk-node3 not observed (collector pod Pending: Unschedulable)',
      'obsdemo/web: node kk-node3 not observed (collector pod Pending: Unschedulable)',
    ]);
    expect(result.flows.map((flow) => line(flow).split(' samples=')[0])).toContain('obsdemo/app=analytics -> obsdemo/app=postgres 5432(pg)/TCP ipv4');
  });
});
