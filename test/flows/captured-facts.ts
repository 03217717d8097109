/**
 * The fold's facts from the real captures of the three-node dual-stack test cluster
 * (test/fixtures/flows/captured: `kubectl get -o json` of pods, Services and nodes at the minute the
 * samples were taken), read the way the observe command reads a cluster: discover's identities from
 * the decoded pods and Services, the rest from the objects' fields.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findWorkloads } from '../../src/discover/find-workloads.js';
import type { FoldFacts, NodeFact, PodFact, ServiceFact } from '../../src/flows/fold.js';
import { decodeObjects } from '../../src/policy/index.js';

const DIR = fileURLToPath(new URL('../fixtures/flows/captured/', import.meta.url));

export function capturedText(file: string): string {
  return readFileSync(`${DIR}${file}`, 'utf8');
}

interface Item {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly uid: string; readonly labels?: Record<string, string> };
  readonly spec: Record<string, unknown>;
  readonly status?: Record<string, unknown>;
}

function items(file: string): Item[] {
  return (JSON.parse(capturedText(file)) as { items: Item[] }).items;
}

export function capturedFacts(namespaces?: readonly string[]): FoldFacts {
  const pods = items('pods.json');
  const services = items('services.json');
  const decoded = decodeObjects([...pods, ...services].map((value) => ({ value, file: 'captured', locate: () => ({ line: 1 }) })));
  const identities = findWorkloads(decoded.inventory, { namespaces: [], excludeNamespaces: [] }).identities;
  return {
    pods: pods.map((pod): PodFact => {
      const spec = pod.spec as { nodeName?: string; hostNetwork?: boolean; containers: Array<{ ports?: Array<{ containerPort: number; protocol?: string; name?: string }> }> };
      return {
        uid: pod.metadata.uid,
        namespace: pod.metadata.namespace ?? 'default',
        name: pod.metadata.name,
        node: spec.nodeName,
        labels: pod.metadata.labels ?? {},
        podIPs: ((pod.status?.podIPs as Array<{ ip: string }> | undefined) ?? []).map((entry) => entry.ip),
        hostNetwork: spec.hostNetwork === true,
        ports: spec.containers.flatMap((container) => (container.ports ?? []).map((port) => ({ port: port.containerPort, protocol: port.protocol ?? 'TCP', ...(port.name === undefined ? {} : { name: port.name }) }))),
      };
    }),
    services: services.map((service): ServiceFact => {
      const spec = service.spec as { clusterIPs?: string[]; ports?: Array<{ port: number; protocol?: string; targetPort?: number | string }> };
      return {
        namespace: service.metadata.namespace ?? 'default',
        name: service.metadata.name,
        clusterIPs: spec.clusterIPs ?? [],
        ports: (spec.ports ?? []).map((port) => ({ port: port.port, protocol: port.protocol ?? 'TCP', targetPort: port.targetPort ?? port.port })),
      };
    }),
    nodes: items('nodes.json').map((node): NodeFact => {
      const status = node.status as { addresses: Array<{ type: string; address: string }> };
      return {
        name: node.metadata.name,
        addresses: status.addresses.filter((entry) => entry.type === 'InternalIP' || entry.type === 'ExternalIP').map((entry) => entry.address),
        podCIDRs: (node.spec.podCIDRs as string[] | undefined) ?? [],
      };
    }),
    identities,
    ...(namespaces === undefined ? {} : { namespaces }),
  };
}
