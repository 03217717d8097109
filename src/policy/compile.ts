/**
 * Compiles an inventory once: selectors become predicates, every policy's selection and every rule's
 * peer matches are computed per pod up front, so judging a pair is a few array reads.
 */
import { cidrContains, parseCidr, parseIp, type Cidr, type IpVersion, type ParsedIp } from './cidr.js';
import { PEER_IP_UNKNOWN, type CompiledInventory, type CompiledPeer, type CompiledPod, type CompiledPolicy, type CompiledRule, type Direction } from './compiled.js';
import { compileSelector } from './label-selector.js';
import { compileTiers } from './tier-compile.js';
import {
  DEFAULT_ENGINE_OPTIONS,
  NAMESPACE_NAME_LABEL,
  podKey,
  type EngineOptions,
  type Inventory,
  type Labels,
  type PeerSpec,
  type PodSpec,
  type RuleSpec,
} from './types.js';
import { assertNever } from '../model/assert-never.js';

export function compileInventory(inventory: Inventory, options: EngineOptions = DEFAULT_ENGINE_OPTIONS): CompiledInventory {
  const namespaceLabels = new Map<string, Labels>();
  for (const ns of inventory.namespaces) namespaceLabels.set(ns.name, { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name });
  // The API server labels every namespace with its name, declared or not.
  const labelsOf = (namespace: string): Labels => namespaceLabels.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };

  const pods = inventory.pods.map((spec, index) => compilePod(spec, index, labelsOf(spec.namespace)));
  const policies: CompiledPolicy[] = inventory.policies.map((spec, index) => {
    const compileRules = (direction: Direction, rules: readonly RuleSpec[]): CompiledRule[] =>
      rules.map((rule, ruleIndex) => compileRule(rule, ruleIndex, direction, index, spec.namespace, pods, options));
    return {
      index,
      key: `${spec.namespace}/${spec.name}`,
      spec,
      selects: compileSelector(spec.podSelector),
      ingress: compileRules('ingress', spec.ingress.rules),
      egress: compileRules('egress', spec.egress.rules),
    };
  });

  const isolatedBy = { ingress: pods.map((): number[] => []), egress: pods.map((): number[] => []) };
  const rulesFor = { ingress: pods.map((): CompiledRule[] => []), egress: pods.map((): CompiledRule[] => []) };
  for (const pod of pods) {
    // hostNetwork pods share the node's network namespace: no policy selects them.
    if (pod.spec.hostNetwork) continue;
    for (const policy of policies) {
      // A policy selects pods of its own namespace only.
      if (policy.spec.namespace !== pod.spec.namespace || !policy.selects(pod.spec.labels)) continue;
      for (const direction of ['ingress', 'egress'] as const) {
        if (!policy.spec[direction].isolates) continue;
        isolatedBy[direction][pod.index]?.push(policy.index);
        rulesFor[direction][pod.index]?.push(...policy[direction]);
      }
    }
  }

  const podsByKey = new Map(pods.map((pod) => [pod.key, pod]));
  const podsByIp = new Map<string, CompiledPod>();
  for (const pod of pods) {
    if (pod.spec.hostNetwork) continue;
    for (const ip of addressesOf(pod.spec)) podsByIp.set(ip, pod);
  }
  const tiers = compileTiers(inventory.clusterPolicies ?? [], pods);
  return { inventory, options, pods, podsByKey, podsByIp, policies, isolatedBy, rulesFor, tiers };
}

/** The same inventory plus more pods (e.g. probe pods), compiled afresh; an extra pod replaces a known one of the same name. */
export function withExtraPods(compiled: CompiledInventory, extra: readonly PodSpec[]): CompiledInventory {
  if (extra.length === 0) return compiled;
  const replaced = new Set(extra.map(podKey));
  const kept = compiled.inventory.pods.filter((pod) => !replaced.has(podKey(pod)));
  return compileInventory({ ...compiled.inventory, pods: [...kept, ...extra] }, compiled.options);
}

