/**
 * Reads, live, the kinds the policy engine needs: Namespaces, running Pods, Services, NetworkPolicies.
 * Workloads are not read: their pods are, and they are the truth. Objects are handed on as plain JSON
 * (the same shape as a manifest) so one decoder serves files and cluster alike.
 */
import { CoreV1Api, NetworkingV1Api, type KubeConfig } from '@kubernetes/client-node';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../model/labels.js';
import type { RawObject } from '../policy/index.js';
import { apiError } from './api-error.js';

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
    return status?.phase !== 'Succeeded' && status?.phase !== 'Failed' && metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE;
  });
  return [
    ...namespaces.map((item) => toRaw('Namespace', item)),
    ...live.map((item) => toRaw('Pod', item)),
    ...services.map((item) => toRaw('Service', item)),
    ...policies.map((item) => toRaw('NetworkPolicy', item)),
  ];
}

async function list(doing: string, call: () => Promise<{ items: readonly object[] }>): Promise<readonly object[]> {
  try {
    return (await call()).items;
  } catch (error) {
    throw apiError(doing, error);
  }
}

/**
 * List items carry no kind; plain JSON drops client-node's class instances and undefined fields.
 * client-node escapes field names that are reserved words with a leading underscore (a NetworkPolicy
 * ingress rule's `from` is `_from`); no Kubernetes field starts with one, so the escape is undone.
 */
function toRaw(kind: string, item: object): RawObject {
  const plain = JSON.parse(JSON.stringify(item), unescapeKeys) as Record<string, unknown>;
  const value: Record<string, unknown> = { ...plain, kind };
  const metadata = value.metadata as { namespace?: string; name?: string } | undefined;
  const file = `cluster:${kind}/${metadata?.namespace ? `${metadata.namespace}/` : ''}${metadata?.name ?? '?'}`;
  return { value, file, locate: () => ({ line: 0 }) };
}

function unescapeKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key.startsWith('_') ? key.slice(1) : key, field]));
}
