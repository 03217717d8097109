/**
 * Reads a flows file's data (YAML or JSON, already parsed) back into a FlowsDocument, or says every
 * problem at once, each with its path and the offending value, the way a person fixes a file top to
 * bottom. Unknown fields are problems too: a misspelt `samples` must not silently read as absent.
 *
 * API: `validateFlowsDocument(data) → { ok: true, document } | { ok: false, issues }`, each issue
 * `{ path: ['flows', 3, 'port'], message }`. Pure; read-flows.ts (src/app/flows) reads the file.
 */
import type { FieldPath } from '../scenario/field-path.js';
import { IP_FAMILIES, type IpFamily } from '../model/family.js';
import { FLOWS_API_VERSION, FLOWS_KIND, type Flow, type FlowParty, type FlowProtocol, type FlowService, type FlowWitness, type FlowsDocument, type ObservedNode } from './types.js';

export interface FlowsIssue {
  readonly path: FieldPath;
  readonly message: string;
}

export type FlowsValidation = { readonly ok: true; readonly document: FlowsDocument } | { readonly ok: false; readonly issues: readonly FlowsIssue[] };

const PROTOCOLS: readonly FlowProtocol[] = ['TCP', 'UDP'];
const WITNESSES: readonly FlowWitness[] = ['client', 'server', 'conntrack'];
/** Whole seconds, UTC, as the fold writes them; fractions are accepted (a hand-edited file). */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

type Fields = Record<string, unknown>;

/** Collects issues while it reads; every reader returns a value (maybe a placeholder) so reading goes on. */
class Reader {
  readonly issues: FlowsIssue[] = [];

  problem(path: FieldPath, message: string): void {
    this.issues.push({ path, message });
  }

  /** `allowed`: the fields it may have, or 'any' (a label map's keys are free). */
  object(value: unknown, path: FieldPath, allowed: readonly string[] | 'any', what: string): Fields | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problem(path, `expected ${what}${allowed === 'any' ? '' : ` (${allowed.join(', ')})`} (got ${shown(value)})`);
      return undefined;
    }
    const fields = value as Fields;
    if (allowed === 'any') return fields;
    for (const key of Object.keys(fields)) {
      if (!allowed.includes(key)) this.problem([...path, key], `unknown field (value ${shown(fields[key])}); ${what} has ${allowed.join(', ')}`);
    }
    return fields;
  }

  string(fields: Fields, key: string, path: FieldPath, options: { optional?: boolean; empty?: boolean } = {}): string {
    const value = fields[key];
    if (value === undefined && options.optional) return '';
    if (typeof value !== 'string' || (!options.empty && value.trim() === '')) {
      this.problem([...path, key], value === undefined ? 'missing: expected a text' : `expected a non-empty text (got ${shown(value)})`);
      return '';
    }
    return value;
  }

  oneOf<T extends string>(fields: Fields, key: string, path: FieldPath, choices: readonly T[]): T {
    const value = fields[key];
    if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
    this.problem([...path, key], `${value === undefined ? 'missing' : `got ${shown(value)}`}: expected one of ${choices.join(', ')}`);
    return choices[0] as T;
  }

  integer(fields: Fields, key: string, path: FieldPath, min: number, max: number): number {
    const value = fields[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.problem([...path, key], `${value === undefined ? 'missing' : `got ${shown(value)}`}: expected a whole number from ${min} to ${max}`);
    return min;
  }

  time(fields: Fields, key: string, path: FieldPath): string {
    const value = fields[key];
    if (typeof value === 'string' && ISO_UTC.test(value) && Number.isFinite(Date.parse(value))) return value;
    this.problem([...path, key], `${value === undefined ? 'missing' : `got ${shown(value)}`}: expected a UTC time like "2026-12-07T10:02:11Z"`);
    // Not a time: no later comparison with it can fail (Date.parse gives NaN).
    return '';
  }

  list(value: unknown, path: FieldPath, what: string): readonly unknown[] {
    if (Array.isArray(value)) return value;
    this.problem(path, `${value === undefined ? 'missing' : `got ${shown(value)}`}: expected a list of ${what}`);
    return [];
  }

  strings(fields: Fields, key: string, path: FieldPath, what: string): string[] {
    return this.list(fields[key], [...path, key], what).flatMap((item, index) => {
      if (typeof item === 'string' && item.trim() !== '') return [item];
      this.problem([...path, key, index], `expected a non-empty text (got ${shown(item)})`);
      return [];
    });
  }

  choices<T extends string>(fields: Fields, key: string, path: FieldPath, choices: readonly T[]): T[] {
    const items = this.list(fields[key], [...path, key], choices.join(' or '));
    if (Array.isArray(fields[key]) && items.length === 0) this.problem([...path, key], `an empty list: expected at least one of ${choices.join(', ')}`);
    return items.flatMap((item, index) => {
      if (typeof item === 'string' && (choices as readonly string[]).includes(item)) return [item as T];
      this.problem([...path, key, index], `got ${shown(item)}: expected one of ${choices.join(', ')}`);
      return [];
    });
  }
}

