/**
 * NetworkPolicy (networking.k8s.io/v1) as the API server accepts and defaults it. Anything it would
 * reject becomes an issue; the policy is then left out, since it could never exist in a cluster.
 */
import { portNameProblem } from '../../model/kube-rules.js';
import { cidrWithin, parseCidr } from '../cidr.js';
import { PROTOCOLS, type DirectionSpec, type PeerSpec, type PolicySpec, type PortSpec, type Protocol, type RuleSpec } from '../types.js';
import { decodeSelector } from './labels.js';
import { Reader, type FieldPath } from './reader.js';

const POLICY_TYPES = ['Ingress', 'Egress'] as const;

export function decodeNetworkPolicy(reader: Reader, metadata: { namespace: string; name: string; line: number }): PolicySpec | undefined {
  const before = reader.issues.length;
  reader.policy = { namespace: metadata.namespace, name: metadata.name };
  const root = reader.record(reader.raw.value, []) ?? {};
  // A missing spec is the zero value: podSelector {} and the defaulted policyTypes [Ingress].
  const spec = reader.record(root.spec, ['spec']) ?? {};
  reader.knownFields(spec, ['spec'], ['podSelector', 'policyTypes', 'ingress', 'egress']);
  const podSelector = decodeSelector(reader, spec.podSelector, ['spec', 'podSelector']);
  const ingress = decodeRules(reader, spec.ingress, 'ingress');
  const egress = decodeRules(reader, spec.egress, 'egress');

  const declared = reader.list(spec.policyTypes, ['spec', 'policyTypes']).flatMap((item, index) => {
    if (item === 'Ingress' || item === 'Egress') return [item];
    reader.issue(['spec', 'policyTypes', index], `must be one of ${POLICY_TYPES.join(', ')}, found ${JSON.stringify(item)}`);
    return [];
  });
  // API server defaulting: no policyTypes means [Ingress], plus Egress when the egress list is non-empty.
  const policyTypes = declared.length > 0 ? declared : egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];

  if (reader.issues.length > before) return undefined;
  const direction = (type: 'Ingress' | 'Egress', rules: readonly RuleSpec[]): DirectionSpec => ({ isolates: policyTypes.includes(type), rules });
  return {
    namespace: metadata.namespace,
    name: metadata.name,
    podSelector,
    ingress: direction('Ingress', ingress),
    egress: direction('Egress', egress),
    source: { file: reader.raw.file, line: metadata.line },
  };
}

function decodeRules(reader: Reader, value: unknown, direction: 'ingress' | 'egress'): RuleSpec[] {
  const peerField = direction === 'ingress' ? 'from' : 'to';
  return reader.list(value, ['spec', direction]).flatMap((item, index): RuleSpec[] => {
    const at: FieldPath = ['spec', direction, index];
    // `- {}` (or a bare `-`) is a rule with no peers and no ports: it admits everything.
    const rule = item === null ? {} : reader.record(item, at);
    if (!rule) return [];
    reader.knownFields(rule, at, [peerField, 'ports']);
    const peers = reader.list(rule[peerField], [...at, peerField]).flatMap((peer, i) => decodePeer(reader, peer, [...at, peerField, i]));
    const ports = reader.list(rule.ports, [...at, 'ports']).flatMap((port, i) => decodePort(reader, port, [...at, 'ports', i]));
    return [{ path: `spec.${direction}[${index}]`, line: reader.raw.locate(at).line, peers, ports }];
  });
}

