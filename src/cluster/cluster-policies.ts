/**
 * Finds the cluster-scoped policy objects of sigs.k8s.io/network-policy-api on a live cluster: API
 * discovery says which versions of the group are served, then each known resource is listed (a 404
 * means that version does not have it). Read-only.
 */
import { ApisApi, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { CLUSTER_POLICY_GROUP, CLUSTER_POLICY_RESOURCES, type ClusterPolicyScan, type ClusterScopedPolicy } from '../model/cluster-policies.js';
import { ApiCalls } from './api-calls.js';
import { apiStatusCode } from './api-error.js';

export async function scanClusterPolicies(kc: KubeConfig, calls: ApiCalls = new ApiCalls()): Promise<ClusterPolicyScan> {
  const discovery = await calls.request('listing the API groups the server serves', () => kc.makeApiClient(ApisApi).getAPIVersions());
  const group = discovery.groups.find((g) => g.name === CLUSTER_POLICY_GROUP);
  const served = new Set((group?.versions ?? []).map((v) => v.version));
  if (served.size === 0) return { servedVersions: [], found: [], unreadable: [] };
  const custom = kc.makeApiClient(CustomObjectsApi);
  const found = new Map<string, ClusterScopedPolicy>();
  const unreadable: string[] = [];
  for (const resource of CLUSTER_POLICY_RESOURCES.filter((r) => served.has(r.version))) {
    const apiVersion = `${CLUSTER_POLICY_GROUP}/${resource.version}`;
    const doing = `listing ${resource.plural}.${CLUSTER_POLICY_GROUP} (${resource.version})`;
    try {
      const list = (await calls.requestOrNotFound(doing, () =>
        custom.listClusterCustomObject({ group: CLUSTER_POLICY_GROUP, version: resource.version, plural: resource.plural }),
      )) as { items?: { metadata?: { name?: string } }[] } | undefined;
      for (const item of list?.items ?? []) {
        const name = item.metadata?.name ?? '?';
        // The same object served in two versions is one object.
        if (!found.has(`${resource.kind}/${name}`)) found.set(`${resource.kind}/${name}`, { kind: resource.kind, apiVersion, name });
      }
    } catch (error) {
      if (apiStatusCode(error instanceof Error ? error.cause : undefined) !== 403) throw error;
      unreadable.push(`list ${resource.plural}.${CLUSTER_POLICY_GROUP} (${resource.version})`);
    }
  }
  const order = (p: ClusterScopedPolicy): string => `${p.kind}/${p.name}`;
  return {
    servedVersions: [...served].sort().map((v) => `${CLUSTER_POLICY_GROUP}/${v}`),
    found: [...found.values()].sort((a, b) => order(a).localeCompare(order(b))),
    unreadable: [...new Set(unreadable)],
  };
}
