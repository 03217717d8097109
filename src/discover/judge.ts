/**
 * What the given policies say about each kind of discovered check, through the engine. A Service is
 * judged on its backends (traffic to a Service is judged after DNAT, on the pod it lands on); when the
 * backends disagree, the outcome depends on which one kube-proxy picks, so no expectation is given.
 * Verdicts between pods use the same fast path as predict's truth table (src/policy/matrix.ts).
 */
import { parseIp } from '../policy/cidr.js';
import { directionAllows, rulePortMatch, type Endpoint } from '../policy/evaluate.js';
import { explainConnection, type Verdict } from '../policy/index.js';
import type { DiscoveryEngine } from './engine.js';
import type { Protocol } from '../policy/index.js';

export type Judged = { readonly verdict: Verdict; readonly byAddress?: boolean } | { readonly verdict: undefined; readonly byAddress?: boolean; readonly why: string };

export function judgeActor(engine: DiscoveryEngine, from: number, to: number, port: number): { readonly verdict: Verdict } {
  return { verdict: verdictBetween(engine, from, to, port, 'TCP') };
}

/** The backends of one Service port (identity index and resolved target port); they all must agree. */
export function judgeService(engine: DiscoveryEngine, from: number, backends: readonly { readonly identity: number; readonly port: number }[], protocol: Protocol): Judged {
  const verdicts = new Set(backends.map((backend) => verdictBetween(engine, from, backend.identity, backend.port, protocol)));
  if (verdicts.size > 1) return { verdict: undefined, why: 'its backends get different verdicts from the policies, so the result depends on the backend kube-proxy picks' };
  return { verdict: [...verdicts][0] ?? 'deny' };
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

/** The engine's fast path (no explanation built): egress of the source AND ingress of the destination. */
function verdictBetween(engine: DiscoveryEngine, from: number, to: number, port: number, protocol: Protocol): Verdict {
  const { compiled } = engine;
  const source = compiled.pods[from];
  const destination = compiled.pods[to];
  if (!source || !destination) throw new Error(`discovery engine has no pod ${source ? to : from}`);
  const egress = directionAllows(compiled, 'egress', source, { type: 'pod', pod: destination }, destination, port, protocol);
  return egress && directionAllows(compiled, 'ingress', destination, { type: 'pod', pod: source }, destination, port, protocol) ? 'allow' : 'deny';
}
