/**
 * The objects a step applies or deletes, checked before anything runs: only the kinds a step may
 * change (NetworkPolicies, and Namespaces for their labels), with the names and namespaces the API
 * needs, and every applied NetworkPolicy through the policy decoder, so one the API server would
 * reject is refused here, with its file and line, instead of halfway through a run.
 */
import type { InputIssue } from '../model/errors.js';
import { dns1123LabelProblem, dns1123SubdomainProblem, labelProblem, qualifiedNameProblem } from '../model/kube-rules.js';
import type { KubeObject, ObjectRef } from '../model/objects.js';
import { decodeObjects, toInputIssue, type FieldPath, type RawObject } from '../policy/index.js';
import { formatPath } from './yaml-source.js';
import { excerptOf } from '../model/excerpt.js';

/** An object a step names, as read from a manifest file or written inline in the scenario. */
export interface StepObject {
  readonly raw: RawObject;
  /** Where an inline object sits in the scenario (its issues' paths start there); empty for a file's. */
  readonly at: FieldPath;
}

const API_VERSIONS = { NetworkPolicy: 'networking.k8s.io/v1', Namespace: 'v1' } as const;
type StepKind = keyof typeof API_VERSIONS;

const WHAT_STEPS_CHANGE = `a step applies and deletes NetworkPolicies (${API_VERSIONS.NetworkPolicy}) and applies Namespaces (v1) for their labels`;

/** What a step may write of each kind, top level and metadata; anything else is refused, not dropped. */
const APPLIED_FIELDS: Readonly<Record<StepKind, { readonly top: readonly string[]; readonly metadata: readonly string[] }>> = {
  NetworkPolicy: { top: ['apiVersion', 'kind', 'metadata', 'spec'], metadata: ['name', 'namespace', 'labels', 'annotations'] },
  Namespace: { top: ['apiVersion', 'kind', 'metadata'], metadata: ['name', 'labels'] },
};

/** The API server sets this label of every Namespace to its name, whatever an apply says. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface Checked<T> {
  readonly value?: T;
  readonly issues: readonly InputIssue[];
}

/** The fields that say which object is meant, wherever they sit (an object's metadata, or a `{kind, namespace, name}` entry). */
export interface RefFields {
  readonly apiVersion: unknown;
  readonly kind: unknown;
  readonly namespace: unknown;
  readonly name: unknown;
}

export type RefProblem = { readonly field: keyof RefFields; readonly message: string };

/** A `List` (what `kubectl get -o yaml` prints) stands for its items; an empty YAML document for nothing. */
export function unpackLists(objects: readonly StepObject[]): StepObject[] {
  return objects.flatMap((object): StepObject[] => {
    const { value } = object.raw;
    if (value === null || value === undefined) return [];
    if (!isRecord(value) || value.kind !== 'List' || !Array.isArray(value.items)) return [object];
    const items = value.items.map((item: unknown, i): StepObject => ({
      raw: { value: item, file: object.raw.file, locate: (path) => object.raw.locate(['items', i, ...path]) },
      at: [...object.at, 'items', i],
    }));
    return unpackLists(items);
  });
}

