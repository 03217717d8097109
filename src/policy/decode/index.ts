/**
 * Kubernetes objects (from YAML files or the API) → the engine's inventory, with every problem listed.
 * Kinds the engine does not need (or of another API group) are skipped; a `List` (kubectl get -o yaml) is unpacked.
 */
import { assertNever } from '../../model/assert-never.js';
import type { Inventory, NamespaceSpec, PodSpec, PolicySpec, ServiceSpec } from '../types.js';
import { decodeNetworkPolicy } from './network-policy.js';
import { Reader, itemOf, type DecodeIssue, type RawObject } from './reader.js';
import { API_VERSIONS, CLUSTER_POLICY_API_VERSIONS, clusterPolicyKindOf, isKind, unmodelledPolicyKind, type Kind } from './kinds.js';
import { decodeClusterPolicy } from './cluster-policy.js';
import type { ClusterPolicySpec } from '../types.js';
import { decodeNamespace, decodePodLike, decodeService, type Metadata } from './workloads.js';

export { toInputIssue, type DecodeIssue, type FieldPath, type RawObject } from './reader.js';

export interface DecodeResult {
  readonly inventory: Inventory;
  readonly issues: readonly DecodeIssue[];
  /** Objects of kinds the engine does not read, so callers can say what was left out. */
  readonly skipped: readonly SkippedObject[];
}

export interface SkippedObject {
  readonly file: string;
  /** `CiliumNetworkPolicy (cilium.io/v2)`: the kind, with its apiVersion when it has one. */
  readonly kind: string;
}


/** The kinds the engine reads, with their API versions, for messages: `Namespace (v1), …`. */
export const READ_KINDS = [
  ...Object.entries(API_VERSIONS).map(([kind, apiVersion]) => `${kind} (${apiVersion})`),
  ...Object.entries(CLUSTER_POLICY_API_VERSIONS).map(([kind, versions]) => `${kind} (${versions.join(' or ')})`),
].join(', ');

export function decodeObjects(objects: readonly RawObject[]): DecodeResult {
  const namespaces: NamespaceSpec[] = [];
  const pods: PodSpec[] = [];
  const services: ServiceSpec[] = [];
  const policies: PolicySpec[] = [];
  const clusterPolicies: ClusterPolicySpec[] = [];
  const issues: DecodeIssue[] = [];
  const skipped: SkippedObject[] = [];
  const seen = new Map<string, string>();

  const visit = (raw: RawObject): void => {
    if (raw.value === null || raw.value === undefined) return; // an empty YAML document
    const reader = new Reader(raw);
    const root = reader.record(raw.value, [], 'a Kubernetes object (a mapping with apiVersion and kind)');
    if (!root) return void issues.push(...reader.issues);
    if (root.kind === 'List') {
      reader.list(root.items, ['items']).forEach((item, index) => visit(itemOf(raw, item, index)));
      return void issues.push(...reader.issues);
    }
    const kind = reader.string(root.kind, ['kind']);
    if (kind === undefined) reader.issue(['kind'], 'is required');
    const unmodelled = unmodelledPolicyKind(kind, root.apiVersion);
    if (unmodelled !== undefined) {
      reader.issue(['apiVersion'], `${unmodelled} is not modelled by kubeknock: its verdicts would be guesses; remove it from the input (only policy.networking.k8s.io ClusterNetworkPolicy is modelled)`);
      return void issues.push(...reader.issues);
    }
    const clusterKind = clusterPolicyKindOf(kind, root.apiVersion);
    if (clusterKind !== undefined) {
      visitClusterPolicy(reader, root, clusterKind);
      return void issues.push(...reader.issues);
    }
    if (!isKind(kind) || (root.apiVersion !== undefined && root.apiVersion !== API_VERSIONS[kind])) {
      if (kind !== undefined) skipped.push({ file: raw.file, kind: typeof root.apiVersion === 'string' ? `${kind} (${root.apiVersion})` : kind });
      return void issues.push(...reader.issues);
    }
    const metadata = decodeMetadata(reader, root, kind);
    if (metadata) {
      const key = `${kind} ${kind === 'Namespace' ? '' : `${metadata.namespace}/`}${metadata.name}`;
      reader.object = key;
      const where = `${raw.file}${metadata.line > 0 ? `:${metadata.line}` : ''}`;
      const first = seen.get(key);
      if (first !== undefined) reader.issue(['metadata', 'name'], `duplicate ${key} (first defined at ${first})`);
      else seen.set(key, where);
      addObject(reader, kind, metadata);
    }
    issues.push(...reader.issues);
  };

  const visitClusterPolicy = (reader: Reader, root: Readonly<Record<string, unknown>>, kind: ClusterPolicySpec['kind']): void => {
    const meta = reader.record(root.metadata, ['metadata']);
    const name = reader.string(meta?.name, ['metadata', 'name']);
    if (!name) return reader.issue(['metadata', 'name'], `is required (${kind} without a name)`);
    // Cluster-scoped: metadata.namespace is ignored by the API server, so the key is the name alone.
    const key = `${kind} ${name}`;
    reader.object = key;
    const line = reader.raw.locate([]).line;
    const first = seen.get(key);
    if (first !== undefined) reader.issue(['metadata', 'name'], `duplicate ${key} (first defined at ${first})`);
    else seen.set(key, `${reader.raw.file}${line > 0 ? `:${line}` : ''}`);
    const policy = decodeClusterPolicy(reader, kind, { name, line });
    if (policy) clusterPolicies.push(policy);
  };

  const addObject = (reader: Reader, kind: Kind, metadata: Metadata): void => {
    switch (kind) {
      case 'Namespace':
        namespaces.push(decodeNamespace(reader, metadata));
        return;
      case 'Pod':
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
      case 'Job':
      case 'CronJob':
        pods.push(decodePodLike(reader, kind, metadata));
        return;
      case 'Service':
        services.push(decodeService(reader, metadata));
        return;
      case 'NetworkPolicy': {
        const policy = decodeNetworkPolicy(reader, metadata);
        if (policy) policies.push(policy);
        return;
      }
      default:
        assertNever(kind, 'kind');
    }
  };

  for (const raw of objects) visit(raw);
  const inventory = { namespaces, pods, services, policies, ...(clusterPolicies.length > 0 ? { clusterPolicies } : {}) };
  return { inventory, issues, skipped };
}

function decodeMetadata(reader: Reader, root: Readonly<Record<string, unknown>>, kind: Kind): Metadata | undefined {
  const meta = reader.record(root.metadata, ['metadata']);
  const name = reader.string(meta?.name, ['metadata', 'name']);
  if (!name) {
    reader.issue(['metadata', 'name'], `is required (${kind} without a name)`);
    return undefined;
  }
  // Namespaced objects without a namespace land in "default", as with `kubectl apply`.
  const namespace = kind === 'Namespace' ? name : (reader.string(meta?.namespace, ['metadata', 'namespace']) ?? 'default');
  return { name, namespace, line: reader.raw.locate([]).line };
}
