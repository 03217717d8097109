/** In-memory flows documents for the flows tests: parties, flows and a document around them, with plain defaults. */
import { FLOWS_API_VERSION, FLOWS_KIND, type Flow, type FlowParty, type FlowsDocument, type FlowWitness } from '../../src/flows/types.js';
import type { IpFamily } from '../../src/model/family.js';

/** `ns/name` with its labels: a Deployment's identity unless `bare` (a bare pod's identity names no workload). */
export function workload(ref: string, labels: Record<string, string>, options: { kind?: string; bare?: boolean } = {}): FlowParty {
  const [namespace = '', name = ''] = ref.split('/');
  const key = `${namespace}/${Object.keys(labels)
    .sort()
    .map((label) => `${label}=${labels[label] ?? ''}`)
    .join(',')}`;
  return { kind: 'workload', identity: key, namespace, labels, workloads: options.bare ? [] : [`${options.kind ?? 'Deployment'} ${namespace}/${name}`] };
}

export const node = (name: string): FlowParty => ({ kind: 'node', name });
export const external = (address: string): FlowParty => ({ kind: 'external', address });

export interface FlowOptions {
  readonly protocol?: 'TCP' | 'UDP';
  readonly portName?: string;
  readonly via?: Flow['via'];
  readonly families?: readonly IpFamily[];
  readonly samples?: number;
  readonly lastSeen?: string;
  readonly seenBy?: readonly FlowWitness[];
}

export function flow(source: FlowParty, destination: FlowParty | undefined, port: number, options: FlowOptions = {}): Flow {
  return {
    source,
    destination,
    ...(options.via === undefined ? {} : { via: options.via }),
    port,
    ...(options.portName === undefined ? {} : { portName: options.portName }),
    protocol: options.protocol ?? 'TCP',
    families: options.families ?? ['ipv4'],
    firstSeen: '2026-12-07T19:47:05Z',
    lastSeen: options.lastSeen ?? '2026-12-07T19:47:55Z',
    samples: options.samples ?? 12,
    seenBy: options.seenBy ?? ['client', 'server'],
  };
}

export function flowsDocument(flows: readonly Flow[], namespaces?: readonly string[]): FlowsDocument {
  const observed = namespaces ?? [...new Set(flows.flatMap((one) => [one.source, one.destination]).flatMap((party) => (party?.kind === 'workload' ? [party.namespace] : [])))].sort();
  return {
    apiVersion: FLOWS_API_VERSION,
    kind: FLOWS_KIND,
    cluster: { server: 'https://10.250.0.1:6443' },
    namespaces: observed,
    window: { start: '2026-12-07T19:47:00Z', end: '2026-12-07T19:48:00Z', intervalSeconds: 5, ended: 'completed' },
    coverage: {
      nodes: ['kk-node1', 'kk-node2', 'kk-node3'].map((name) => ({ name, status: 'observed', samples: 12, conntrack: 'read' })),
      unseen: [],
    },
    flows,
  };
}
