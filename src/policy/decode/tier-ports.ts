/**
 * Port matches of cluster-scoped policies: ClusterNetworkPolicy's `protocols` and v1alpha1's `ports`,
 * checked as their CRD schemas and CEL rules check them.
 */
import { portNameProblem } from '../../model/kube-rules.js';
import type { TierPort } from '../types.js';
import { PROTOCOLS, type Protocol } from '../types.js';
import type { FieldPath, Reader } from './reader.js';

/** One `protocols` entry: exactly one of tcp, udp, sctp (each with a destinationPort) or destinationNamedPort. */
export function decodeProtocol(reader: Reader, value: unknown, at: FieldPath): TierPort | undefined {
  const record = reader.record(value, at);
  if (!record) return undefined;
  const fields = ['tcp', 'udp', 'sctp', 'destinationNamedPort'];
  reader.knownFields(record, at, fields);
  const set = fields.filter((key) => record[key] !== undefined && record[key] !== null);
  if (set.length !== 1) {
    reader.issue(at, `must set exactly one of ${fields.join(', ')}; ${set.length === 0 ? 'none is' : `${set.join(' and ')} are`} set`);
    return undefined;
  }
  const [field] = set;
  if (field === 'destinationNamedPort') return namedPort(reader, record.destinationNamedPort, [...at, field]);
  const protocol = (field ?? 'tcp').toUpperCase() as Protocol;
  const inner = reader.record(record[field ?? 'tcp'], [...at, field ?? 'tcp']);
  if (!inner) return undefined;
  reader.knownFields(inner, [...at, field ?? 'tcp'], ['destinationPort']);
  const portAt: FieldPath = [...at, field ?? 'tcp', 'destinationPort'];
  const port = reader.record(inner.destinationPort, portAt);
  if (!port) {
    reader.issue(portAt, 'is required: give number or range');
    return undefined;
  }
  reader.knownFields(port, portAt, ['number', 'range']);
  const hasNumber = port.number !== undefined && port.number !== null;
  const hasRange = port.range !== undefined && port.range !== null;
  if (hasNumber === hasRange) {
    reader.issue(portAt, `must set exactly one of number, range; ${hasNumber ? 'both are' : 'none is'} set`);
    return undefined;
  }
  if (hasNumber) {
    const number = reader.integer(port.number, [...portAt, 'number'], 1, 65535);
    return number === undefined ? undefined : { type: 'number', protocol, port: number };
  }
  return portRange(reader, port.range, [...portAt, 'range'], protocol, true);
}

/** One v1alpha1 `ports` entry: exactly one of portNumber, namedPort, portRange. */
export function decodeV1alpha1Port(reader: Reader, value: unknown, at: FieldPath): TierPort | undefined {
  const record = reader.record(value, at);
  if (!record) return undefined;
  const fields = ['portNumber', 'namedPort', 'portRange'];
  reader.knownFields(record, at, fields);
  const set = fields.filter((key) => record[key] !== undefined && record[key] !== null);
  if (set.length !== 1) {
    reader.issue(at, `must set exactly one of ${fields.join(', ')}; ${set.length === 0 ? 'none is' : `${set.join(' and ')} are`} set`);
    return undefined;
  }
  if (set[0] === 'namedPort') return namedPort(reader, record.namedPort, [...at, 'namedPort']);
  const field = set[0] === 'portNumber' ? 'portNumber' : 'portRange';
  const inner = reader.record(record[field], [...at, field]);
  if (!inner) return undefined;
  reader.knownFields(inner, [...at, field], field === 'portNumber' ? ['protocol', 'port'] : ['protocol', 'start', 'end']);
  // CRD default: protocol TCP.
  const text = reader.string(inner.protocol, [...at, field, 'protocol']) ?? 'TCP';
  if (!(PROTOCOLS as readonly string[]).includes(text)) {
    reader.issue([...at, field, 'protocol'], `must be one of ${PROTOCOLS.join(', ')}, found ${JSON.stringify(text)}`);
    return undefined;
  }
  const protocol = text as Protocol;
  if (field === 'portRange') return portRange(reader, inner, [...at, field], protocol, false);
  if (inner.port === undefined || inner.port === null) {
    reader.issue([...at, field, 'port'], 'is required');
    return undefined;
  }
  const number = reader.integer(inner.port, [...at, field, 'port'], 1, 65535);
  return number === undefined ? undefined : { type: 'number', protocol, port: number };
}

/**
 * start..end inclusive. ClusterNetworkPolicy's CEL rule demands start < end; v1alpha1 states it in
 * prose only (its CRD has no rule), so there start ≤ end is taken and a reversed range left to lint.
 */
function portRange(reader: Reader, value: unknown, at: FieldPath, protocol: Protocol, strict: boolean): TierPort | undefined {
  const range = reader.record(value, at);
  if (!range) return undefined;
  if (strict) reader.knownFields(range, at, ['start', 'end']);
  for (const key of ['start', 'end'] as const) if (range[key] === undefined || range[key] === null) reader.issue([...at, key], 'is required');
  const start = reader.integer(range.start, [...at, 'start'], 1, 65535);
  const end = reader.integer(range.end, [...at, 'end'], 1, 65535);
  if (start === undefined || end === undefined) return undefined;
  if (strict ? start >= end : start > end) {
    reader.issue(at, `start (${start}) must be less than end (${end})${strict && start === end ? `: for one port write number: ${start}` : ''}`);
    return undefined;
  }
  return { type: 'number', protocol, port: start, endPort: end };
}

function namedPort(reader: Reader, value: unknown, at: FieldPath): TierPort | undefined {
  const name = reader.string(value, at);
  if (name === undefined) return undefined;
  const problem = portNameProblem(name);
  if (problem) {
    reader.issue(at, `must be a container port name: ${problem}`);
    return undefined;
  }
  return { type: 'named', name };
}
