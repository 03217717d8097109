/**
 * The ClusterPort over a real API server. Each method is one short sequence of requests through
 * ApiCalls (counted, errors wrapped with what we were doing); the interesting logic lives in small
 * pure siblings (pod-status, pod-waiter, exec-status) that are tested without a cluster.
 */
import { AuthorizationV1Api, CoreV1Api, type CoreV1Event, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { InfraError, describeError } from '../model/errors.js';
import { managedSelector } from '../model/labels.js';
import type { LabelSelector } from '../model/scenario.js';
import {
  PodStartError,
  type ClusterPort,
  type ExecResult,
  type NodeInfo,
  type NodeListing,
  type PodInfo,
  type PodManifest,
  type PodRef,
  type RunningPod,
  type ServiceInfo,
  type WaitOptions,
} from '../probe/cluster-port.js';
import type { AccessAnswer, AccessQuestion } from '../model/permissions.js';
import { reviewAccess } from './access-review.js';
import { ApiCalls, type ApiCallsOptions } from './api-calls.js';
import { apiStatusCode } from './api-error.js';
import { execInPod } from './exec.js';
import { objectStoreSharing } from './object-store.js';
import type { ObjectPort } from '../model/object-port.js';
import type { LoadedKubeConfig } from './kubeconfig.js';
import { formatLabelSelector } from './label-selector.js';
import { podAddresses, type PodLike } from './pod-status.js';
import { waitForPods } from './pod-waiter.js';
import { appendAll } from '../model/arrays.js';

const PAGE_SIZE = 500;
const DELETE_POLL_MS = 500;

export function createKubeCluster(loaded: LoadedKubeConfig, options: ApiCallsOptions = {}): ClusterPort {
  return new KubeCluster(loaded, options);
}

class KubeCluster implements ClusterPort {
  readonly server: string;
  private readonly core: CoreV1Api;
  private readonly authorization: AuthorizationV1Api;
  private readonly calls: ApiCalls;
  private readonly objects: ObjectPort;

  constructor(
    private readonly loaded: LoadedKubeConfig,
    options: ApiCallsOptions,
  ) {
    this.server = loaded.server;
    this.calls = new ApiCalls(options);
    this.core = loaded.kc.makeApiClient(CoreV1Api);
    this.authorization = loaded.kc.makeApiClient(AuthorizationV1Api);
    this.objects = objectStoreSharing(loaded, this.calls);
  }

  async relabelPod(pod: PodRef, labels: Readonly<Record<string, string | null>>): Promise<void> {
    await this.objects.patchLabels({ apiVersion: 'v1', kind: 'Pod', namespace: pod.namespace, name: pod.name }, labels);
  }

  async namespacePhase(name: string): Promise<'Active' | 'Terminating' | undefined> {
    const found = await this.calls.requestOrNotFound(`reading namespace ${name}`, () => this.core.readNamespace({ name }));
    if (found === undefined) return undefined;
    return found.status?.phase === 'Terminating' || found.metadata?.deletionTimestamp ? 'Terminating' : 'Active';
  }

  async createPod(manifest: PodManifest): Promise<PodRef> {
    const namespace = manifest.metadata.namespace;
    // PodManifest is Pod JSON; V1Pod's property names are the JSON names, so it serialises as is.
    const body = manifest as unknown as V1Pod;
    const created = await this.calls.request(`creating probe pod ${namespace}/${manifest.metadata.generateName}…`, () =>
      this.core.createNamespacedPod({ namespace, body }),
    );
    const name = created.metadata?.name;
    if (!name) throw new InfraError(`creating probe pod in ${namespace}: the API server returned a pod without a name`);
    return { namespace, name };
  }

  async waitForPodsRunning(pods: readonly PodRef[], options: WaitOptions): Promise<readonly RunningPod[]> {
    try {
      return await waitForPods(pods, (namespace, names) => this.fetchPods(namespace, names), options);
    } catch (error) {
      if (error instanceof PodStartError && error.reason === 'Timeout') throw await this.withLatestWarning(error);
      throw error;
    }
  }

  /**
   * A pod stuck in ContainerCreating says nothing in its status; the kubelet's Warning events say why
   * (FailedCreatePodSandBox, FailedMount, …). Best effort: without events the timeout stands alone.
   */
  private async withLatestWarning(error: PodStartError): Promise<PodStartError> {
    const { namespace, name } = error.pod;
    const events = await this.calls
      .request(`reading events of ${namespace}/${name}`, () => this.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` }))
      .catch(() => undefined);
    const warnings = (events?.items ?? []).filter((e) => e.type === 'Warning');
    const latest = warnings.sort((a, b) => eventTime(a) - eventTime(b)).at(-1);
    if (!latest) return error;
    return new PodStartError(error.pod, latest.reason ?? 'Timeout', `${error.message}; last warning on ${name}: ${latest.reason ?? 'Warning'}: ${(latest.message ?? '').trim()}`);
  }

  exec(pod: PodRef, container: string, command: readonly string[], options: { readonly timeoutMs: number; readonly signal?: AbortSignal; readonly maxOutputBytes?: number }): Promise<ExecResult> {
    // A probe is safe to run twice, so an exec that could not connect during an API server outage is
    // opened again once the server is back (within the outage budget) instead of failing the check.
    return this.calls.retryWhileOut(
      `opening an exec into ${pod.namespace}/${pod.name}`,
      () => {
        this.calls.countExec();
        return execInPod(this.loaded.kc, pod, container, command, options);
      },
      (result) => (result.type === 'failed' && result.notConnected && !options.signal?.aborted ? result.reason : undefined),
    );
  }

  async deletePods(pods: readonly PodRef[], options: { readonly gracePeriodSeconds: number; readonly timeoutMs: number }): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    const results = await Promise.allSettled(
      pods.map((pod) =>
        this.calls.requestOrNotFound(`deleting probe pod ${pod.namespace}/${pod.name}`, () =>
          this.core.deleteNamespacedPod({ namespace: pod.namespace, name: pod.name, gracePeriodSeconds: options.gracePeriodSeconds }),
        ),
      ),
    );
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [describeError(result.reason)] : []));
    const deleted = pods.filter((_pod, index) => results[index]?.status === 'fulfilled');
    let survivors = deleted;
    while (survivors.length > 0) {
      survivors = await this.existing(survivors);
      if (survivors.length === 0 || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(DELETE_POLL_MS, deadline - Date.now())));
    }
    if (survivors.length > 0) {
      failures.push(
        `still present after ${Math.round(options.timeoutMs / 1000)}s: ${survivors.map((pod) => `${pod.namespace}/${pod.name}`).join(', ')}`,
      );
    }
    if (failures.length > 0) throw new InfraError(`deleting probe pods: ${failures.join('; ')}`);
  }

  async listPods(labelSelector: string, namespace?: string): Promise<readonly PodInfo[]> {
    const where = namespace ? `in ${namespace}` : 'in all namespaces';
    const items = await this.listPodItems(`listing pods (${labelSelector || 'all'}) ${where}`, labelSelector, namespace);
    return items.map(podInfo);
  }

  selectPods(namespace: string, selector: LabelSelector): Promise<readonly PodInfo[]> {
    return this.listPods(formatLabelSelector(selector), namespace);
  }

  async getService(namespace: string, name: string): Promise<ServiceInfo | undefined> {
    const service = await this.calls.requestOrNotFound(`reading service ${namespace}/${name}`, () =>
      this.core.readNamespacedService({ namespace, name }),
    );
    if (!service) return undefined;
    return {
      namespace,
      name,
      clusterIP: service.spec?.clusterIP ?? '',
      clusterIPs: serviceAddresses(service.spec?.clusterIP, service.spec?.clusterIPs),
      ports: (service.spec?.ports ?? []).map((port) => ({
        ...(port.name ? { name: port.name } : {}),
        port: port.port,
        protocol: port.protocol ?? 'TCP',
      })),
    };
  }

  async listNodes(): Promise<NodeListing> {
    const nodes: NodeInfo[] = [];
    let next: string | undefined;
    try {
      do {
        const page = { limit: PAGE_SIZE, ...(next ? { _continue: next } : {}) };
        const list = await this.calls.request('listing nodes', () => this.core.listNode(page));
        appendAll(nodes, list.items.map(nodeInfo));
        next = list.metadata?._continue || undefined;
      } while (next);
    } catch (error) {
      if (apiStatusCode(error instanceof Error ? error.cause : undefined) === 403) return { type: 'forbidden', message: (error as Error).message };
      throw error;
    }
    return { type: 'listed', nodes };
  }

  canI(question: AccessQuestion): Promise<AccessAnswer> {
    return reviewAccess(this.authorization, this.calls, question);
  }

  stats(): { readonly apiRequests: number; readonly execs: number } {
    return this.calls.counts;
  }

  /**
   * The current state of some pods of one namespace. One pod: one GET. Several: one list of
   * kubeknock-managed pods instead of a GET each, then a GET for any name the list missed (a manifest
   * without the managed-by label) so that "missing" really means deleted.
   */
  private async fetchPods(namespace: string, names: readonly string[]): Promise<ReadonlyMap<string, PodLike>> {
    const found = new Map<string, PodLike>();
    if (names.length > 1) {
      const wanted = new Set(names);
      const items = await this.listPodItems(`listing probe pods in ${namespace}`, managedSelector(), namespace);
      for (const pod of items) if (pod.metadata?.name && wanted.has(pod.metadata.name)) found.set(pod.metadata.name, pod);
    }
    for (const name of names.filter((n) => !found.has(n))) {
      const pod = await this.calls.requestOrNotFound(`reading probe pod ${namespace}/${name}`, () =>
        this.core.readNamespacedPod({ namespace, name }),
      );
      if (pod) found.set(name, pod);
    }
    return found;
  }

  private async existing(pods: readonly PodRef[]): Promise<PodRef[]> {
    const byNamespace = new Map<string, string[]>();
    for (const pod of pods) byNamespace.set(pod.namespace, [...(byNamespace.get(pod.namespace) ?? []), pod.name]);
    const groups = [...byNamespace];
    const answers = await Promise.all(groups.map(([namespace, names]) => this.fetchPods(namespace, names)));
    return groups.flatMap(([namespace, names], index) => names.filter((name) => answers[index]?.has(name)).map((name) => ({ namespace, name })));
  }

  /** All pages of a pod list. */
  private async listPodItems(doing: string, labelSelector: string, namespace?: string): Promise<V1Pod[]> {
    const items: V1Pod[] = [];
    let next: string | undefined;
    do {
      const page = {
        ...(labelSelector ? { labelSelector } : {}),
        limit: PAGE_SIZE,
        ...(next ? { _continue: next } : {}),
      };
      const list = await this.calls.request(doing, () =>
        namespace ? this.core.listNamespacedPod({ namespace, ...page }) : this.core.listPodForAllNamespaces(page),
      );
      appendAll(items, list.items);
      next = list.metadata?._continue || undefined;
    } while (next);
    return items;
  }
}

function nodeInfo(node: V1Node): NodeInfo {
  const ready = (node.status?.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True');
  return {
    name: node.metadata?.name ?? '',
    labels: node.metadata?.labels ?? {},
    ready,
    unschedulable: node.spec?.unschedulable === true,
    taints: (node.spec?.taints ?? []).map((taint) => ({ key: taint.key, ...(taint.value ? { value: taint.value } : {}), effect: taint.effect })),
    podCIDRs: node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : []),
    addresses: [...new Set((node.status?.addresses ?? []).filter((address) => address.type === 'InternalIP' || address.type === 'ExternalIP').map((address) => address.address))],
  };
}

/** `spec.clusterIPs`, the primary first; `None` (headless) is no address. */
function serviceAddresses(primary: string | undefined, listed: readonly string[] | undefined): string[] {
  const all = [...(primary ? [primary] : []), ...(listed ?? [])].filter((ip) => ip !== '' && ip !== 'None');
  return [...new Set(all)];
}

function podInfo(pod: V1Pod): PodInfo {
  const ip = pod.status?.podIP;
  const node = pod.spec?.nodeName;
  const ips = podAddresses(pod.status);
  const phase = pod.status?.phase;
  const reason = pod.status?.reason;
  const created = pod.metadata?.creationTimestamp;
  const started = pod.status?.startTime;
  const deadline = pod.spec?.activeDeadlineSeconds;
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    labels: pod.metadata?.labels ?? {},
    ...(ip ? { ip } : {}),
    ...(node ? { node } : {}),
    ...(ips.length > 0 ? { ips } : {}),
    ...(phase ? { phase } : {}),
    ...(reason ? { reason } : {}),
    ...(created ? { createdAt: new Date(created).toISOString() } : {}),
    ...(started ? { startedAt: new Date(started).toISOString() } : {}),
    ...(deadline !== undefined ? { deadlineSeconds: deadline } : {}),
    deleting: pod.metadata?.deletionTimestamp !== undefined,
  };
}

function eventTime(event: CoreV1Event): number {
  const when = event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp;
  return when ? new Date(when).getTime() : 0;
}