export function validateFlowsDocument(data: unknown): FlowsValidation {
  const reader = new Reader();
  const root = reader.object(data, [], ['apiVersion', 'kind', 'cluster', 'namespaces', 'window', 'coverage', 'flows'], 'a flows document');
  if (root === undefined) return { ok: false, issues: reader.issues };
  if (root['apiVersion'] !== FLOWS_API_VERSION) {
    reader.problem(['apiVersion'], `got ${shown(root['apiVersion'])}: expected ${FLOWS_API_VERSION} (a flows file written by kubeknock observe)`);
  }
  if (root['kind'] !== FLOWS_KIND) reader.problem(['kind'], `got ${shown(root['kind'])}: expected ${FLOWS_KIND} (a flows file written by kubeknock observe)`);
  const cluster = reader.object(root['cluster'], ['cluster'], ['server'], 'the cluster observed');
  const server = cluster ? reader.string(cluster, 'server', ['cluster']) : '';
  const namespaces = reader.strings(root, 'namespaces', [], 'namespace names');
  const windowFields = reader.object(root['window'], ['window'], ['start', 'end', 'intervalSeconds', 'ended'], 'the observation window');
  const window = windowFields && {
    start: reader.time(windowFields, 'start', ['window']),
    end: reader.time(windowFields, 'end', ['window']),
    intervalSeconds: reader.integer(windowFields, 'intervalSeconds', ['window'], 1, 86_400),
    ended: reader.oneOf(windowFields, 'ended', ['window'], ['completed', 'interrupted'] as const),
  };
  if (window && Date.parse(window.end) < Date.parse(window.start)) reader.problem(['window', 'end'], `${window.end} is before window.start ${window.start}`);
  const coverageFields = reader.object(root['coverage'], ['coverage'], ['nodes', 'unseen'], 'the coverage');
  const nodes = coverageFields ? reader.list(coverageFields['nodes'], ['coverage', 'nodes'], 'nodes').map((node, index) => readNode(reader, node, ['coverage', 'nodes', index])) : [];
  const unseen = coverageFields ? reader.strings(coverageFields, 'unseen', ['coverage'], 'pods that cannot be seen') : [];
  const flows = reader.list(root['flows'], ['flows'], 'flows').map((flow, index) => readFlow(reader, flow, ['flows', index]));
  if (reader.issues.length > 0 || window === undefined) return { ok: false, issues: reader.issues };
  return {
    ok: true,
    document: { apiVersion: FLOWS_API_VERSION, kind: FLOWS_KIND, cluster: { server }, namespaces, window, coverage: { nodes, unseen }, flows },
  };
}

function readNode(reader: Reader, value: unknown, path: FieldPath): ObservedNode {
  const fields = reader.object(value, path, ['name', 'status', 'reason', 'samples', 'conntrack'], 'a node') ?? {};
  const status = reader.oneOf(fields, 'status', path, ['observed', 'not-observed'] as const);
  const reason = reader.string(fields, 'reason', path, { optional: true });
  if (status === 'not-observed' && reason === '') reader.problem([...path, 'reason'], 'missing: a node that was not observed says why (reason)');
  return {
    name: reader.string(fields, 'name', path),
    status,
    ...(reason === '' ? {} : { reason }),
    samples: reader.integer(fields, 'samples', path, 0, Number.MAX_SAFE_INTEGER),
    conntrack: reader.oneOf(fields, 'conntrack', path, ['read', 'unreadable'] as const),
  };
}

