/**
 * Subjects and peers of cluster-scoped policies (ClusterNetworkPolicy, AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy), checked as their CRD schemas and CEL rules check them.
 */
import { parseCidr, parseIp } from '../cidr.js';
import type { TierPeer, TierPodSelection } from '../types.js';
import { decodeSelector } from './labels.js';
import type { FieldPath, Reader } from './reader.js';

/** What differs between the API versions. */
export interface PeerDialect {
  /** ClusterNetworkPolicy: the CIDR must have no host bits (`cidr(self) == cidr(self).masked()`). */
  readonly maskedCidrs: boolean;
  /** ClusterNetworkPolicy egress peers may name domains (experimental). */
  readonly domainNames: boolean;
}

const MAX_LIST = 25;
// The CRD's pattern for one domain name: optional `*.` prefix, then DNS labels (underscores allowed), optional final dot.
const DOMAIN_NAME = /^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$/;

/** `subject`, or a `namespaces` / `pods` peer: exactly one of the two (MinProperties = MaxProperties = 1). */
export function decodeSubject(reader: Reader, value: unknown, at: FieldPath): TierPodSelection | undefined {
  const record = reader.record(value, at);
  if (!record) {
    reader.issue(at, 'is required: set exactly one of namespaces or pods');
    return undefined;
  }
  reader.knownFields(record, at, ['namespaces', 'pods']);
  return onlyOne(reader, record, at, ['namespaces', 'pods']) === 'namespaces'
    ? { type: 'namespaces', namespaces: decodeSelector(reader, record.namespaces, [...at, 'namespaces']) }
    : record.pods === undefined ? undefined : decodeNamespacedPod(reader, record.pods, [...at, 'pods']);
}

export function decodePeer(reader: Reader, value: unknown, at: FieldPath, direction: 'ingress' | 'egress', dialect: PeerDialect): TierPeer | undefined {
  const record = reader.record(value, at);
  if (!record) return undefined;
  const known = direction === 'ingress' ? ['namespaces', 'pods'] : ['namespaces', 'pods', 'nodes', 'networks', ...(dialect.domainNames ? ['domainNames'] : [])];
  reader.knownFields(record, at, known);
  const field = onlyOne(reader, record, at, known);
  switch (field) {
    case 'namespaces':
      return { type: 'namespaces', namespaces: decodeSelector(reader, record.namespaces, [...at, 'namespaces']) };
    case 'pods':
      return decodeNamespacedPod(reader, record.pods, [...at, 'pods']);
    case 'nodes':
      return { type: 'nodes', nodes: decodeSelector(reader, record.nodes, [...at, 'nodes']) };
    case 'networks': {
      const cidrs = boundedList(reader, record.networks, [...at, 'networks']).flatMap((item, index) => decodeCidr(reader, item, [...at, 'networks', index], dialect) ?? []);
      return { type: 'networks', cidrs };
    }
    case 'domainNames': {
      const names = boundedList(reader, record.domainNames, [...at, 'domainNames']).flatMap((item, index) => {
        const text = reader.string(item, [...at, 'domainNames', index]);
        if (text !== undefined && DOMAIN_NAME.test(text)) return [text];
        if (text !== undefined) reader.issue([...at, 'domainNames', index], `${JSON.stringify(text)} is not a domain name (e.g. "example.com" or "*.example.com"; '*' only as the whole first label)`);
        return [];
      });
      return { type: 'domainNames', names };
    }
    default:
      return undefined;
  }
}

/** `pods: {namespaceSelector, podSelector}`: podSelector is required (`{}` selects every pod). */
function decodeNamespacedPod(reader: Reader, value: unknown, at: FieldPath): TierPodSelection | undefined {
  const record = reader.record(value, at);
  if (!record) return undefined;
  reader.knownFields(record, at, ['namespaceSelector', 'podSelector']);
  if (record.podSelector === undefined || record.podSelector === null) {
    reader.issue([...at, 'podSelector'], 'is required (write podSelector: {} for every pod of the selected namespaces)');
    return undefined;
  }
  return {
    type: 'pods',
    namespaceSelector: decodeSelector(reader, record.namespaceSelector, [...at, 'namespaceSelector']),
    podSelector: decodeSelector(reader, record.podSelector, [...at, 'podSelector']),
  };
}

function decodeCidr(reader: Reader, value: unknown, at: FieldPath, dialect: PeerDialect): string | undefined {
  const text = reader.string(value, at);
  if (text === undefined) return undefined;
  const cidr = text.length <= 43 ? parseCidr(text) : undefined;
  if (!cidr) {
    reader.issue(at, `must be a CIDR of at most 43 characters like 10.0.0.0/8 or fd00::/8, found ${JSON.stringify(text)}`);
    return undefined;
  }
  // v1alpha1's rule: an IPv4 or an IPv6 CIDR, not an IPv4 address embedded in IPv6.
  if (!dialect.maskedCidrs && text.includes(':') && text.includes('.')) {
    reader.issue(at, `${JSON.stringify(text)} embeds an IPv4 address in IPv6, which the API rejects: write the IPv4 CIDR`);
    return undefined;
  }
  if (dialect.maskedCidrs && !isMasked(text, cidr.base)) {
    reader.issue(at, `${JSON.stringify(text)} has host bits set: write the network address (the API server rejects it as an invalid CIDR)`);
    return undefined;
  }
  return text;
}

/** Whether the address part has no bits set past the prefix (parseCidr clears them in `base`). */
function isMasked(text: string, base: bigint): boolean {
  const ip = parseIp(text.slice(0, text.indexOf('/')));
  return ip !== undefined && ip.value === base;
}

/** A list with 1 to 25 items (the CRD's MinItems / MaxItems). */
export function boundedList(reader: Reader, value: unknown, at: FieldPath, max = MAX_LIST): readonly unknown[] {
  const items = reader.list(value, at);
  if (value !== undefined && value !== null && Array.isArray(value) && items.length === 0) reader.issue(at, 'must have at least 1 item (leave the field out instead)');
  if (items.length > max) reader.issue(at, `has ${items.length} items; at most ${max} are allowed`);
  return items.slice(0, max);
}

/** Exactly one of `fields` is set; the one set, or undefined (with an issue). */
function onlyOne(reader: Reader, record: Readonly<Record<string, unknown>>, at: FieldPath, fields: readonly string[]): string | undefined {
  const set = Object.keys(record).filter((key) => record[key] !== undefined && record[key] !== null);
  const known = set.filter((key) => fields.includes(key));
  if (known.length === 1) return known[0];
  // An unknown field alone was already reported by knownFields.
  if (known.length === 0 && set.length === 0) reader.issue(at, `must set exactly one of ${fields.join(', ')}; none is set`);
  else reader.issue(at, `must set exactly one of ${known.join(', ')}; ${known.length} are set (split them into separate entries)`);
  return undefined;
}
