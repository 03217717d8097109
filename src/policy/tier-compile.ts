/**
 * Compiles cluster-scoped policies (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy)
 * once: selectors become predicates, each policy's subject becomes one byte per pod, and each tier's
 * policies are grouped by priority, lowest number first.
 */
import { cidrContains, parseCidr, type Cidr, type IpVersion, type ParsedIp } from './cidr.js';
import type { CompiledClusterPolicy, CompiledPod, CompiledTierPeer, CompiledTierRule, CompiledTiers, Direction, PeerJudgement } from './compiled.js';
import { compileSelector, type LabelPredicate } from './label-selector.js';
import type { ClusterPolicySpec, Protocol, Tier, TierPeer, TierPodSelection, TierPort, TierRuleSpec } from './types.js';
import { assertNever } from '../model/assert-never.js';

export const NO_TIERS: CompiledTiers = { policies: [], groups: { Admin: [], Baseline: [] } };

export function compileTiers(specs: readonly ClusterPolicySpec[], pods: readonly CompiledPod[]): CompiledTiers {
  if (specs.length === 0) return NO_TIERS;
  const policies = specs.map((spec, index): CompiledClusterPolicy => {
    const subject = compileSelection(spec.subject);
    // The API leaves host-networked pods out of every subject and pod peer.
    const selects = Uint8Array.from(pods, (pod) => (!pod.spec.hostNetwork && subject(pod) ? 1 : 0));
    const rules = (direction: Direction, list: readonly TierRuleSpec[]): CompiledTierRule[] =>
      list.map((rule) => ({ policy: index, direction, spec: rule, peers: rule.peers.map(compilePeer) }));
    return { index, spec, selects, ingress: rules('ingress', spec.ingress), egress: rules('egress', spec.egress) };
  });
  return { policies, groups: { Admin: groupsOf(policies, 'Admin'), Baseline: groupsOf(policies, 'Baseline') } };
}

function groupsOf(policies: readonly CompiledClusterPolicy[], tier: Tier): CompiledClusterPolicy[][] {
  const byPriority = new Map<number, CompiledClusterPolicy[]>();
  for (const policy of policies) {
    if (policy.spec.tier !== tier) continue;
    const group = byPriority.get(policy.spec.priority) ?? [];
    group.push(policy);
    byPriority.set(policy.spec.priority, group);
  }
  return [...byPriority.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, group]) => group.sort((a, b) => a.spec.name.localeCompare(b.spec.name)));
}

function compileSelection(selection: TierPodSelection): (pod: CompiledPod) => boolean {
  switch (selection.type) {
    case 'namespaces': {
      const namespaces = compileSelector(selection.namespaces);
      return (pod) => namespaces(pod.namespaceLabels);
    }
    case 'pods': {
      const namespaces: LabelPredicate = compileSelector(selection.namespaceSelector);
      const labels: LabelPredicate = compileSelector(selection.podSelector);
      return (pod) => namespaces(pod.namespaceLabels) && labels(pod.spec.labels);
    }
    default:
      return assertNever(selection, 'pod selection');
  }
}

function compilePeer(spec: TierPeer): CompiledTierPeer {
  switch (spec.type) {
    case 'namespaces':
    case 'pods': {
      const selects = compileSelection(spec);
      return { spec, matchesPod: (pod) => (!pod.spec.hostNetwork && selects(pod) ? 'match' : 'miss'), matchesIp: () => 'miss' };
    }
    case 'networks': {
      const blocks = spec.cidrs.map(parseCidr).filter((block): block is Cidr => block !== undefined);
      const matchesIp = (ip: ParsedIp): PeerJudgement => (blocks.some((block) => cidrContains(block, ip)) ? 'match' : 'miss');
      return {
        spec,
        // The API: networks match cluster-internal traffic too, so a pod is judged by its address (of the
        // connection's family); without a known address, only the pod's run-time IP could tell.
        matchesPod: (pod, family) => {
          if (pod.ips.length === 0 && pod.ip === undefined) return 'ip-unknown';
          const ip = family === undefined ? pod.ip : pod.ips.find((candidate) => candidate.family === family);
          return ip === undefined ? 'miss' : matchesIp(ip);
        },
        matchesIp,
      };
    }
    case 'nodes':
      // Node addresses are not in the inventory: a host-networked pod or an outside address may be one.
      return { spec, matchesPod: (pod) => (pod.spec.hostNetwork ? 'node-unknown' : 'miss'), matchesIp: () => 'node-unknown' };
    case 'domainNames':
      // Whatever a name resolves to is decided by DNS at run time: never guessed offline.
      return { spec, matchesPod: () => 'dns', matchesIp: () => 'dns' };
    default:
      return assertNever(spec, 'tier peer');
  }
}

/** Whether a rule's port list admits the port: empty admits all; a named port is looked up on the destination pod. */
export function tierPortsMatch(ports: readonly TierPort[], port: number, protocol: Protocol, destination: CompiledPod | undefined): boolean {
  if (ports.length === 0) return true;
  return ports.some((entry) => {
    switch (entry.type) {
      case 'number':
        return entry.protocol === protocol && (entry.endPort === undefined ? port === entry.port : port >= entry.port && port <= entry.endPort);
      case 'named':
        return (entry.protocol === undefined || entry.protocol === protocol) && destination?.namedPorts.get(`${protocol}/${entry.name}`) === port;
      default:
        return assertNever(entry, 'tier port');
    }
  });
}