function decodePeer(reader: Reader, value: unknown, at: FieldPath): PeerSpec[] {
  const peer = reader.record(value, at);
  if (!peer) return [];
  reader.knownFields(peer, at, ['podSelector', 'namespaceSelector', 'ipBlock']);
  const hasPod = peer.podSelector !== undefined && peer.podSelector !== null;
  const hasNamespace = peer.namespaceSelector !== undefined && peer.namespaceSelector !== null;
  const hasIpBlock = peer.ipBlock !== undefined && peer.ipBlock !== null;
  // API server rule: a peer sets ipBlock alone, or podSelector and/or namespaceSelector; never nothing.
  if (!hasPod && !hasNamespace && !hasIpBlock) {
    reader.issue(at, 'must specify a peer (podSelector, namespaceSelector or ipBlock); an empty entry is rejected');
    return [];
  }
  if (hasIpBlock && (hasPod || hasNamespace)) {
    reader.issue(at, 'ipBlock may not be combined with podSelector or namespaceSelector in one peer');
    return [];
  }
  if (hasIpBlock) return decodeIpBlock(reader, peer.ipBlock, [...at, 'ipBlock']);
  return [
    {
      type: 'pods',
      ...(hasNamespace ? { namespaceSelector: decodeSelector(reader, peer.namespaceSelector, [...at, 'namespaceSelector']) } : {}),
      ...(hasPod ? { podSelector: decodeSelector(reader, peer.podSelector, [...at, 'podSelector']) } : {}),
    },
  ];
}

function decodeIpBlock(reader: Reader, value: unknown, at: FieldPath): PeerSpec[] {
  const block = reader.record(value, at);
  if (!block) return [];
  reader.knownFields(block, at, ['cidr', 'except']);
  const cidrText = reader.string(block.cidr, [...at, 'cidr']);
  const cidr = cidrText === undefined ? undefined : parseCidr(cidrText);
  if (!cidr) {
    reader.issue([...at, 'cidr'], cidrText === undefined ? 'is required' : `must be a CIDR like 10.0.0.0/8, found "${cidrText}"`);
    return [];
  }
  const except = reader.list(block.except, [...at, 'except']).flatMap((item, index) => {
    const text = reader.string(item, [...at, 'except', index]);
    const inner = text === undefined ? undefined : parseCidr(text);
    if (!inner) {
      reader.issue([...at, 'except', index], `must be a CIDR, found ${JSON.stringify(item)}`);
      return [];
    }
    // API server rule: each except block must be a strict subset of cidr.
    if (!cidrWithin(inner, cidr) || inner.prefix <= cidr.prefix) {
      reader.issue([...at, 'except', index], `${JSON.stringify(text)} must be a strict subset of cidr ${cidrText}`);
      return [];
    }
    return [text as string];
  });
  return [{ type: 'ipBlock', cidr: cidrText as string, except }];
}

function decodePort(reader: Reader, value: unknown, at: FieldPath): PortSpec[] {
  const entry = reader.record(value, at);
  if (!entry) return [];
  reader.knownFields(entry, at, ['port', 'endPort', 'protocol']);
  // API server defaulting: protocol TCP.
  const protocolText = reader.string(entry.protocol, [...at, 'protocol']) ?? 'TCP';
  if (!(PROTOCOLS as readonly string[]).includes(protocolText)) {
    reader.issue([...at, 'protocol'], `must be one of ${PROTOCOLS.join(', ')}, found "${protocolText}"`);
    return [];
  }
  const protocol = protocolText as Protocol;
  const port: unknown = entry.port;
  const endPort = reader.integer(entry.endPort, [...at, 'endPort'], 1, 65535);
  if (port === undefined || port === null) {
    if (entry.endPort !== undefined && entry.endPort !== null) reader.issue([...at, 'endPort'], `endPort ${JSON.stringify(entry.endPort)} requires a numeric port (port is not set)`);
    return [{ type: 'all-ports', protocol }];
  }
  if (typeof port === 'string') {
    if (entry.endPort !== undefined && entry.endPort !== null) reader.issue([...at, 'endPort'], `endPort ${JSON.stringify(entry.endPort)} may not be set when port is a name (${JSON.stringify(port)})`);
    const nameProblem = portNameProblem(port);
    if (nameProblem) {
      reader.issue([...at, 'port'], `must be a number or a port name: ${nameProblem}`);
      return [];
    }
    return [{ type: 'named', protocol, name: port }];
  }
  const number = reader.integer(port, [...at, 'port'], 1, 65535);
  if (number === undefined) return [];
  if (endPort !== undefined && endPort < number) {
    reader.issue([...at, 'endPort'], `${endPort} must be greater than or equal to port (${number})`);
    return [];
  }
  return [{ type: 'number', protocol, port: number, ...(endPort === undefined ? {} : { endPort }) }];
}
