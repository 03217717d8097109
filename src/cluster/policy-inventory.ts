/**
 * Reads, live, the kinds the policy engine needs: Namespaces, running Pods, Services, NetworkPolicies.
 * Workloads are not read: their pods are, and they are the truth. Objects are handed on as plain JSON
 * (the same shape as a manifest) so one decoder serves files and cluster alike.
 */
import { CoreV1Api, NetworkingV1Api, type KubeConfig } from '@kubernetes/client-node';
import { isProbePod } from '../model/labels.js';
import type { RawObject } from '../policy/index.js';
import { apiError } from './api-error.js';
import { toRawObject } from './raw-object.js';

export async function readClusterPolicyObjects(kc: KubeConfig): Promise<RawObject[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const [namespaces, pods, services, policies] = await Promise.all([
    list('listing namespaces', () => core.listNamespace()),
    list('listing pods', () => core.listPodForAllNamespaces()),
    list('listing services', () => core.listServiceForAllNamespaces()),
    list('listing NetworkPolicies', () => networking.listNetworkPolicyForAllNamespaces()),
  ]);
  // Finished pods hold no address and take no traffic; kubeknock's own probe pods (of this or another
  // run) are not workloads: a runner adds its probe pods to the inventory itself.
  const live = pods.filter((pod) => {
    const { status, metadata } = pod as { status?: { phase?: string }; metadata?: { labels?: Record<string, string> } };
    return status?.phase !== 'Succeeded' && status?.phase !== 'Failed' && !isProbePod(metadata?.labels ?? {});
  });
  return [
    ...namespaces.map((item) => toRawObject('Namespace', item)),
    ...live.map((item) => toRawObject('Pod', item)),
    ...services.map((item) => toRawObject('Service', item)),
    ...policies.map((item) => toRawObject('NetworkPolicy', item)),
  ];
}

async function list(doing: string, call: () => Promise<{ items: readonly object[] }>): Promise<readonly object[]> {
  try {
    return (await call()).items;
  } catch (error) {
    throw apiError(doing, error);
  }
}
