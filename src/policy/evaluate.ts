/**
 * Judging one connection. Kubernetes rule: traffic passes when the source's egress AND the
 * destination's ingress allow it. A direction of a pod is isolated only when some policy selecting the
 * pod lists that direction in policyTypes; then the union of those policies' rules applies, and any
 * one rule whose peer AND port match admits the traffic.
 */
import { parseIp, type IpVersion, type ParsedIp } from './cidr.js';
import type { CompiledInventory, CompiledPod, CompiledPolicy, CompiledRule, Direction } from './compiled.js';
import type { DirectionVerdict, Explanation, PolicyRef, RuleMatch, RuleMiss } from './explanation.js';
import { describePeer } from './peer-text.js';
import { describePortEntry, matchingPortEntry } from './port-matcher.js';
import type { Protocol } from './types.js';

export type Endpoint =
  /** `ip`: the pod's address it was named by, when it was: its family is the connection's. */
  | { readonly type: 'pod'; readonly pod: CompiledPod; readonly ip?: ParsedIp }
  | { readonly type: 'address'; readonly ip: ParsedIp; readonly text: string };

export interface ConnectionQuery {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol: Protocol;
  /**
   * The connection's address family: which of a dual-stack pod's addresses an ipBlock sees. Absent:
   * the family of an endpoint named by its address, else each pod's primary address (one family on a single-stack
   * cluster, and the primary one of both ends on a dual-stack one).
   */
  readonly family?: IpVersion;
}

/** The family a query is judged in (see ConnectionQuery.family); undefined: the pods' primary addresses. */
export function connectionFamily(query: ConnectionQuery): IpVersion | undefined {
  return query.family ?? query.to.ip?.family ?? query.from.ip?.family;
}

/**
 * `namespace/pod` → that pod; an IP → the pod owning it when one does (traffic to a pod IP is traffic
 * to the pod), otherwise an outside address. Undefined when neither.
 */
export function resolveEndpoint(compiled: CompiledInventory, text: string): Endpoint | undefined {
  const byName = compiled.podsByKey.get(text);
  if (byName) return { type: 'pod', pod: byName };
  const ip = parseIp(text);
  const byIp = compiled.podsByIp.get(text);
  if (byIp) return ip ? { type: 'pod', pod: byIp, ip } : { type: 'pod', pod: byIp };
  return ip ? { type: 'address', ip, text } : undefined;
}

export function endpointName(endpoint: Endpoint): string {
  return endpoint.type === 'pod' ? endpoint.pod.key : endpoint.text;
}

/**
 * Whether a rule's peers include the endpoint at the other end; a pod by its address of `family` (its
 * primary one when undefined), an address by itself: an IPv6 ipBlock never matches an IPv4 address.
 */
export function rulePeerMatches(rule: CompiledRule, other: Endpoint, family?: IpVersion): boolean {
  if (other.type === 'pod') return (family === undefined ? rule.peerPods : rule.peerPodsByFamily[family])[other.pod.index] === 1;
  return rule.anyPeer || rule.peers.some((peer) => peer.matchesIp(other.ip));
}

/** -1 when no entry of the rule's `ports` admits it; -2 when the rule has no `ports` (every port). */
export function rulePortMatch(rule: CompiledRule, port: number, protocol: Protocol, destination: CompiledPod | undefined): number {
  return rule.ports.length === 0 ? -2 : matchingPortEntry(rule.ports, port, protocol, destination);
}

/** The fast path: does `direction` of `subject` admit traffic with `other`? */
export function directionAllows(
  compiled: CompiledInventory,
  direction: Direction,
  subject: CompiledPod,
  other: Endpoint,
  destination: CompiledPod | undefined,
  port: number,
  protocol: Protocol,
  family?: IpVersion,
): boolean {
  if (compiled.isolatedBy[direction][subject.index]?.length === 0) return true;
  for (const rule of compiled.rulesFor[direction][subject.index] ?? []) {
    if (rulePeerMatches(rule, other, family) && rulePortMatch(rule, port, protocol, destination) !== -1) return true;
  }
  return false;
}

