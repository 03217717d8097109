/**
 * Reads the cluster-scoped policy objects on a live cluster: API discovery says which versions of the
 * groups are served, then each known resource is listed whole (a 404 means that version does not have
 * it), so the engine can judge with them. AWS's ClusterNetworkPolicy group is listed too, only to be
 * named: the engine does not model it. Read-only.
 */
import { ApisApi, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import {
  AWS_CLUSTER_POLICY_GROUP,
  AWS_CLUSTER_POLICY_PLURAL,
  CLUSTER_POLICY_GROUP,
  CLUSTER_POLICY_RESOURCES,
  type ClusterPolicyResource,
  type ClusterPolicyScan,
  type ClusterScopedPolicy,
} from '../model/cluster-policies.js';
import { ApiCalls } from './api-calls.js';
import { apiStatusCode } from './api-error.js';

type Listed = { readonly listed: readonly ClusterScopedPolicy[] } | { readonly forbidden: string };

export async function scanClusterPolicies(kc: KubeConfig, calls: ApiCalls = new ApiCalls()): Promise<ClusterPolicyScan> {
  const discovery = await calls.request('listing the API groups the server serves', () => kc.makeApiClient(ApisApi).getAPIVersions());
  const versionsOf = (name: string): Set<string> => new Set((discovery.groups.find((g) => g.name === name)?.versions ?? []).map((v) => v.version));
  const served = versionsOf(CLUSTER_POLICY_GROUP);
  const aws = versionsOf(AWS_CLUSTER_POLICY_GROUP);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const list = (group: string, resource: ClusterPolicyResource): Promise<Listed> => listResource(calls, custom, group, resource);
  const found = new Map<string, ClusterScopedPolicy>();
  const unreadable: string[] = [];
  // In preference order: the same object served in two versions is one object, read in the first.
  for (const resource of CLUSTER_POLICY_RESOURCES.filter((r) => served.has(r.version))) {
    const result = await list(CLUSTER_POLICY_GROUP, resource);
    if ('forbidden' in result) unreadable.push(result.forbidden);
    else for (const policy of result.listed) if (!found.has(`${policy.kind}/${policy.name}`)) found.set(`${policy.kind}/${policy.name}`, policy);
  }
  const unmodelled: ClusterScopedPolicy[] = [];
  for (const version of [...aws].sort()) {
    const result = await list(AWS_CLUSTER_POLICY_GROUP, { version, plural: AWS_CLUSTER_POLICY_PLURAL, kind: 'ClusterNetworkPolicy' });
    if ('forbidden' in result) unreadable.push(result.forbidden);
    else unmodelled.push(...result.listed.filter((policy) => !unmodelled.some((p) => p.name === policy.name)));
  }
  const order = (p: ClusterScopedPolicy): string => `${p.kind}/${p.name}`;
  const byName = (a: ClusterScopedPolicy, b: ClusterScopedPolicy): number => order(a).localeCompare(order(b));
  return {
    servedVersions: [...served].sort().map((v) => `${CLUSTER_POLICY_GROUP}/${v}`),
    found: [...found.values()].sort(byName),
    unreadable: [...new Set(unreadable)],
    unmodelled: unmodelled.sort(byName),
  };
}

async function listResource(calls: ApiCalls, custom: CustomObjectsApi, group: string, resource: ClusterPolicyResource): Promise<Listed> {
  const apiVersion = `${group}/${resource.version}`;
  try {
    const list = (await calls.requestOrNotFound(`listing ${resource.plural}.${group} (${resource.version})`, () =>
      custom.listClusterCustomObject({ group, version: resource.version, plural: resource.plural }),
    )) as { items?: unknown[] } | undefined;
    return {
      listed: (list?.items ?? []).map((item) => {
        // Plain JSON in manifest shape; list items may leave out apiVersion and kind, so they are set.
        const object: Record<string, unknown> = { ...(JSON.parse(JSON.stringify(item ?? {})) as Record<string, unknown>), apiVersion, kind: resource.kind };
        const name = (object.metadata as { name?: unknown } | undefined)?.name;
        return { kind: resource.kind, apiVersion, name: typeof name === 'string' ? name : '?', object };
      }),
    };
  } catch (error) {
    if (apiStatusCode(error instanceof Error ? error.cause : undefined) !== 403) throw error;
    return { forbidden: `list ${resource.plural}.${group} (${resource.version})` };
  }
}