function readFlow(reader: Reader, value: unknown, path: FieldPath): Flow {
  const keys = ['source', 'destination', 'via', 'port', 'portName', 'protocol', 'families', 'firstSeen', 'lastSeen', 'samples', 'seenBy'];
  const fields = reader.object(value, path, keys, 'a flow') ?? {};
  const source = readParty(reader, fields['source'], [...path, 'source']);
  const destination = fields['destination'] === undefined || fields['destination'] === null ? undefined : readParty(reader, fields['destination'], [...path, 'destination']);
  const via = fields['via'] === undefined ? undefined : readService(reader, fields['via'], [...path, 'via']);
  if (destination === undefined && via === undefined) reader.problem([...path, 'destination'], 'missing: a flow names its destination, or the Service it went through (via)');
  const portName = reader.string(fields, 'portName', path, { optional: true });
  const firstSeen = reader.time(fields, 'firstSeen', path);
  const lastSeen = reader.time(fields, 'lastSeen', path);
  if (Date.parse(lastSeen) < Date.parse(firstSeen)) reader.problem([...path, 'lastSeen'], `${lastSeen} is before firstSeen ${firstSeen}`);
  return {
    source,
    destination,
    ...(via === undefined ? {} : { via }),
    port: reader.integer(fields, 'port', path, 1, 65_535),
    ...(portName === '' ? {} : { portName }),
    protocol: reader.oneOf(fields, 'protocol', path, PROTOCOLS),
    families: reader.choices<IpFamily>(fields, 'families', path, IP_FAMILIES),
    firstSeen,
    lastSeen,
    samples: reader.integer(fields, 'samples', path, 1, Number.MAX_SAFE_INTEGER),
    seenBy: reader.choices(fields, 'seenBy', path, WITNESSES),
  };
}

function readParty(reader: Reader, value: unknown, path: FieldPath): FlowParty {
  const kind = typeof value === 'object' && value !== null ? (value as Fields)['kind'] : undefined;
  switch (kind) {
    case 'workload': {
      const fields = reader.object(value, path, ['kind', 'identity', 'namespace', 'labels', 'workloads'], 'a workload party') ?? {};
      const labelsValue = reader.object(fields['labels'], [...path, 'labels'], 'any', 'the identity\'s labels (key: value)');
      const labels: Record<string, string> = {};
      for (const [key, label] of Object.entries(labelsValue ?? {})) {
        if (typeof label === 'string') labels[key] = label;
        else reader.problem([...path, 'labels', key], `expected a text (got ${shown(label)})`);
      }
      return { kind: 'workload', identity: reader.string(fields, 'identity', path), namespace: reader.string(fields, 'namespace', path), labels, workloads: reader.strings(fields, 'workloads', path, 'workloads') };
    }
    case 'node': {
      const fields = reader.object(value, path, ['kind', 'name'], 'a node party') ?? {};
      return { kind: 'node', name: reader.string(fields, 'name', path) };
    }
    case 'external': {
      const fields = reader.object(value, path, ['kind', 'address'], 'an external party') ?? {};
      return { kind: 'external', address: reader.string(fields, 'address', path) };
    }
    default:
      reader.problem(value === undefined ? path : [...path, 'kind'], `${value === undefined ? 'missing' : `got kind ${shown(kind)}`}: expected a party of kind workload, node or external`);
      return { kind: 'external', address: '' };
  }
}

function readService(reader: Reader, value: unknown, path: FieldPath): FlowService {
  const fields = reader.object(value, path, ['namespace', 'name', 'port'], 'the Service dialled') ?? {};
  return { namespace: reader.string(fields, 'namespace', path), name: reader.string(fields, 'name', path), port: reader.integer(fields, 'port', path, 1, 65_535) };
}

/** The offending value, short: a whole object in a message helps nobody. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
