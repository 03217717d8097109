/**
 * Flows documents for tests, from the facts of the real capture on the three-node test cluster
 * (namespace obsdemo): backend → pg:5432 on both families, analytics → pg:5432 through Service pg
 * (seen only in conntrack), backend → web:8080, analytics → DNS through Service kube-dns.
 */
import type { Flow, FlowParty, FlowsDocument } from '../../src/flows/types.js';

export function workload(namespace: string, app: string, key = 'app'): FlowParty {
  return { kind: 'workload', identity: `${namespace}/${key}=${app}`, namespace, labels: { [key]: app }, workloads: [] };
}

export function flow(source: FlowParty, destination: FlowParty | undefined, port: number, more: Partial<Flow> = {}): Flow {
  return {
    source,
    destination,
    port,
    protocol: 'TCP',
    families: ['ipv4'],
    firstSeen: '2026-12-07T19:41:05Z',
    lastSeen: '2026-12-07T19:41:55Z',
    samples: 11,
    seenBy: ['client', 'server'],
    ...more,
  };
}

export const BACKEND = workload('obsdemo', 'backend');
export const ANALYTICS = workload('obsdemo', 'analytics');
export const POSTGRES = workload('obsdemo', 'postgres');
export const WEB = workload('obsdemo', 'web');
export const DNS = workload('kube-system', 'kube-dns', 'k8s-app');

export function obsdemoFlows(more: Partial<FlowsDocument> = {}): FlowsDocument {
  return {
    apiVersion: 'kubeknock.dev/v1alpha1',
    kind: 'Flows',
    cluster: { server: 'https://10.250.0.1:6443' },
    namespaces: ['obsdemo'],
    window: { start: '2026-12-07T19:41:00Z', end: '2026-12-07T19:42:00Z', intervalSeconds: 5, ended: 'completed' },
    coverage: {
      nodes: [
        { name: 'kk-node1', status: 'observed', samples: 12, conntrack: 'read' },
        { name: 'kk-node2', status: 'observed', samples: 12, conntrack: 'read' },
        { name: 'kk-node3', status: 'observed', samples: 12, conntrack: 'read' },
      ],
      unseen: [],
    },
    flows: [
      flow(BACKEND, WEB, 8080, { portName: 'http', samples: 12, firstSeen: '2026-12-07T19:41:00Z' }),
      flow(ANALYTICS, POSTGRES, 5432, { via: { namespace: 'obsdemo', name: 'pg', port: 5432 }, portName: 'pg', samples: 9, seenBy: ['conntrack'], lastSeen: '2026-12-07T19:41:50Z' }),
      flow(BACKEND, POSTGRES, 5432, { portName: 'pg', families: ['ipv6', 'ipv4'], samples: 12, firstSeen: '2026-12-07T19:41:00Z' }),
      flow(ANALYTICS, DNS, 53, { via: { namespace: 'kube-system', name: 'kube-dns', port: 53 }, portName: 'dns', protocol: 'UDP', samples: 9, seenBy: ['conntrack'] }),
    ],
    ...more,
  };
}
