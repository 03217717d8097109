/**
 * Judging one connection. Kubernetes rule: traffic passes when the source's egress AND the
 * destination's ingress allow it. A direction of a pod is isolated only when some policy selecting the
 * pod lists that direction in policyTypes; then the union of those policies' rules applies, and any
 * one rule whose peer AND port match admits the traffic.
 */
import { parseIp, type IpVersion, type ParsedIp } from './cidr.js';
import { PEER_IP_UNKNOWN, type CompiledInventory, type CompiledPod, type CompiledPolicy, type CompiledRule, type Direction } from './compiled.js';
import type { DirectionVerdict, Explanation, Judgement, PolicyRef, RuleMatch, RuleMiss } from './explanation.js';
import { describePeer } from './peer-text.js';
import { describePortEntry, matchingPortEntry } from './port-matcher.js';
import type { TierQuery } from './tier-evaluate.js';
import { tierJudgement, tiersApply, tierVerdict } from './tier-verdict.js';
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

/**
 * Whether a rule's peers include the other end, where a pod's unknown address leaves an ipBlock
 * undecided: `unknown` (never for an address, whose IP is the address itself).
 */
export function rulePeerJudgement(rule: CompiledRule, other: Endpoint, family?: IpVersion): 'match' | 'miss' | 'unknown' {
  if (other.type === 'address') return rulePeerMatches(rule, other, family) ? 'match' : 'miss';
  const value = (family === undefined ? rule.peerPods : rule.peerPodsByFamily[family])[other.pod.index];
  return value === 1 ? 'match' : value === PEER_IP_UNKNOWN ? 'unknown' : 'miss';
}

/** Both directions' judgements → the connection's: either deny denies; both allow allows; else unknown. */
export function combineJudgements(egress: Judgement, ingress: Judgement): Judgement {
  if (egress === 'deny' || ingress === 'deny') return 'deny';
  return egress === 'allow' && ingress === 'allow' ? 'allow' : 'unknown';
}

/** -1 when no entry of the rule's `ports` admits it; -2 when the rule has no `ports` (every port). */
export function rulePortMatch(rule: CompiledRule, port: number, protocol: Protocol, destination: CompiledPod | undefined): number {
  return rule.ports.length === 0 ? -2 : matchingPortEntry(rule.ports, port, protocol, destination);
}

/** The fast path where unknown counts as not admitted: does `direction` of `subject` admit traffic with `other`? */
export function directionAllows(...args: Parameters<typeof directionJudgement>): boolean {
  return directionJudgement(...args) === 'allow';
}

/**
 * The fast path: does `direction` of `subject` admit traffic with `other`? `unknown` when no rule admits
 * for sure but one would if the other pod's unknown address fell in its ipBlock.
 */
export function directionJudgement(
  compiled: CompiledInventory,
  direction: Direction,
  subject: CompiledPod,
  other: Endpoint,
  destination: CompiledPod | undefined,
  port: number,
  protocol: Protocol,
  family?: IpVersion,
): Judgement {
  // Tier order (the API): Admin, then NetworkPolicy, then Baseline; a tier that passes or matches nothing hands on.
  const tierQuery: TierQuery = { direction, subject, other, destination, port, protocol, family };
  const tiered = tiersApply(compiled, tierQuery);
  const admin = tiered ? tierJudgement(compiled, 'Admin', tierQuery) : undefined;
  if (admin !== undefined) return admin;
  if (compiled.isolatedBy[direction][subject.index]?.length === 0) return (tiered ? tierJudgement(compiled, 'Baseline', tierQuery) : undefined) ?? 'allow';
  let unknown = false;
  for (const rule of compiled.rulesFor[direction][subject.index] ?? []) {
    const peer = rulePeerJudgement(rule, other, family);
    if (peer === 'miss' || rulePortMatch(rule, port, protocol, destination) === -1) continue;
    if (peer === 'match') return 'allow';
    unknown = true;
  }
  return unknown ? 'unknown' : 'deny';
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
    verdict: combineJudgements(egress.verdict, ingress.verdict),
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
  const tierQuery: TierQuery = { direction, subject, other, destination, port: query.port, protocol: query.protocol, family };
  const tiered = tiersApply(compiled, tierQuery);
  const admin = tiered ? tierVerdict(compiled, 'Admin', tierQuery) : { passed: [] };
  if ('verdict' in admin) return admin.verdict;
  const passed = admin.passed.length > 0 ? { passed: admin.passed } : {};
  const isolating = (compiled.isolatedBy[direction][subject.index] ?? []).map((index) => compiled.policies[index] as CompiledPolicy);
  if (isolating.length === 0) {
    const baseline = tiered ? tierVerdict(compiled, 'Baseline', tierQuery) : { passed: [] };
    return 'verdict' in baseline ? { ...baseline.verdict, ...passed } : { kind: 'not-isolated', verdict: 'allow', ...passed };
  }
  return { ...networkPolicyVerdict(direction, isolating, other, destination, query, family), ...passed };
}

/** The NetworkPolicy tier, for a pod some policy isolates: any rule of those policies whose peer and port match admits. */
function networkPolicyVerdict(
  direction: Direction,
  isolating: readonly CompiledPolicy[],
  other: Endpoint,
  destination: CompiledPod | undefined,
  query: ConnectionQuery,
  family: IpVersion | undefined,
): DirectionVerdict {
  const isolatedBy = isolating.map(policyRef);
  const allowedBy: RuleMatch[] = [];
  const undecided: RuleMiss[] = [];
  const misses: RuleMiss[] = [];
  for (const policy of isolating) {
    for (const rule of policy[direction]) {
      const peer = rulePeerJudgement(rule, other, family);
      const portIndex = rulePortMatch(rule, query.port, query.protocol, destination);
      if (peer === 'match' && portIndex !== -1) {
        allowedBy.push({ policy: policyRef(policy), rule: rule.path, peer: describePeerMatch(rule, other, family), port: describePortMatch(rule, portIndex) });
      } else {
        const miss = { policy: policyRef(policy), rule: rule.path, peerMatched: peer === 'match', portMatched: portIndex !== -1, wants: wantsOf(rule, policy.spec.namespace) };
        (peer === 'unknown' && portIndex !== -1 ? undecided : misses).push(miss);
      }
    }
  }
  if (allowedBy.length > 0) return { kind: 'allowed', verdict: 'allow', isolatedBy, allowedBy };
  if (undecided.length > 0) return { kind: 'ip-unknown', verdict: 'unknown', pod: endpointName(other), isolatedBy, undecided, misses };
  return { kind: 'denied', verdict: 'deny', isolatedBy, misses };
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
