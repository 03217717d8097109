/**
 * The test cluster's obsdemo scenario (captured 2026-12-07, see test/fixtures/flows/captured/): pg
 * (app=postgres, port "pg" 5432), backend and analytics querying it (analytics through Service
 * obsdemo/pg, seen in conntrack), backend calling web (app=web, port "http" 8080), and DNS through
 * Service kube-system/kube-dns to CoreDNS. As flows, and the pods and Services
 * captured at the same minute.
 */
import { readFileSync } from 'node:fs';
import { flow, flowsDocument, workload } from '../support/flows.js';
import type { Flow, FlowsDocument } from '../../src/flows/types.js';

export const pg = workload('obsdemo/pg', { app: 'postgres' }, { bare: true });
export const backend = workload('obsdemo/backend', { app: 'backend' }, { bare: true });
export const analytics = workload('obsdemo/analytics', { app: 'analytics' }, { bare: true });
export const web = workload('obsdemo/web', { app: 'web' }, { bare: true });
export const coredns = workload('kube-system/coredns', { 'k8s-app': 'kube-dns', 'pod-template-hash': '787bc68c56' }, { kind: 'ReplicaSet' });

const kubeDns = { namespace: 'kube-system', name: 'kube-dns', port: 53 };

export function obsdemoFlows(): Flow[] {
  return [
    flow(analytics, coredns, 53, { protocol: 'UDP', via: kubeDns, seenBy: ['conntrack'], samples: 6 }),
    flow(analytics, pg, 5432, { portName: 'pg', via: { namespace: 'obsdemo', name: 'pg', port: 5432 }, seenBy: ['conntrack'], samples: 12 }),
    flow(backend, coredns, 53, { protocol: 'UDP', via: kubeDns, seenBy: ['conntrack'], samples: 2 }),
    flow(backend, pg, 5432, { portName: 'pg', families: ['ipv4', 'ipv6'], samples: 12 }),
    flow(backend, web, 8080, { portName: 'http', samples: 12 }),
  ];
}

export function obsdemoDocument(): FlowsDocument {
  return flowsDocument(obsdemoFlows(), ['obsdemo']);
}

/** The pods and Services as `kubectl get -o json` showed them on the test cluster at that minute. */
export function capturedObjects(): unknown[] {
  const read = (file: string): unknown[] => (JSON.parse(readFileSync(new URL(`../fixtures/flows/captured/${file}`, import.meta.url), 'utf8')) as { items: unknown[] }).items;
  return [...read('pods.json').map((item) => ({ apiVersion: 'v1', kind: 'Pod', ...(item as object) })), ...read('services.json').map((item) => ({ apiVersion: 'v1', kind: 'Service', ...(item as object) }))];
}
