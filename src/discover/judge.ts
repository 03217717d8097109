/**
 * What the given policies say about each kind of discovered check, through the engine. A Service is
 * judged on its backends (traffic to a Service is judged after DNAT, on the pod it lands on); when the
 * backends disagree, the outcome depends on which one kube-proxy picks, so no expectation is given.
 * Verdicts between pods use the same fast path as predict's truth table (src/policy/matrix.ts).
 */
import { parseIp } from '../policy/cidr.js';
import { combineJudgements, directionJudgement, rulePortMatch, type Endpoint } from '../policy/evaluate.js';
import { explainConnection, type Judgement, type Verdict } from '../policy/index.js';
import type { DiscoveryEngine } from './engine.js';
import type { Protocol } from '../policy/index.js';

export type Judged = { readonly verdict: Verdict; readonly byAddress?: boolean } | { readonly verdict: undefined; readonly byAddress?: boolean; readonly why: string };

/**
 * Probe pods stand for the workloads and get their addresses only at run time: a cell that an ipBlock
 * decides cannot be judged from the input (the same rule as predict's `?` and explain's "IP unknown").
 */
const IP_UNKNOWN = "an ipBlock rule decides it, and a probe pod's IP is known only at run time (expect: policy judges it then)";

export function judgeActor(engine: DiscoveryEngine, from: number, to: number, port: number): Judged {
  return judged(verdictBetween(engine, from, to, port, 'TCP'));
}

function judged(judgement: Judgement): Judged {
  return judgement === 'unknown' ? { verdict: undefined, why: IP_UNKNOWN } : { verdict: judgement };
}

/** The backends of one Service port (identity index and resolved target port); they all must agree. */
export function judgeService(engine: DiscoveryEngine, from: number, backends: readonly { readonly identity: number; readonly port: number }[], protocol: Protocol): Judged {
  const verdicts = new Set(backends.map((backend) => verdictBetween(engine, from, backend.identity, backend.port, protocol)));
  if (verdicts.has('unknown')) return { verdict: undefined, why: IP_UNKNOWN };
  if (verdicts.size > 1) return { verdict: undefined, why: 'its backends get different verdicts from the policies, so the result depends on the backend kube-proxy picks' };
  return judged([...verdicts][0] ?? 'deny');
}

export function judgeDns(engine: DiscoveryEngine, from: number): Judged {
  const verdicts = new Set(engine.dnsPods.map((dns) => verdictBetween(engine, from, dns, 53, 'UDP')));
  if (verdicts.has('unknown')) return { verdict: undefined, why: IP_UNKNOWN };
  if (verdicts.size !== 1) return { verdict: undefined, why: 'the cluster DNS pods get different verdicts from the policies' };
  return judged([...verdicts][0] as Judgement);
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
    const verdict = explainConnection(compiled, { from: { type: 'pod', pod: source }, to, port, protocol: 'TCP' }).verdict;
    return verdict === 'unknown' ? { verdict: undefined, byAddress: true, why: IP_UNKNOWN } : { verdict, byAddress: true };
  }
  if (compiled.tiers.policies.some((policy) => policy.selects[from] === 1 && policy.egress.length > 0)) {
    return { verdict: undefined, why: `cluster-scoped policies judge egress by address or domain; give an IP address instead of ${host}` };
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
function verdictBetween(engine: DiscoveryEngine, from: number, to: number, port: number, protocol: Protocol): Judgement {
  const { compiled } = engine;
  const source = compiled.pods[from];
  const destination = compiled.pods[to];
  if (!source || !destination) throw new Error(`discovery engine has no pod ${source ? to : from}`);
  const egress = directionJudgement(compiled, 'egress', source, { type: 'pod', pod: destination }, destination, port, protocol);
  return combineJudgements(egress, directionJudgement(compiled, 'ingress', destination, { type: 'pod', pod: source }, destination, port, protocol));
}