function compilePod(spec: PodSpec, index: number, namespaceLabels: Labels): CompiledPod {
  const namedPorts = new Map<string, number>();
  for (const port of spec.containerPorts) {
    if (port.name !== undefined) namedPorts.set(`${port.protocol}/${port.name}`, port.port);
  }
  const ip = spec.ip === undefined ? undefined : parseIp(spec.ip);
  const ips = addressesOf(spec).flatMap((text) => parseIp(text) ?? []);
  return { index, key: podKey(spec), spec, namespaceLabels, ...(ip ? { ip } : {}), ips, namedPorts };
}

/** Every address of a pod, the primary first; `ips` is absent where only `podIP` is known (files, old API servers). */
function addressesOf(spec: PodSpec): readonly string[] {
  return spec.ips ?? (spec.ip ? [spec.ip] : []);
}

function compileRule(
  rule: RuleSpec,
  index: number,
  direction: Direction,
  policy: number,
  policyNamespace: string,
  pods: readonly CompiledPod[],
  options: EngineOptions,
): CompiledRule {
  const peers = rule.peers.map((peer, peerIndex) => compilePeer(peer, peerIndex, policyNamespace, options));
  const matrix = (family?: IpVersion): Uint8Array => {
    const matched = new Uint8Array(pods.length);
    for (const pod of pods) {
      if (rule.peers.length === 0 || peers.some((peer) => peer.matchesPod(pod, family))) matched[pod.index] = 1;
      else if (peers.some((peer) => peer.ipUnknown(pod))) matched[pod.index] = PEER_IP_UNKNOWN;
    }
    return matched;
  };
  const peerPods = matrix();
  // Pod selectors see no family: the per-family matrices differ from the primary one only with ipBlocks.
  const byFamily = peers.some((peer) => peer.spec.type === 'ipBlock') ? { 4: matrix(4), 6: matrix(6) } : { 4: peerPods, 6: peerPods };
  return { policy, direction, index, path: rule.path, line: rule.line, anyPeer: rule.peers.length === 0, peers, peerPods, peerPodsByFamily: byFamily, ports: rule.ports };
}

function compilePeer(spec: PeerSpec, index: number, policyNamespace: string, options: EngineOptions): CompiledPeer {
  switch (spec.type) {
    case 'pods': {
      const podMatches = spec.podSelector ? compileSelector(spec.podSelector) : () => true;
      // Without a namespaceSelector the peer means "pods of the policy's own namespace";
      // with one (and no podSelector) it means every pod of the matching namespaces.
      const namespaceMatches = spec.namespaceSelector ? compileSelector(spec.namespaceSelector) : undefined;
      return {
        index,
        spec,
        matchesPod: (pod) =>
          !pod.spec.hostNetwork &&
          (namespaceMatches ? namespaceMatches(pod.namespaceLabels) : pod.spec.namespace === policyNamespace) &&
          podMatches(pod.spec.labels),
        ipUnknown: () => false,
        matchesIp: () => false,
      };
    }
    case 'ipBlock': {
      const cidr = parseCidr(spec.cidr);
      const except = spec.except.map(parseCidr).filter((block): block is Cidr => block !== undefined);
      const matchesIp = (ip: ParsedIp): boolean =>
        cidr !== undefined && cidrContains(cidr, ip) && !except.some((block) => cidrContains(block, ip));
      return {
        index,
        spec,
        // Whether ipBlock sees pod IPs is the CNI's choice (option); a hostNetwork pod speaks with the node's address.
        // A connection of one family comes from (goes to) the pod's address of that family: an IPv4
        // block never matches a pod's IPv6 traffic, nor an IPv6 block its IPv4 traffic.
        matchesPod: (pod, family) => {
          const ip = family === undefined ? pod.ip : pod.ips.find((candidate) => candidate.family === family);
          return ip !== undefined && (options.ipBlockMatchesPods || pod.spec.hostNetwork) && matchesIp(ip);
        },
        // A pod with no known address at all: whether the block holds it is not judgeable. (A pod with
        // addresses but none of the family does not talk in that family: a plain miss.)
        ipUnknown: (pod) => pod.ips.length === 0 && pod.ip === undefined && (options.ipBlockMatchesPods || pod.spec.hostNetwork) && cidr !== undefined,
        matchesIp,
      };
    }
    default:
      return assertNever(spec, 'peer');
  }
}
