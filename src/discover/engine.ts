/**
 * The policy engine's view of a discovery: one pod per identity (named after its actor, with the
 * identity's labels and declared ports), the input's namespaces and policies, and a stand-in for the
 * cluster DNS when the input holds none, so a source's DNS egress can be judged too.
 */
import { compileInventory, DNS_STAND_IN, dnsStandIn, isClusterDns, type CompiledInventory, type EngineOptions, type Inventory, type PodSpec } from '../policy/index.js';
import type { Identity } from './types.js';

export { DNS_LABELS, DNS_NAMESPACE, DNS_STAND_IN } from '../policy/index.js';

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
  const realDns = inventory.pods.filter(isClusterDns);
  const dns: PodSpec[] = realDns.length > 0 ? realDns.map((pod) => ({ ...pod, name: `${DNS_STAND_IN}-${pod.name}` })) : [dnsStandIn()];
  const compiled = compileInventory({ namespaces: inventory.namespaces, pods: [...pods, ...dns], services: [], policies: inventory.policies, ...(inventory.clusterPolicies ? { clusterPolicies: inventory.clusterPolicies } : {}) }, options);
  return { compiled, dnsPods: dns.map((_, index) => pods.length + index) };
}
