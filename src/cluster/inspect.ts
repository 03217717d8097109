/** The doctor's questions answered by a real API server (read-only: version, access reviews, lists). */
import { AppsV1Api, AuthorizationV1Api, CoreV1Api, NetworkingV1Api, VersionApi, type V1PodSpec } from '@kubernetes/client-node';
import type { AccessAnswer, AccessQuestion, DoctorPort, NamespaceFacts, SystemWorkload } from '../model/doctor-port.js';
import { managedSelector } from '../model/labels.js';
import { reviewAccess } from './access-review.js';
import { createKubeCluster } from './kube-cluster.js';
import { scanClusterPolicies } from './cluster-policies.js';
import { ApiCalls } from './api-calls.js';
import { apiStatusCode } from './api-error.js';
import type { LoadedKubeConfig } from './kubeconfig.js';

const SYSTEM_NAMESPACE = 'kube-system';

export function createClusterInspector(loaded: LoadedKubeConfig): DoctorPort {
  const { kc } = loaded;
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const authorization = kc.makeApiClient(AuthorizationV1Api);
  const version = kc.makeApiClient(VersionApi);
  const calls = new ApiCalls();
  const contextNamespace = loaded.context ? kc.getContextObject(loaded.context)?.namespace : undefined;

  return {
    server: loaded.server,
    ...(loaded.context ? { context: loaded.context } : {}),
    source: loaded.source,
    defaultNamespace: contextNamespace || 'default',

    async serverVersion(): Promise<string> {
      const info = await calls.request(`asking ${loaded.server} for its version`, () => version.getCode());
      return info.gitVersion;
    },

    canI(question: AccessQuestion): Promise<AccessAnswer> {
      return reviewAccess(authorization, calls, question);
    },

    async systemWorkloads(): Promise<readonly SystemWorkload[]> {
      // CNIs live in kube-system, kube-flannel, calico-system, cilium…: all DaemonSets when we may list
      // them, kube-system's otherwise; plus kube-system pods for CNIs run as static pods.
      const daemonSets = await calls
        .request('listing DaemonSets in all namespaces', () => apps.listDaemonSetForAllNamespaces())
        .catch(async (error: unknown) => {
          if (apiStatusCode(error instanceof Error ? error.cause : undefined) !== 403) throw error;
          return calls.request(`listing DaemonSets in ${SYSTEM_NAMESPACE}`, () => apps.listNamespacedDaemonSet({ namespace: SYSTEM_NAMESPACE }));
        });
      const pods = await calls.request(`listing pods in ${SYSTEM_NAMESPACE}`, () => core.listNamespacedPod({ namespace: SYSTEM_NAMESPACE }));
      return [
        ...daemonSets.items.map((ds) => workload('DaemonSet', ds.metadata?.namespace, ds.metadata?.name, ds.spec?.template.spec)),
        ...pods.items.map((pod) => workload('Pod', pod.metadata?.namespace, pod.metadata?.name, pod.spec)),
      ];
    },

    async namespace(name: string): Promise<NamespaceFacts | undefined> {
      const found = await calls.requestOrNotFound(`reading namespace ${name}`, () => core.readNamespace({ name }));
      return found ? { name, labels: found.metadata?.labels ?? {} } : undefined;
    },

    async listNamespaces(): Promise<readonly NamespaceFacts[]> {
      const list = await calls.request('listing namespaces', () => core.listNamespace());
      return list.items.map((ns) => ({ name: ns.metadata?.name ?? '', labels: ns.metadata?.labels ?? {} }));
    },

    async networkPolicyCounts(): Promise<ReadonlyMap<string, number>> {
      const list = await calls.request('listing NetworkPolicies in all namespaces', () => networking.listNetworkPolicyForAllNamespaces());
      const counts = new Map<string, number>();
      for (const policy of list.items) {
        const namespace = policy.metadata?.namespace ?? '';
        counts.set(namespace, (counts.get(namespace) ?? 0) + 1);
      }
      return counts;
    },

    async probePods(namespaces: readonly string[]) {
      const pods = createKubeCluster(loaded);
      try {
        return { scope: 'cluster' as const, pods: await pods.listPods(managedSelector()) };
      } catch (error) {
        if (apiStatusCode(error instanceof Error ? error.cause : undefined) !== 403) throw error;
        const perNamespace = await Promise.all(namespaces.map((namespace) => pods.listPods(managedSelector(), namespace)));
        return { scope: 'namespaces' as const, pods: perNamespace.flat() };
      }
    },

    clusterPolicies: () => scanClusterPolicies(kc, calls),

    now: () => Date.now(),
  };
}

function workload(kind: SystemWorkload['kind'], namespace: string | undefined, name: string | undefined, spec: V1PodSpec | undefined): SystemWorkload {
  const images = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].flatMap((container) => (container.image ? [container.image] : []));
  return { kind, namespace: namespace ?? '', name: name ?? '', images };
}
