/**
 * The policies every namespace gets (default deny, DNS) and the rules of a workload's policy: one per
 * peer, its ports merged and sorted, under the comment lines of the flows that justify it.
 */
import { DNS_PORT, type DnsTargets } from './dns.js';
import { DEFAULT_DENY_NAME, DNS_NAME } from './names.js';
import { compareText } from './stable-labels.js';
import type { ProposedPeer, ProposedPolicy, ProposedPort, ProposedRule } from './types.js';

/** Isolates every pod of the namespace both ways, so only the allows below (and the other policies) let traffic through. */
export function defaultDenyPolicy(namespace: string): ProposedPolicy {
  return {
    name: DEFAULT_DENY_NAME,
    namespace,
    about: [`Every pod of ${namespace} is isolated both ways: only what the policies below allow gets through.`],
    podSelector: undefined,
    policyTypes: ['Ingress', 'Egress'],
    ingress: [],
    egress: [],
  };
}

/** Every pod, not only those seen resolving: a DNS query is the first thing most clients do, and a missed one breaks everything. */
export function dnsPolicy(namespace: string, dns: DnsTargets, seen: readonly string[]): ProposedPolicy {
  const because = seen.length > 0 ? seen.map((text) => `seen: ${text}`) : ['no DNS query was seen in the window; allowed anyway: every pod that resolves a name needs it'];
  const ports: ProposedPort[] = [
    { protocol: 'UDP', port: DNS_PORT },
    { protocol: 'TCP', port: DNS_PORT },
  ];
  return {
    name: DNS_NAME,
    namespace,
    about: [`Every pod of ${namespace} may ask the cluster's DNS, on UDP and TCP 53 (answers too large for UDP retry over TCP).`, `DNS pods: ${dns.reason}.`],
    podSelector: undefined,
    policyTypes: ['Egress'],
    ingress: [],
    egress: dns.targets.map((target) => ({
      peer: { type: 'pods', namespace: target.namespace === namespace ? undefined : target.namespace, selector: target.selector, name: target.name },
      ports,
      because,
    })),
  };
}

export interface RuleBuilder {
  readonly peer: ProposedPeer;
  readonly sortKey: string;
  readonly ports: Map<string, ProposedPort>;
  readonly because: string[];
}

/** One rule per peer, keyed by it: a source gets exactly its own observed ports, never those of another source. */
export function addRule(rules: Map<string, RuleBuilder>, peer: ProposedPeer, port: ProposedPort, text: string): void {
  const sortKey = peer.type === 'pods' ? `0 ${peer.namespace === undefined ? '' : peer.namespace}/${peer.name}` : `1 ${peer.cidr}`;
  let rule = rules.get(sortKey);
  if (rule === undefined) {
    rule = { peer, sortKey, ports: new Map(), because: [] };
    rules.set(sortKey, rule);
  }
  const portKey = `${port.protocol}/${String(port.port)}`;
  rule.ports.set(portKey, port);
  rule.because.push(`seen: ${text}`);
}

export function finishRules(rules: ReadonlyMap<string, RuleBuilder>): ProposedRule[] {
  return [...rules.values()]
    .sort((a, b) => compareText(a.sortKey, b.sortKey))
    .map((rule) => ({
      peer: rule.peer,
      ports: [...rule.ports.values()].sort(comparePorts),
      because: [
        ...(rule.peer.type === 'ipBlock' ? [`REVIEW: ${rule.peer.cidr} is an address outside the cluster seen in the window; outside addresses change (cloud services, CDNs): widen or remove it knowingly`] : []),
        ...rule.because.sort(compareText),
      ],
    }));
}

function comparePorts(a: ProposedPort, b: ProposedPort): number {
  const number = (port: ProposedPort): number => (typeof port.port === 'number' ? port.port : -1);
  return compareText(a.protocol, b.protocol) || number(a) - number(b) || compareText(String(a.port), String(b.port));
}
