/** Namespaces, Pods, workloads (their pod template stands for their pods) and Services. */
import { portNameProblem } from '../../model/kube-rules.js';
import { LEGACY_ISOLATION_ANNOTATION, PROTOCOLS, type ContainerPort, type NamespaceSpec, type PodKind, type PodSpec, type Protocol, type ServiceSpec } from '../types.js';
import { decodeLabels } from './labels.js';
import { Reader, type FieldPath } from './reader.js';

export interface Metadata {
  readonly namespace: string;
  readonly name: string;
  readonly line: number;
}

export function decodeNamespace(reader: Reader, metadata: Metadata): NamespaceSpec {
  const root = reader.record(reader.raw.value, []) ?? {};
  const meta = reader.record(root.metadata, ['metadata']) ?? {};
  const status = reader.record(root.status, ['status']) ?? {};
  const terminating = (meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null) || status.phase === 'Terminating';
  const annotations = reader.record(meta.annotations, ['metadata', 'annotations']);
  const legacy = annotations?.[LEGACY_ISOLATION_ANNOTATION];
  return {
    name: metadata.name,
    labels: decodeLabels(reader, meta.labels, ['metadata', 'labels']),
    ...(terminating ? { terminating: true as const } : {}),
    ...(typeof legacy === 'string' ? { legacyIsolation: legacy } : {}),
  };
}

/** Where each kind keeps the pod it stands for: a Pod is one; a CronJob's template sits inside its jobTemplate. */
const TEMPLATE_PATH: Readonly<Record<PodKind, FieldPath>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** A Pod, or a workload's pod template named after the workload. */
export function decodePodLike(reader: Reader, kind: PodKind, metadata: Metadata): PodSpec {
  const root = reader.record(reader.raw.value, []) ?? {};
  const metaPath: FieldPath = [...TEMPLATE_PATH[kind], 'metadata'];
  const specPath: FieldPath = [...TEMPLATE_PATH[kind], 'spec'];
  const meta = reader.record(dig(root, metaPath), metaPath) ?? {};
  const spec = reader.record(dig(root, specPath), specPath) ?? {};
  const labels = decodeLabels(reader, meta.labels, [...metaPath, 'labels']);
  const hostNetwork = reader.boolean(spec.hostNetwork, [...specPath, 'hostNetwork']) ?? false;
  const containerPorts: ContainerPort[] = [];
  reader.list(spec.containers, [...specPath, 'containers']).forEach((item, c) => {
    const container = reader.record(item, [...specPath, 'containers', c]);
    reader.list(container?.ports, [...specPath, 'containers', c, 'ports']).forEach((portItem, p) => {
      const at: FieldPath = [...specPath, 'containers', c, 'ports', p];
      const entry = reader.record(portItem, at);
      if (!entry) return;
      const port = reader.integer(entry.containerPort, [...at, 'containerPort'], 1, 65535);
      const name = reader.string(entry.name, [...at, 'name']);
      const protocol = decodeProtocol(reader, entry.protocol, [...at, 'protocol']);
      if (port === undefined) return reader.issue([...at, 'containerPort'], 'is required');
      containerPorts.push({ port, protocol, ...(name === undefined ? {} : { name }) });
    });
  });
  const status = kind === 'Pod' ? reader.record(root.status, ['status']) : undefined;
  const ip = reader.string(status?.podIP, ['status', 'podIP']);
  const ips = reader
    .list(status?.podIPs, ['status', 'podIPs'])
    .flatMap((entry, i) => reader.string(reader.record(entry, ['status', 'podIPs', i])?.ip, ['status', 'podIPs', i, 'ip']) ?? []);
  const owner = decodeOwner(reader, reader.record(root.metadata, ['metadata'])?.ownerReferences);
  return {
    namespace: metadata.namespace,
    name: metadata.name,
    labels,
    ...(ip ? { ip } : {}),
    ...(ips.length > 0 ? { ips: ip && !ips.includes(ip) ? [ip, ...ips] : ips } : {}),
    hostNetwork,
    containerPorts,
    kind,
    ...(owner ? { owner } : {}),
    source: { file: reader.raw.file, line: metadata.line },
  };
}

/** The owner reference marked `controller: true` (at most one per object, an API server rule). */
function decodeOwner(reader: Reader, value: unknown): PodSpec['owner'] {
  for (const [index, item] of reader.list(value, ['metadata', 'ownerReferences']).entries()) {
    const at: FieldPath = ['metadata', 'ownerReferences', index];
    const entry = reader.record(item, at);
    if (reader.boolean(entry?.controller, [...at, 'controller']) !== true) continue;
    const kind = reader.string(entry?.kind, [...at, 'kind']);
    const name = reader.string(entry?.name, [...at, 'name']);
    if (kind !== undefined && name !== undefined) return { kind, name };
  }
  return undefined;
}

export function decodeService(reader: Reader, metadata: Metadata): ServiceSpec {
  const root = reader.record(reader.raw.value, []) ?? {};
  const spec = reader.record(root.spec, ['spec']) ?? {};
  const labels = spec.selector === undefined || spec.selector === null ? undefined : decodeLabels(reader, spec.selector, ['spec', 'selector']);
  // The endpoints controller manages endpoints only for a non-empty selector: `selector: {}` selects no
  // pod (not every pod), like a Service without one whose endpoints someone else writes.
  const selector = labels && Object.keys(labels).length > 0 ? labels : undefined;
  const ports = reader.list(spec.ports, ['spec', 'ports']).flatMap((item, index) => {
    const at: FieldPath = ['spec', 'ports', index];
    const entry = reader.record(item, at);
    const port = reader.integer(entry?.port, [...at, 'port'], 1, 65535);
    if (!entry || port === undefined) return [];
    const targetPort = decodeTargetPort(reader, entry.targetPort, [...at, 'targetPort'], port);
    if (targetPort === undefined) return [];
    return [{ port, protocol: decodeProtocol(reader, entry.protocol, [...at, 'protocol']), targetPort }];
  });
  return { namespace: metadata.namespace, name: metadata.name, ...(selector ? { selector } : {}), ports, source: { file: reader.raw.file, line: metadata.line } };
}

/**
 * API server rules for a Service port's targetPort: absent, 0 or "" default to `port`; a number must be
 * 1-65535; a string must be a container port name (IANA_SVC_NAME). Undefined (with an issue) when invalid.
 */
function decodeTargetPort(reader: Reader, value: unknown, path: FieldPath, port: number): number | string | undefined {
  if (value === undefined || value === null || value === 0 || value === '') return port;
  if (typeof value === 'string') {
    const problem = portNameProblem(value);
    if (problem === undefined) return value;
    const fix = /^[0-9]+$/.test(value) ? `write the number without quotes (targetPort: ${value})` : 'use the name of a container port of the backends, or its number';
    reader.issue(path, `must be a port number 1-65535 or a container port name: ${problem}; ${fix}`);
    return undefined;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535) return value;
  reader.issue(path, `must be a port number 1-65535 or a container port name, found ${JSON.stringify(value)}; give the port the backend pods listen on (or leave it out: it defaults to port ${port})`);
  return undefined;
}

function decodeProtocol(reader: Reader, value: unknown, path: FieldPath): Protocol {
  const text = reader.string(value, path) ?? 'TCP';
  if ((PROTOCOLS as readonly string[]).includes(text)) return text as Protocol;
  reader.issue(path, `must be one of ${PROTOCOLS.join(', ')}, found "${text}"`);
  return 'TCP';
}

function dig(value: unknown, path: FieldPath): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
