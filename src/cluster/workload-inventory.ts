/**
 * Reads, live and read-only, what discovery needs: Namespaces, the workload kinds (Deployments,
 * StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs), Pods, Services and NetworkPolicies. Handed on
 * as plain JSON objects in manifest shape, so the decoder that reads `-f` files reads these too. With
 * `namespaces`, only those are listed (one list per kind and namespace); otherwise every namespace.
 */
import { AppsV1Api, BatchV1Api, CoreV1Api, NetworkingV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { RawObject } from '../policy/index.js';
import { ApiCalls } from './api-calls.js';
import { toRawObject } from './raw-object.js';

interface Lister {
  readonly kind: string;
  readonly all: () => Promise<{ items: readonly object[] }>;
  readonly namespaced: (namespace: string) => Promise<{ items: readonly object[] }>;
}

export async function readClusterWorkloadObjects(kc: KubeConfig, namespaces?: readonly string[], calls: ApiCalls = new ApiCalls()): Promise<RawObject[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const listers: Lister[] = [
    { kind: 'Deployment', all: () => apps.listDeploymentForAllNamespaces(), namespaced: (namespace) => apps.listNamespacedDeployment({ namespace }) },
    { kind: 'StatefulSet', all: () => apps.listStatefulSetForAllNamespaces(), namespaced: (namespace) => apps.listNamespacedStatefulSet({ namespace }) },
    { kind: 'DaemonSet', all: () => apps.listDaemonSetForAllNamespaces(), namespaced: (namespace) => apps.listNamespacedDaemonSet({ namespace }) },
    { kind: 'ReplicaSet', all: () => apps.listReplicaSetForAllNamespaces(), namespaced: (namespace) => apps.listNamespacedReplicaSet({ namespace }) },
    { kind: 'Job', all: () => batch.listJobForAllNamespaces(), namespaced: (namespace) => batch.listNamespacedJob({ namespace }) },
    { kind: 'CronJob', all: () => batch.listCronJobForAllNamespaces(), namespaced: (namespace) => batch.listNamespacedCronJob({ namespace }) },
    { kind: 'Pod', all: () => core.listPodForAllNamespaces(), namespaced: (namespace) => core.listNamespacedPod({ namespace }) },
    { kind: 'Service', all: () => core.listServiceForAllNamespaces(), namespaced: (namespace) => core.listNamespacedService({ namespace }) },
    {
      kind: 'NetworkPolicy',
      all: () => networking.listNetworkPolicyForAllNamespaces(),
      namespaced: (namespace) => networking.listNamespacedNetworkPolicy({ namespace }),
    },
  ];
  // Namespaces are always listed whole: namespace selectors of policies match on their labels.
  const namespaceList = await calls.request('listing namespaces', () => core.listNamespace());
  const lists = await Promise.all(
    listers.flatMap((lister) =>
      namespaces === undefined
        ? [calls.request(`listing ${lister.kind}s in all namespaces`, lister.all).then((list) => ({ kind: lister.kind, items: list.items }))]
        : namespaces.map((namespace) =>
            calls.request(`listing ${lister.kind}s in ${namespace}`, () => lister.namespaced(namespace)).then((list) => ({ kind: lister.kind, items: list.items })),
          ),
    ),
  );
  return [...namespaceList.items.map((item) => toRawObject('Namespace', item)), ...lists.flatMap(({ kind, items }) => items.map((item) => toRawObject(kind, item)))];
}
