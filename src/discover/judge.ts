/**
 * What the given policies say about each kind of discovered check, through the engine. A Service is
 * judged on its backends (traffic to a Service is judged after DNAT, on the pod it lands on); when the
 * backends disagree, the outcome depends on which one kube-proxy picks, so no expectation is given.
 */
import { parseIp } from '../policy/cidr.js';
import { rulePortMatch, type Endpoint } from '../policy/evaluate.js';
import { explainConnection, type Verdict } from '../policy/index.js';
import type { DiscoveryEngine } from './engine.js';
import type { Discovery, ServiceDoors, ServicePort } from './types.js';

export type Judged = { readonly verdict: Verdict; readonly byAddress?: boolean } | { readonly verdict: undefined; readonly why: string };

export function judgeActor(engine: DiscoveryEngine, from: number, to: number, port: number): { readonly verdict: Verdict } {
  return { verdict: verdictBetween(engine, from, to, port, 'TCP') };
}

export function judgeService(engine: DiscoveryEngine, discovery: Discovery, from: number, service: ServiceDoors, port: ServicePort): Judged {
  if (!service.hasSelector) return { verdict: undefined, why: 'the Service has no selector (its endpoints are managed elsewhere), so the input cannot say who answers' };
  const verdicts = new Set<Verdict>();
  for (const key of service.backends) {
    const backend = discovery.identities.findIndex((identity) => identity.key === key);
    const identity = discovery.identities[backend];
    // A named targetPort resolves per backend; a backend that does not declare it is no endpoint for this port.
    const target = typeof port.targetPort === 'number' ? port.targetPort : identity?.doors.find((door) => door.name === port.targetPort && door.protocol === port.protocol)?.port;
    if (target !== undefined) verdicts.add(verdictBetween(engine, from, backend, target, port.protocol));
  }
  if (verdicts.size === 0) return { verdict: undefined, why: `no selected workload serves it (selector matches none${typeof port.targetPort === 'string' ? `, or none declares port "${port.targetPort}"` : ''})` };
  if (verdicts.size > 1) return { verdict: undefined, why: 'its backends get different verdicts from the policies, so the result depends on the backend kube-proxy picks' };
  return { verdict: [...verdicts][0] as Verdict };
}

export function judgeDns(engine: DiscoveryEngine, from: number): Judged {
  const verdicts = new Set(engine.dnsPods.map((dns) => verdictBetween(engine, from, dns, 53, 'UDP')));
  if (verdicts.size !== 1) return { verdict: undefined, why: 'the cluster DNS pods get different verdicts from the policies' };
  return { verdict: [...verdicts][0] as Verdict };
}

/**
 * An IP goes through the engine as an address. A name can only be judged where no ipBlock could
 * matter: the source is not isolated for egress, or a rule admits every peer on that port (allow), or
 * no rule that could admit an address applies to that port (deny).
 */
export function judgeHost(engine: DiscoveryEngine, from: number, host: string, port: number): Judged {
  const { compiled } = engine;
  const source = compiled.pods[from];
  if (!source) return { verdict: undefined, why: 'unknown source' };
  const ip = parseIp(host);
  if (ip) {
    const to: Endpoint = { type: 'address', ip, text: host };
    return { verdict: explainConnection(compiled, { from: { type: 'pod', pod: source }, to, port, protocol: 'TCP' }).verdict, byAddress: true };
  }
  if ((compiled.isolatedBy.egress[from] ?? []).length === 0) return { verdict: 'allow' };
  const rules = (compiled.rulesFor.egress[from] ?? []).filter((rule) => rulePortMatch(rule, port, 'TCP', undefined) !== -1);
  if (rules.some((rule) => rule.anyPeer)) return { verdict: 'allow' };
  if (rules.some((rule) => rule.peers.some((peer) => peer.spec.type === 'ipBlock'))) {
    return { verdict: undefined, why: `an ipBlock rule may admit it depending on the address ${host} resolves to; give an IP address` };
  }
  return { verdict: 'deny' };
}

function verdictBetween(engine: DiscoveryEngine, from: number, to: number, port: number, protocol: 'TCP' | 'UDP' | 'SCTP'): Verdict {
  const source = engine.compiled.pods[from];
  const destination = engine.compiled.pods[to];
  if (!source || !destination) throw new Error(`discovery engine has no pod ${source ? to : from}`);
  return explainConnection(engine.compiled, { from: { type: 'pod', pod: source }, to: { type: 'pod', pod: destination }, port, protocol }).verdict;
}