export function explainConnection(compiled: CompiledInventory, query: ConnectionQuery): Explanation {
  const destination = query.to.type === 'pod' ? query.to.pod : undefined;
  const family = connectionFamily(query);
  const egress = query.from.type === 'pod' ? explainDirection(compiled, 'egress', query.from.pod, query.to, destination, query, family) : OUTSIDE;
  const ingress = query.to.type === 'pod' ? explainDirection(compiled, 'ingress', query.to.pod, query.from, destination, query, family) : OUTSIDE;
  return {
    from: endpointName(query.from),
    to: endpointName(query.to),
    port: query.port,
    protocol: query.protocol,
    verdict: egress.verdict === 'allow' && ingress.verdict === 'allow' ? 'allow' : 'deny',
    loopback: query.from.type === 'pod' && query.to.type === 'pod' && query.from.pod.index === query.to.pod.index,
    egress,
    ingress,
  };
}

const OUTSIDE: DirectionVerdict = { kind: 'outside', verdict: 'allow' };

function explainDirection(
  compiled: CompiledInventory,
  direction: Direction,
  subject: CompiledPod,
  other: Endpoint,
  destination: CompiledPod | undefined,
  query: ConnectionQuery,
  family: IpVersion | undefined,
): DirectionVerdict {
  if (subject.spec.hostNetwork) return { kind: 'host-network', verdict: 'allow' };
  const isolating = (compiled.isolatedBy[direction][subject.index] ?? []).map((index) => compiled.policies[index] as CompiledPolicy);
  if (isolating.length === 0) return { kind: 'not-isolated', verdict: 'allow' };
  const isolatedBy = isolating.map(policyRef);
  const allowedBy: RuleMatch[] = [];
  const misses: RuleMiss[] = [];
  for (const policy of isolating) {
    for (const rule of policy[direction]) {
      const peerMatched = rulePeerMatches(rule, other, family);
      const portIndex = rulePortMatch(rule, query.port, query.protocol, destination);
      if (peerMatched && portIndex !== -1) {
        allowedBy.push({ policy: policyRef(policy), rule: rule.path, peer: describePeerMatch(rule, other, family), port: describePortMatch(rule, portIndex) });
      } else {
        misses.push({ policy: policyRef(policy), rule: rule.path, peerMatched, portMatched: portIndex !== -1, wants: wantsOf(rule, policy.spec.namespace) });
      }
    }
  }
  return allowedBy.length > 0 ? { kind: 'allowed', verdict: 'allow', isolatedBy, allowedBy } : { kind: 'denied', verdict: 'deny', isolatedBy, misses };
}

function wantsOf(rule: CompiledRule, policyNamespace: string): RuleMiss['wants'] {
  return { peers: rule.peers.map((peer) => describePeer(peer.spec, policyNamespace)), ports: rule.ports.map(describePortEntry) };
}

function policyRef(policy: CompiledPolicy): PolicyRef {
  const { namespace, name, source } = policy.spec;
  return { namespace, name, ...(source ? { file: source.file, line: source.line } : {}) };
}

function describePeerMatch(rule: CompiledRule, other: Endpoint, family: IpVersion | undefined): string {
  if (rule.anyPeer) return 'any peer';
  const field = rule.direction === 'ingress' ? 'from' : 'to';
  const matched = rule.peers.filter((peer) => (other.type === 'pod' ? peer.matchesPod(other.pod, family) : peer.matchesIp(other.ip)));
  return matched.map((peer) => `${field}[${peer.index}]`).join(', ');
}

function describePortMatch(rule: CompiledRule, portIndex: number): string {
  const entry = rule.ports[portIndex];
  return portIndex < 0 || entry === undefined ? 'any port' : `ports[${portIndex}] (${describePortEntry(entry)})`;
}
