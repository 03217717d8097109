/**
 * In-memory flows documents for tests: `flowsDocument(flows)` with a window and coverage that say
 * nothing surprising, `workload(ns, labels)`, `node(name)`, `external(address)` for the parties, and
 * `flow(source, destination, port, options)` with plausible sample counts and times; and the story's
 * policies: POSTGRES_LOCKDOWN (only app=backend may reach app=postgres in obsdemo) and
 * POSTGRES_BOTH_CLIENTS (backend and analytics may).
 */
import { FLOWS_API_VERSION, FLOWS_KIND, type Flow, type FlowParty, type FlowsDocument } from '../../src/flows/types.js';

export const FLOWS_SERVER = 'https://fake.invalid:6443';

export function workload(namespace: string, labels: Readonly<Record<string, string>>, workloads: readonly string[] = []): FlowParty {
  const key = Object.keys(labels)
    .sort()
    .map((label) => `${label}=${labels[label] ?? ''}`)
    .join(',');
  return { kind: 'workload', identity: `${namespace}/${key}`, namespace, labels, workloads };
}

export function node(name: string): FlowParty {
  return { kind: 'node', name };
}

export function external(address: string): FlowParty {
  return { kind: 'external', address };
}

export function flow(source: FlowParty, destination: FlowParty | undefined, port: number, options: Partial<Flow> = {}): Flow {
  return {
    source,
    destination,
    port,
    protocol: 'TCP',
    families: ['ipv4'],
    firstSeen: '2026-12-07T19:40:00Z',
    lastSeen: '2026-12-07T19:40:58Z',
    samples: 12,
    seenBy: ['client', 'server'],
    ...options,
  };
}

export function flowsDocument(flows: readonly Flow[], overrides: Partial<FlowsDocument> = {}): FlowsDocument {
  return {
    apiVersion: FLOWS_API_VERSION,
    kind: FLOWS_KIND,
    cluster: { server: FLOWS_SERVER },
    namespaces: [...new Set(flows.flatMap((f) => [f.source, f.destination]).flatMap((party) => (party?.kind === 'workload' ? [party.namespace] : [])))].sort(),
    window: { start: '2026-12-07T19:40:00Z', end: '2026-12-07T19:41:00Z', intervalSeconds: 5, ended: 'completed' },
    coverage: { nodes: [{ name: 'node-1', status: 'observed', samples: 12, conntrack: 'read' }], unseen: [] },
    flows,
    ...overrides,
  };
}

export const POSTGRES_LOCKDOWN = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: postgres-lockdown, namespace: obsdemo}
spec:
  podSelector: {matchLabels: {app: postgres}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: backend}}}], ports: [{port: 5432}]}]
`;

export const POSTGRES_BOTH_CLIENTS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: postgres-clients, namespace: obsdemo}
spec:
  podSelector: {matchLabels: {app: postgres}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: backend}}}, {podSelector: {matchLabels: {app: analytics}}}], ports: [{port: 5432}]}]
`;