/** An object to apply: its kind, name and namespace, the fields kubeknock writes, and for a NetworkPolicy what the API server would reject. */
export function checkApplyObject(object: StepObject): Checked<KubeObject> {
  const issues: InputIssue[] = [];
  const root = object.raw.value;
  if (!isRecord(root)) return { issues: [issueAt(object, [], `must be a Kubernetes object (a mapping with apiVersion, kind and metadata), found ${describeValue(root)}`)] };
  const metadata = metadataOf(object, root, issues);
  const { ref, problems } = refOfFields({ apiVersion: root.apiVersion, kind: root.kind, namespace: metadata?.namespace, name: metadata?.name }, 'apply', true);
  issues.push(...problems.map((p) => issueAt(object, OBJECT_FIELD_PATHS[p.field], p.message)));
  const kind = isStepKind(root.kind) ? root.kind : undefined;
  if (kind === undefined) return { issues };
  const allowed = APPLIED_FIELDS[kind];
  for (const key of Object.keys(root)) {
    if (allowed.top.includes(key)) continue;
    issues.push(issueAt(object, [key], kind === 'Namespace' ? `a step sets only a Namespace's labels: remove "${key}"` : `unknown field "${key}" (known: ${allowed.top.join(', ')})`));
  }
  for (const key of Object.keys(metadata ?? {})) {
    // A Namespace's namespace is refused above, as what it is: a field a cluster-scoped object lacks.
    if (allowed.metadata.includes(key) || (kind === 'Namespace' && key === 'namespace')) continue;
    // `kubectl get -o yaml` prints fields the API server owns (resourceVersion, uid, managedFields);
    // a server-side apply carrying them is refused or turns into a conflict, so they are refused here.
    issues.push(issueAt(object, ['metadata', key], `a step applies only the ${listText(allowed.metadata)} of a ${kind}'s metadata: remove "${key}"`));
  }
  issues.push(...stringMapProblems(object, metadata?.labels, ['metadata', 'labels'], 'label', (key, value) => labelProblem(key, value)));
  if (kind === 'Namespace' && isRecord(metadata?.labels)) {
    const value = metadata.labels[NAMESPACE_NAME_LABEL];
    if (value !== undefined && value !== metadata.name) {
      issues.push(issueAt(object, ['metadata', 'labels', NAMESPACE_NAME_LABEL], `the API server sets "${NAMESPACE_NAME_LABEL}" to the Namespace's own name (${JSON.stringify(metadata.name)}), so ${JSON.stringify(value)} would never hold: remove the label`));
    }
  }
  if (kind === 'NetworkPolicy') {
    issues.push(...stringMapProblems(object, metadata?.annotations, ['metadata', 'annotations'], 'annotation', (key) => qualifiedNameProblem(key)));
    // The decoder needs a name and defaults a missing namespace (refused above): it judges the rest.
    if (typeof metadata?.name === 'string') issues.push(...decodeObjects([object.raw]).issues.map((issue) => withPrefix(toInputIssue(issue), object.at)));
  }
  return issues.length > 0 || ref === undefined ? { issues } : { value: root as KubeObject, issues };
}

/** An object of a manifest a step deletes: only which object it is counts, not its content. */
export function checkDeleteObject(object: StepObject): Checked<ObjectRef> {
  const root = object.raw.value;
  if (!isRecord(root)) return { issues: [issueAt(object, [], `must be a Kubernetes object (a mapping with apiVersion, kind and metadata), found ${describeValue(root)}`)] };
  const issues: InputIssue[] = [];
  const metadata = metadataOf(object, root, issues);
  const { ref, problems } = refOfFields({ apiVersion: root.apiVersion, kind: root.kind, namespace: metadata?.namespace, name: metadata?.name }, 'delete', true);
  issues.push(...problems.map((p) => issueAt(object, OBJECT_FIELD_PATHS[p.field], p.message)));
  return ref === undefined || issues.length > 0 ? { issues } : { value: ref, issues };
}

/**
 * Which object the fields name, or every reason they name none a step may change. `apiVersion` may be
 * left out where the kind says it (a `{kind, namespace, name}` entry), not in a manifest.
 */
