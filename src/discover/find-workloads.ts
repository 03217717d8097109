/**
 * Decoded objects → workload identities and Service doors. A Pod that a controller owns, a ReplicaSet a
 * Deployment owns and a Job a CronJob owns are stood for by their owner when the owner is in the input
 * too (a live listing of Pods alone keeps its Pods); hostNetwork pods (no policy
 * selects them), pods without labels (no selector can tell them apart) and kubeknock's own probe pods
 * are skipped, each with a note.
 */
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, RUN_ID_LABEL, isProbePod } from '../model/labels.js';
import { compileSelector } from '../policy/label-selector.js';
import { POD_KINDS, type Inventory, type Labels, type PodSpec } from '../policy/index.js';
import type { Discovery, Door, Identity, LeftOutNamespace, Selection, ServiceDoors, Skipped, WorkloadRef } from './types.js';
import { describeSelection } from './selection.js';

/** Owner kinds that stand for the object they own (Pods, ReplicaSets and Jobs are made by these). */
const CONTROLLER_KINDS: ReadonlySet<string> = new Set(POD_KINDS.filter((kind) => kind !== 'Pod'));
const ownerKey = (kind: string, namespace: string, name: string): string => `${kind} ${namespace}/${name}`;

/** The cluster's own components live here; their probe pods would impersonate them (CoreDNS among them). */
export const SYSTEM_NAMESPACE = 'kube-system';

export function findWorkloads(inventory: Inventory, selection: Selection): Discovery {
  const selected = namespaceFilter(selection);
  const leftOut = leftOutNamespaces(inventory, selection, selected);
  const inNamespace = (namespace: string): boolean => selected(namespace) && !leftOut.some((left) => left.namespace === namespace);
  const matchesSelector = selection.selector ? compileSelector(selection.selector) : () => true;
  const skipped: Skipped[] = [];
  const groups = new Map<string, { namespace: string; labels: Labels; pods: PodSpec[] }>();
  const present = new Set(inventory.pods.map((pod) => ownerKey(pod.kind, pod.namespace, pod.name)));
  for (const pod of inventory.pods) {
    const ref = refOf(pod);
    const skip = (reason: Skipped['reason'], note: string): void => void skipped.push({ workload: ref, reason, note });
    if (!inNamespace(pod.namespace)) continue; // not selected: not even worth a note
    if (pod.owner && CONTROLLER_KINDS.has(pod.owner.kind) && present.has(ownerKey(pod.owner.kind, pod.namespace, pod.owner.name))) {
      skip('owned', `owned by ${pod.owner.kind} ${pod.namespace}/${pod.owner.name}, which stands for it`);
      continue;
    }
    if (isProbePod(pod.labels)) {
      const mark = pod.labels[RUN_ID_LABEL] === undefined ? `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}` : `${RUN_ID_LABEL}=${pod.labels[RUN_ID_LABEL]}`;
      skip('kubeknock-probe', `a kubeknock probe pod (${mark})`);
      continue;
    }
    if (pod.hostNetwork) {
      skip('host-network', 'hostNetwork: it speaks with the node\'s address and no pod selector selects it');
      continue;
    }
    if (Object.keys(pod.labels).length === 0) {
      skip('no-labels', 'no pod labels: no policy selector can single it out, and a probe pod could not impersonate it');
      continue;
    }
    if (!matchesSelector(pod.labels)) continue;
    const key = identityKey(pod.namespace, pod.labels);
    const group = groups.get(key) ?? { namespace: pod.namespace, labels: pod.labels, pods: [] };
    group.pods.push(pod);
    groups.set(key, group);
  }
  const identities: Identity[] = [...groups.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([key, group]) => ({
      key,
      namespace: group.namespace,
      labels: sortedLabels(group.labels),
      workloads: group.pods.map(refOf).sort((a, b) => compareText(a.kind, b.kind) || compareText(a.name, b.name)),
      doors: mergeDoors(group.pods),
    }));
  // By namespace: a Service selects only pods of its own namespace, and testing every identity of the
  // input against every Service was quadratic (5,000 of each: 25 million selector calls).
  const byNamespace = new Map<string, Identity[]>();
  for (const identity of identities) {
    const list = byNamespace.get(identity.namespace) ?? [];
    list.push(identity);
    byNamespace.set(identity.namespace, list);
  }
  const services: ServiceDoors[] = inventory.services
    .filter((service) => inNamespace(service.namespace))
    .map((service) => {
      const selects = service.selector ? compileSelector({ matchLabels: service.selector }) : undefined;
      return {
        namespace: service.namespace,
        name: service.name,
        ports: [...service.ports].sort((a, b) => a.port - b.port || compareText(a.protocol, b.protocol)),
        hasSelector: selects !== undefined,
        backends: selects ? (byNamespace.get(service.namespace) ?? []).filter((identity) => selects(identity.labels)).map((identity) => identity.key) : [],
      };
    })
    .sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
  return {
    identities,
    services,
    skipped: skipped.sort((a, b) => compareText(describeRef(a.workload), describeRef(b.workload))),
    leftOut,
    searched: describeSelection(selection, inventory),
  };
}

