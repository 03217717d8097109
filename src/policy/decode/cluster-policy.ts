/**
 * ClusterNetworkPolicy (policy.networking.k8s.io v1beta1 and v1alpha2, one schema), AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy (v1alpha1) as their CRDs accept them. Anything the API server would reject
 * becomes an issue and the policy is left out, as it could never exist in a cluster.
 */
import type { ClusterPolicyKind, ClusterPolicySpec, Tier, TierAction, TierPeer, TierPort, TierRuleSpec } from '../types.js';
import { decodeProtocol, decodeV1alpha1Port } from './tier-ports.js';
import { boundedList, decodePeer, decodeSubject, type PeerDialect } from './tier-peers.js';
import type { FieldPath, Reader } from './reader.js';

interface Dialect extends PeerDialect {
  readonly kind: ClusterPolicyKind;
  /** The tier when the kind fixes it; undefined: read `spec.tier`. */
  readonly tier?: Tier;
  readonly hasPriority: boolean;
  /** What the user writes → the engine's action (v1alpha1 `Allow` is `Accept`). */
  readonly actions: Readonly<Record<string, TierAction>>;
  readonly maxRules: number;
  readonly maxPeers: number;
  /** `protocols` (ClusterNetworkPolicy) or `ports` (v1alpha1). */
  readonly portsField: 'protocols' | 'ports';
  readonly maxPorts: number;
}

const DIALECTS: Readonly<Record<ClusterPolicyKind, Dialect>> = {
  ClusterNetworkPolicy: {
    kind: 'ClusterNetworkPolicy',
    hasPriority: true,
    actions: { Accept: 'Accept', Deny: 'Deny', Pass: 'Pass' },
    maxRules: 25,
    maxPeers: 25,
    portsField: 'protocols',
    maxPorts: 25,
    maskedCidrs: true,
    domainNames: true,
  },
  AdminNetworkPolicy: {
    kind: 'AdminNetworkPolicy',
    tier: 'Admin',
    hasPriority: true,
    actions: { Allow: 'Accept', Deny: 'Deny', Pass: 'Pass' },
    maxRules: 100,
    maxPeers: 100,
    portsField: 'ports',
    maxPorts: 100,
    maskedCidrs: false,
    domainNames: false,
  },
  BaselineAdminNetworkPolicy: {
    kind: 'BaselineAdminNetworkPolicy',
    tier: 'Baseline',
    hasPriority: false,
    actions: { Allow: 'Accept', Deny: 'Deny' },
    maxRules: 100,
    maxPeers: 100,
    portsField: 'ports',
    maxPorts: 100,
    maskedCidrs: false,
    domainNames: false,
  },
};

export function decodeClusterPolicy(reader: Reader, kind: ClusterPolicyKind, metadata: { name: string; line: number }): ClusterPolicySpec | undefined {
  const dialect = DIALECTS[kind];
  const before = reader.issues.length;
  const root = reader.record(reader.raw.value, []) ?? {};
  // CEL rule of the v1alpha1 CRD: the baseline is a singleton.
  if (kind === 'BaselineAdminNetworkPolicy' && metadata.name !== 'default') {
    reader.issue(['metadata', 'name'], `must be "default", found ${JSON.stringify(metadata.name)} (there is one BaselineAdminNetworkPolicy per cluster)`);
  }
  const spec = reader.record(root.spec, ['spec']);
  if (!spec) {
    reader.issue(['spec'], 'is required');
    return undefined;
  }
  reader.knownFields(spec, ['spec'], [...(dialect.tier ? [] : ['tier']), ...(dialect.hasPriority ? ['priority'] : []), 'subject', 'ingress', 'egress']);
  const tier = dialect.tier ?? decodeTier(reader, spec.tier);
  const priority = dialect.hasPriority ? decodePriority(reader, spec.priority) : 0;
  const subject = decodeSubject(reader, spec.subject, ['spec', 'subject']);
  const ingress = decodeRules(reader, spec.ingress, 'ingress', dialect);
  const egress = decodeRules(reader, spec.egress, 'egress', dialect);
  if (reader.issues.length > before || tier === undefined || priority === undefined || subject === undefined) return undefined;
  return { kind, name: metadata.name, tier, priority, subject, ingress, egress, source: { file: reader.raw.file, line: metadata.line } };
}

