/**
 * The policy engine's view of a discovery: one pod per identity (named after its actor, with the
 * identity's labels and declared ports), the input's namespaces and policies, and a stand-in for the
 * cluster DNS when the input holds none, so a source's DNS egress can be judged too.
 */
import { compileInventory, type CompiledInventory, type EngineOptions, type Inventory, type PodSpec } from '../policy/index.js';
import type { Identity } from './types.js';

/** Where pods resolve names: CoreDNS answers as `kube-system` pods labelled `k8s-app=kube-dns` in every mainstream distribution. */
export const DNS_NAMESPACE = 'kube-system';
export const DNS_LABELS = { 'k8s-app': 'kube-dns' } as const;
export const DNS_STAND_IN = 'cluster-dns';

export interface DiscoveryEngine {
  readonly compiled: CompiledInventory;
  /** Compiled pod index of identity i is i; the DNS pods follow. */
  readonly dnsPods: readonly number[];
}

export function buildEngine(inventory: Inventory, identities: readonly Identity[], names: readonly string[], options: EngineOptions): DiscoveryEngine {
  const pods: PodSpec[] = identities.map((identity, index) => ({
    namespace: identity.namespace,
    name: names[index] ?? identity.key,
    labels: identity.labels,
    hostNetwork: false,
    containerPorts: identity.doors.map((door) => ({ port: door.port, protocol: door.protocol, ...(door.name === undefined ? {} : { name: door.name }) })),
    kind: identity.workloads[0]?.kind ?? 'Pod',
  }));
  const realDns = inventory.pods.filter((pod) => pod.namespace === DNS_NAMESPACE && pod.labels['k8s-app'] === DNS_LABELS['k8s-app'] && !pod.hostNetwork);
  const dns: PodSpec[] =
    realDns.length > 0
      ? realDns.map((pod) => ({ ...pod, name: `${DNS_STAND_IN}-${pod.name}` }))
      : [{ namespace: DNS_NAMESPACE, name: DNS_STAND_IN, labels: DNS_LABELS, hostNetwork: false, containerPorts: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }], kind: 'Pod' }];
  const compiled = compileInventory({ namespaces: inventory.namespaces, pods: [...pods, ...dns], services: [], policies: inventory.policies }, options);
  return { compiled, dnsPods: dns.map((_, index) => pods.length + index) };
}