/**
 * Selected namespaces with workloads that are left out whole: those being deleted (a run would stop
 * at the first probe pod it cannot create there), and kube-system unless it was named with -n.
 */
function leftOutNamespaces(inventory: Inventory, selection: Selection, selected: (namespace: string) => boolean): LeftOutNamespace[] {
  if (selection.forProbePods !== true) return [];
  const withWorkloads = new Set(inventory.pods.map((pod) => pod.namespace).filter(selected));
  const terminating = new Set(inventory.namespaces.filter((namespace) => namespace.terminating).map((namespace) => namespace.name));
  const leftOut: LeftOutNamespace[] = [];
  for (const namespace of [...withWorkloads].sort(compareText)) {
    if (terminating.has(namespace)) leftOut.push({ namespace, reason: 'terminating' });
    else if (namespace === SYSTEM_NAMESPACE && !selection.namespaces.includes(SYSTEM_NAMESPACE)) leftOut.push({ namespace, reason: 'system' });
  }
  return leftOut;
}

export function identityKey(namespace: string, labels: Labels): string {
  return `${namespace}/${Object.keys(labels)
    .sort(compareText)
    .map((key) => `${key}=${labels[key] ?? ''}`)
    .join(',')}`;
}

export function describeRef(ref: WorkloadRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** Code-unit order, not locale order: the same bytes on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function refOf(pod: PodSpec): WorkloadRef {
  return { kind: pod.kind, namespace: pod.namespace, name: pod.name, ...(pod.source ? { file: pod.source.file, line: pod.source.line } : {}) };
}

/**
 * One door per (protocol, port); a name given by any workload is kept (the first, in input order),
 * unless another port already carries it: a pod may not declare one name twice.
 */
function mergeDoors(pods: readonly PodSpec[]): Door[] {
  const doors = new Map<string, Door>();
  const names = new Set<string>();
  for (const pod of pods) {
    for (const port of pod.containerPorts) {
      const key = `${port.protocol}/${port.port}`;
      const known = doors.get(key);
      const name = port.name !== undefined && !names.has(port.name) ? port.name : undefined;
      if (!known || (known.name === undefined && name !== undefined)) {
        if (name !== undefined) names.add(name);
        doors.set(key, { port: port.port, protocol: port.protocol, ...(name === undefined ? {} : { name }) });
      }
    }
  }
  return [...doors.values()].sort((a, b) => a.port - b.port || compareText(a.protocol, b.protocol));
}

function sortedLabels(labels: Labels): Labels {
  return Object.fromEntries(Object.keys(labels).sort(compareText).map((key) => [key, labels[key] ?? '']));
}

function namespaceFilter(selection: Selection): (namespace: string) => boolean {
  const wanted = new Set(selection.namespaces);
  const excluded = new Set(selection.excludeNamespaces);
  return (namespace) => !excluded.has(namespace) && (wanted.size === 0 || wanted.has(namespace));
}
