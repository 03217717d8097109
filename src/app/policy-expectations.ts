/**
 * `expect: policy`: a check's expectation is what the cluster's NetworkPolicies say about that exact
 * connection, judged by the policy engine on the live objects plus the probe pods themselves (their
 * namespace, labels, IPs and named container ports). Read once, decoded once, compiled once per run.
 */
import { assertNever } from '../model/assert-never.js';
import type { Explanation } from '../policy/index.js';
import { addPods, compileInventory, decodeObjects, judgeConnection, toInputIssue, DEFAULT_ENGINE_OPTIONS, type CompiledInventory, type EngineOptions, type ExtraPod, type PolicyQuery, type RawObject } from '../policy/index.js';
import type { ExpectationResolver, PolicyJudgement, ProbePod } from '../probe/expectations.js';
import type { PlannedProbe } from '../probe/plan.js';
import { renderExplanation } from '../report/policy-explain.js';
import { describeError, formatIssue } from '../model/errors.js';
import type { ResultFamily } from '../model/family.js';
import { checkProtocol } from '../model/scenario.js';

/** Where the objects come from: the live cluster in a run (Namespaces, Pods, Services, NetworkPolicies). */
export type PolicyObjectSource = () => Promise<readonly RawObject[]>;

const LISTED_ISSUES = 3;

export function policyExpectations(read: PolicyObjectSource, engine: EngineOptions = DEFAULT_ENGINE_OPTIONS): ExpectationResolver {
  return async (probes, pods) => {
    let objects: readonly RawObject[];
    try {
      objects = await read();
    } catch (error) {
      throw new Error(`reading Namespaces, Pods and NetworkPolicies: ${describeError(error)}`, { cause: error });
    }
    const { inventory, issues } = decodeObjects(objects);
    // The API server refuses what the decoder would flag, so this should never happen live; if it
    // does, an expectation built on a partial picture would be a guess.
    if (issues.length > 0) {
      const listed = issues.slice(0, LISTED_ISSUES).map((issue) => formatIssue(toInputIssue(issue)));
      throw new Error(`the cluster's objects could not be read as policies (${issues.length} problem(s)): ${listed.join('; ')}`);
    }
    const compiled = addPods(compileInventory(inventory, engine), [...pods.values()].map(extraPod));
    return new Map(probes.map((probe) => [probe.id, judgeProbe(compiled, probe, pods)]));
  };
}

function extraPod(pod: ProbePod): ExtraPod {
  return { namespace: pod.namespace, name: pod.name, labels: pod.labels, ip: pod.ip, ips: pod.ips, containerPorts: pod.containerPorts };
}

function judgeProbe(compiled: CompiledInventory, probe: PlannedProbe, pods: ReadonlyMap<string, ProbePod>): PolicyJudgement {
  const query = queryOf(compiled, probe, pods);
  if (typeof query === 'string') return { type: 'unjudged', reason: query };
  let explanation: Explanation;
  try {
    explanation = judgeConnection(compiled, query);
  } catch (error) {
    return { type: 'unjudged', reason: describeError(error) };
  }
  const text = renderExplanation(explanation, { color: false }).trimEnd();
  // Only an address the input lacks (a pod IP, a node, what a domain resolves to) could decide: never guessed.
  if (explanation.verdict === 'unknown') return { type: 'unjudged', reason: `the policies cannot say offline (an unknown pod IP, DNS or node addresses): ${text}` };
  return { type: 'judged', expect: explanation.verdict, explanation: text };
}

/** The engine's question for one probe (the check's protocol to the target port), or why there is none. */
function queryOf(compiled: CompiledInventory, probe: PlannedProbe, pods: ReadonlyMap<string, ProbePod>): PolicyQuery | string {
  const source = pods.get(probe.check.from);
  if (!source) return `no running probe pod for actor ${probe.check.from}`;
  const from = `${source.namespace}/${source.name}`;
  // A udp check is judged for UDP: a policy that opens TCP 5353 does not open UDP 5353.
  const protocol = checkProtocol(probe.check.kind);
  // In the family of the address the probe used: an ipBlock sees a dual-stack pod's IPv6 traffic
  // come from its IPv6 address.
  const family = ENGINE_FAMILY[probe.family];
  const inFamily = family === undefined ? {} : { family };
  const target = probe.check.to;
  switch (target.type) {
    case 'actor': {
      const pod = pods.get(target.actor);
      return pod ? { from, to: `${pod.namespace}/${pod.name}`, port: target.port, protocol, ...inFamily } : `no running probe pod for actor ${target.actor}`;
    }
    case 'pods': {
      const host = probe.endpoint?.host;
      const pod = host === undefined ? undefined : podWithIp(compiled, host);
      // The selected pod must be one the engine knows: judged as a bare address, no ingress policy
      // would govern it, and the "allow" would be one nobody decided.
      if (pod === undefined) return `${probe.toLabel}: no running pod with IP ${host ?? '?'} among the pods read from the cluster (replaced since the run started?)`;
      return { from, to: pod, port: target.port, protocol, ...inFamily };
    }
    case 'host': {
      // An IP: the engine judges it as the pod that owns it, if any, else by ipBlock.
      const host = probe.endpoint?.host;
      return host === undefined ? `${probe.toLabel}: no address to judge` : { from, to: host, port: target.port, protocol, ...inFamily };
    }
    case 'service':
    case 'url':
    case 'dns':
      // The scenario loader refuses these with `expect: policy`; kept exhaustive for the compiler.
      return `${probe.toLabel}: a ${target.type} target cannot be judged from policy`;
    default:
      return assertNever(target, 'target');
  }
}

/** The engine counts families 4 and 6; `unspecified` leaves it to the addresses (never the case for judged targets). */
const ENGINE_FAMILY: Readonly<Record<ResultFamily, 4 | 6 | undefined>> = { ipv4: 4, ipv6: 6, unspecified: undefined };

/**
 * `namespace/name` of the pod at this IP. A hostNetwork pod shares its node's IP and is left out of the
 * engine's IP index (no policy selects it), so it is looked up by name: the engine then says so.
 */
function podWithIp(compiled: CompiledInventory, ip: string): string | undefined {
  const pod = compiled.podsByIp.get(ip)?.spec ?? compiled.inventory.pods.find((p) => p.hostNetwork && (p.ip === ip || (p.ips ?? []).includes(ip)));
  return pod === undefined ? undefined : `${pod.namespace}/${pod.name}`;
}

