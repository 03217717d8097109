/**
 * Where the selected namespaces resolve names. Egress isolation cuts DNS unless UDP AND TCP 53 to the
 * DNS pods are allowed (large answers and some resolvers switch to TCP), so every proposal allows both.
 * The DNS pods are, in this order: those the flows show answering on port 53 in kube-system (or
 * labelled k8s-app=kube-dns); else CoreDNS's usual `kube-system` pods labelled `k8s-app=kube-dns`,
 * confirmed by the manifests or cluster when they hold such pods, assumed (and said so) otherwise.
 */
import { DNS_LABELS, DNS_NAMESPACE } from '../../policy/cluster-dns.js';
import type { Flow } from '../types.js';
import type { ProposeFacts } from './facts.js';
import type { IdentityUniverse } from './universe.js';
import type { ProposedSelector } from './types.js';

export const DNS_PORT = 53;

export interface DnsTarget {
  readonly namespace: string;
  readonly selector: ProposedSelector;
  readonly name: string;
}

export interface DnsTargets {
  readonly targets: readonly DnsTarget[];
  /** Stable keys of the DNS pods (seen in the flows, or CoreDNS's in the facts): port-53 flows to them are DNS. */
  readonly keys: ReadonlySet<string>;
  /** Where the targets come from, in words. */
  readonly reason: string;
}

export function dnsTargets(flows: readonly Flow[], universe: IdentityUniverse, facts: ProposeFacts | undefined): DnsTargets {
  // CoreDNS as the manifests or the cluster show it: a flow resolved to it through Service kube-dns is DNS too.
  const keys = new Set<string>(universe.keysWhere((namespace, labels) => namespace === DNS_NAMESPACE && labels['k8s-app'] === DNS_LABELS['k8s-app']));
  const seenKeys = new Set<string>();
  for (const flow of flows) {
    const destination = flow.destination;
    if (flow.port !== DNS_PORT || destination?.kind !== 'workload') continue;
    if (destination.namespace === DNS_NAMESPACE || destination.labels['k8s-app'] === DNS_LABELS['k8s-app']) seenKeys.add(universe.party(destination));
  }
  for (const key of seenKeys) keys.add(key);
  const seen = [...seenKeys].sort().flatMap((key) => {
    const choice = universe.selector(key);
    return choice.selector === undefined ? [] : [{ namespace: choice.namespace, selector: choice.selector, name: `${choice.namespace}/${choice.name}` }];
  });
  if (seen.length > 0) return { targets: seen, keys, reason: `those the flows show answering on port 53: ${seen.map((target) => target.name).join(', ')}` };
  const usual = { namespace: DNS_NAMESPACE, selector: { matchLabels: DNS_LABELS, doesNotExist: [] }, name: `${DNS_NAMESPACE}/k8s-app=kube-dns` };
  const reason =
    facts !== undefined && facts.dnsPods > 0
      ? `the ${facts.dnsPods} pod${facts.dnsPods === 1 ? '' : 's'} in ${DNS_NAMESPACE} labelled k8s-app=kube-dns in ${facts.from}`
      : `CoreDNS's usual ones (${DNS_NAMESPACE}, k8s-app=kube-dns), ASSUMED: neither the flows nor ${facts === undefined ? 'any manifests (-f) or the cluster' : facts.from} show the DNS pods; check their labels`;
  return { targets: [usual], keys, reason };
}

/** A flow the DNS policy covers: port 53 to a DNS pod, or to a kube-system Service whose backend was not seen. */
export function isDnsFlow(flow: Flow, destinationKey: string | undefined, dns: DnsTargets): boolean {
  if (flow.port !== DNS_PORT && flow.via?.port !== DNS_PORT) return false;
  if (destinationKey !== undefined) return dns.keys.has(destinationKey);
  return flow.destination === undefined && flow.via?.namespace === DNS_NAMESPACE;
}