export function refOfFields(fields: RefFields, verb: 'apply' | 'delete', apiVersionRequired: boolean): { ref?: ObjectRef; problems: RefProblem[] } {
  const { apiVersion, kind, namespace, name } = fields;
  if (!isStepKind(kind)) {
    const version = typeof apiVersion === 'string' ? ` (${apiVersion})` : '';
    const message =
      kind === undefined
        ? `missing "kind": ${WHAT_STEPS_CHANGE}`
        : `kind ${JSON.stringify(kind)}${version} cannot be ${verb === 'apply' ? 'applied' : 'deleted'} by a step: ${WHAT_STEPS_CHANGE}; create other objects before the run`;
    return { problems: [{ field: 'kind', message }] };
  }
  const problems: RefProblem[] = [];
  if (kind === 'Namespace' && verb === 'delete') {
    const which = typeof name === 'string' ? ` ${JSON.stringify(name)}` : '';
    problems.push({ field: 'kind', message: `deleting Namespace${which} would delete every pod in it, probe pods included; a step changes a Namespace only by its labels: apply it with the labels it should have` });
  }
  const expected = API_VERSIONS[kind];
  if (apiVersion === undefined) {
    if (apiVersionRequired) problems.push({ field: 'apiVersion', message: `missing "apiVersion": a ${kind} is "${expected}"` });
  } else if (apiVersion !== expected) {
    problems.push({ field: 'apiVersion', message: `${JSON.stringify(apiVersion)} is not the API version kubeknock changes a ${kind} with: write "${expected}"` });
  }
  const nameProblem =
    typeof name !== 'string' ? (name === undefined ? `missing the ${kind}'s name` : `the name must be a string, found ${describeValue(name)}`) : kind === 'Namespace' ? dns1123LabelProblem(name) : dns1123SubdomainProblem(name);
  if (nameProblem) problems.push({ field: 'name', message: nameProblem });
  if (kind === 'Namespace') {
    if (namespace !== undefined) problems.push({ field: 'namespace', message: `a Namespace belongs to no namespace (it is cluster-scoped): remove "namespace"` });
  } else if (namespace === undefined) {
    // kubectl would fall back to the context's namespace; a scenario must mean the same on every cluster.
    problems.push({ field: 'namespace', message: `missing the namespace: a step ${verb === 'apply' ? 'applies' : 'deletes'} a NetworkPolicy only in a namespace it names; add "namespace: …"` });
  } else {
    const problem = typeof namespace === 'string' ? dns1123LabelProblem(namespace) : `the namespace must be a string, found ${describeValue(namespace)}`;
    if (problem) problems.push({ field: 'namespace', message: problem });
  }
  if (problems.length > 0 || typeof name !== 'string') return { problems };
  return { ref: { apiVersion: expected, kind, ...(kind === 'NetworkPolicy' ? { namespace: namespace as string } : {}), name }, problems };
}

const OBJECT_FIELD_PATHS: Readonly<Record<keyof RefFields, FieldPath>> = {
  apiVersion: ['apiVersion'],
  kind: ['kind'],
  namespace: ['metadata', 'namespace'],
  name: ['metadata', 'name'],
};

export function issueAt(object: StepObject, path: FieldPath, message: string): InputIssue {
  const { line, column } = object.raw.locate(path);
  return { file: object.raw.file, line, ...(column === undefined ? {} : { column }), path: formatPath([...object.at, ...path]), message };
}

function metadataOf(object: StepObject, root: Readonly<Record<string, unknown>>, issues: InputIssue[]): Readonly<Record<string, unknown>> | undefined {
  if (root.metadata === undefined || isRecord(root.metadata)) return root.metadata;
  issues.push(issueAt(object, ['metadata'], `must be a mapping (name, namespace, labels), found ${describeValue(root.metadata)}`));
  return undefined;
}

/** Labels or annotations: a mapping of string values, each key (and value) as the API checks it. */
function stringMapProblems(object: StepObject, value: unknown, path: FieldPath, what: string, problem: (key: string, value: string) => string | undefined): InputIssue[] {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) return [issueAt(object, path, `must be a mapping of ${what} keys to values, found ${describeValue(value)}`)];
  return Object.entries(value).flatMap(([key, item]) => {
    if (typeof item !== 'string') return [issueAt(object, [...path, key], `${what} value must be a string, found ${describeValue(item)} (quote it)`)];
    const found = problem(key, item);
    return found ? [issueAt(object, [...path, key], found)] : [];
  });
}

/** A decoder issue of an inline object: its path continues the path of the object in the scenario. */
function withPrefix(issue: InputIssue, at: FieldPath): InputIssue {
  if (at.length === 0) return issue;
  const prefix = formatPath(at);
  return { ...issue, path: issue.path === '' ? prefix : `${prefix}.${issue.path}` };
}

/** `name, namespace, labels and annotations`. */
function listText(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

function isStepKind(kind: unknown): kind is StepKind {
  return kind === 'NetworkPolicy' || kind === 'Namespace';
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  return excerptOf(value);
}