function decodeTier(reader: Reader, value: unknown): Tier | undefined {
  if (value === 'Admin' || value === 'Baseline') return value;
  reader.issue(['spec', 'tier'], value === undefined || value === null ? 'is required: Admin or Baseline' : `must be Admin or Baseline, found ${JSON.stringify(value)}`);
  return undefined;
}

function decodePriority(reader: Reader, value: unknown): number | undefined {
  if (value === undefined || value === null) {
    reader.issue(['spec', 'priority'], 'is required: an integer from 0 (judged first) to 1000');
    return undefined;
  }
  return reader.integer(value, ['spec', 'priority'], 0, 1000);
}

function decodeRules(reader: Reader, value: unknown, direction: 'ingress' | 'egress', dialect: Dialect): TierRuleSpec[] {
  const items = reader.list(value, ['spec', direction]);
  if (items.length > dialect.maxRules) reader.issue(['spec', direction], `has ${items.length} rules; at most ${dialect.maxRules} are allowed`);
  return items.flatMap((item, index) => decodeRule(reader, item, ['spec', direction, index], direction, dialect) ?? []);
}

function decodeRule(reader: Reader, value: unknown, at: FieldPath, direction: 'ingress' | 'egress', dialect: Dialect): TierRuleSpec | undefined {
  const rule = reader.record(value, at);
  if (!rule) return undefined;
  const before = reader.issues.length;
  const peerField = direction === 'ingress' ? 'from' : 'to';
  reader.knownFields(rule, at, ['name', 'action', peerField, dialect.portsField]);
  const name = reader.string(rule.name, [...at, 'name']);
  if (name !== undefined && name.length > 100) reader.issue([...at, 'name'], `is ${name.length} characters long; at most 100 are allowed`);
  const action = typeof rule.action === 'string' ? dialect.actions[rule.action] : undefined;
  if (action === undefined) {
    const allowed = Object.keys(dialect.actions).join(', ');
    reader.issue([...at, 'action'], rule.action === undefined || rule.action === null ? `is required: one of ${allowed}` : `must be one of ${allowed}, found ${JSON.stringify(rule.action)}`);
  }
  if (rule[peerField] === undefined || rule[peerField] === null) reader.issue([...at, peerField], `is required: list at least one peer`);
  const peers = boundedList(reader, rule[peerField], [...at, peerField], dialect.maxPeers).flatMap(
    (peer, index) => decodePeer(reader, peer, [...at, peerField, index], direction, dialect) ?? [],
  );
  const ports = boundedList(reader, rule[dialect.portsField], [...at, dialect.portsField], dialect.maxPorts).flatMap(
    (port, index): TierPort[] => {
      const decoded = (dialect.portsField === 'protocols' ? decodeProtocol : decodeV1alpha1Port)(reader, port, [...at, dialect.portsField, index]);
      return decoded ? [decoded] : [];
    },
  );
  checkNamedPortPeers(reader, at, peers, ports, dialect);
  if (reader.issues.length > before || action === undefined) return undefined;
  const line = reader.raw.locate(at).line;
  return { path: `spec.${direction}[${at[2] as number}]`, line, ...(name ? { name } : {}), action, peers, ports };
}

/** CEL rule on egress rules: a named port exists only on pods, so it cannot go with networks, nodes or domainNames peers. */
function checkNamedPortPeers(reader: Reader, at: FieldPath, peers: readonly TierPeer[], ports: readonly TierPort[], dialect: Dialect): void {
  const addressPeer = peers.find((peer) => peer.type === 'networks' || peer.type === 'nodes' || peer.type === 'domainNames');
  if (addressPeer && ports.some((port) => port.type === 'named')) {
    reader.issue([...at, dialect.portsField], `a named port cannot be used with a ${addressPeer.type} peer (only pods have named ports): use port numbers, or split the rule`);
  }
}
