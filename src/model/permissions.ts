/**
 * The API permissions kubeknock uses: the one list that `doctor` checks (SelfSubjectAccessReview) and
 * that `manifests cronjob` grants (RBAC rules), so the two cannot disagree. Adding an API call to
 * src/cluster means adding its permission here.
 */
import { AWS_CLUSTER_POLICY_GROUP, AWS_CLUSTER_POLICY_PLURAL, CLUSTER_POLICY_GROUP, CLUSTER_POLICY_RESOURCES } from './cluster-policies.js';

export interface ApiPermission {
  readonly verb: string;
  /** '' for the core group. */
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly why: string;
  /**
   * What `kubeknock run` loses without it: `run-fails`; `detail` (the run works but explains less);
   * `nothing` (another command or check uses it). Doctor requires only `run-fails`; an audit's RBAC
   * grants `run-fails` and `detail`, never `nothing`.
   */
  readonly withoutIt: 'run-fails' | 'detail' | 'nothing';
}

/** "May the current user do this?" — a SelfSubjectAccessReview's question. */
export interface AccessQuestion {
  readonly verb: string;
  /** '' for the core group. */
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  /** Absent: cluster-wide. */
  readonly namespace?: string;
}

export interface AccessAnswer {
  readonly allowed: boolean;
  /** The authorizer's reason or evaluation error, when it gave one. */
  readonly reason?: string;
}

/** Everything kubeknock does in each namespace a run touches. */
export const NAMESPACED_PERMISSIONS: readonly ApiPermission[] = [
  { verb: 'create', group: '', resource: 'pods', why: 'start probe pods', withoutIt: 'run-fails' },
  { verb: 'get', group: '', resource: 'pods', why: 'wait for probe pods to run', withoutIt: 'run-fails' },
  { verb: 'list', group: '', resource: 'pods', why: 'find target pods and leftovers', withoutIt: 'run-fails' },
  { verb: 'watch', group: '', resource: 'pods', why: 'watch pods (kubeknock polls, so a run works without it)', withoutIt: 'nothing' },
  { verb: 'delete', group: '', resource: 'pods', why: 'remove probe pods', withoutIt: 'run-fails' },
  { verb: 'create', group: '', resource: 'pods', subresource: 'exec', why: 'run probe commands', withoutIt: 'run-fails' },
  { verb: 'get', group: '', resource: 'pods', subresource: 'exec', why: 'open the exec WebSocket, an upgraded GET', withoutIt: 'run-fails' },
  { verb: 'get', group: '', resource: 'services', why: 'resolve Service targets', withoutIt: 'run-fails' },
  { verb: 'list', group: '', resource: 'events', why: 'say why a probe pod did not start (a run works without it)', withoutIt: 'detail' },
  {
    verb: 'list',
    group: 'networking.k8s.io',
    resource: 'networkpolicies',
    why: 'read the policies to predict and explain (a run works without it)',
    withoutIt: 'nothing',
  },
];

/**
 * Placing probe pods on nodes: without it a run leaves them to the scheduler (perhaps all on one node),
 * and a scenario whose actors name a node, a nodeSelector or a placement cannot run.
 */
export const PLACEMENT_PERMISSION: ApiPermission = {
  verb: 'list',
  group: '',
  resource: 'nodes',
  why: 'spread probe pods over the nodes, and place them by node, nodeSelector or placement',
  withoutIt: 'detail',
};

/** Cluster scope, for every run. */
export const CLUSTER_PERMISSIONS: readonly ApiPermission[] = [
  { verb: 'get', group: '', resource: 'namespaces', why: 'check that namespaces exist', withoutIt: 'run-fails' },
  { verb: 'list', group: '', resource: 'pods', why: '`kubeknock cleanup` across all namespaces', withoutIt: 'nothing' },
  PLACEMENT_PERMISSION,
];

/** What `expect: policy` reads, cluster-wide: every object the policy engine judges with. */
export const POLICY_EXPECTATION_PERMISSIONS: readonly ApiPermission[] = [
  { verb: 'list', group: '', resource: 'namespaces', why: '`expect: policy` reads namespace labels', withoutIt: 'run-fails' },
  { verb: 'list', group: '', resource: 'pods', why: '`expect: policy` reads pod labels and ports', withoutIt: 'run-fails' },
  { verb: 'list', group: '', resource: 'services', why: '`expect: policy` reads Services', withoutIt: 'run-fails' },
  { verb: 'list', group: 'networking.k8s.io', resource: 'networkpolicies', why: '`expect: policy` reads the policies', withoutIt: 'run-fails' },
  // Needed only where the cluster serves these APIs: there a run refuses `expect: policy` unless it can
  // read every such object (the engine judges with their tiers) or see that AWS's own kind is absent.
  ...CLUSTER_POLICY_RESOURCES.filter((r, i, all) => all.findIndex((o) => o.plural === r.plural) === i).map(
    (r): ApiPermission => ({
      verb: 'list',
      group: CLUSTER_POLICY_GROUP,
      resource: r.plural,
      why: `\`expect: policy\` judges with the ${r.kind} objects' tiers (only where that API is served)`,
      withoutIt: 'detail',
    }),
  ),
  {
    verb: 'list',
    group: AWS_CLUSTER_POLICY_GROUP,
    resource: AWS_CLUSTER_POLICY_PLURAL,
    why: "`expect: policy` checks that no AWS ClusterNetworkPolicy (which kubeknock does not model) exists (only where that API is served)",
    withoutIt: 'detail',
  },
];

/**
 * Cluster-scope permissions; with `expect: policy` the cluster-wide lists it reads replace their
 * optional forms, and with actors placed by node, nodeSelector or placement listing nodes is required.
 */
export function clusterPermissions(policyExpectations: boolean, explicitPlacement = false): readonly ApiPermission[] {
  const base = explicitPlacement ? CLUSTER_PERMISSIONS.map((p) => (samePermission(p, PLACEMENT_PERMISSION) ? { ...p, withoutIt: 'run-fails' as const } : p)) : CLUSTER_PERMISSIONS;
  if (!policyExpectations) return base;
  return [...base.filter((p) => !POLICY_EXPECTATION_PERMISSIONS.some((q) => samePermission(p, q))), ...POLICY_EXPECTATION_PERMISSIONS];
}

export function samePermission(a: ApiPermission, b: ApiPermission): boolean {
  return a.verb === b.verb && a.group === b.group && a.resource === b.resource && a.subresource === b.subresource;
}

/** `pods` or `pods/exec`: the resource as an RBAC rule names it. */
export function permissionResource(permission: Pick<ApiPermission, 'resource' | 'subresource'>): string {
  return permission.subresource ? `${permission.resource}/${permission.subresource}` : permission.resource;
}

/** What a run does in the namespace of each probe pod: without any of these it cannot finish. */
export const PROBE_NAMESPACE_PERMISSIONS: readonly ApiPermission[] = NAMESPACED_PERMISSIONS.filter(
  (p) => p.withoutIt === 'run-fails' && p.resource === 'pods',
);

/**
 * What `discover --from-cluster` and `run --discover` read in each selected namespace (list only; they
 * write nothing), besides `list namespaces` at cluster scope. Without one of them discovery stops.
 */
export const DISCOVERY_PERMISSIONS: readonly ApiPermission[] = [
  ...(['deployments', 'statefulsets', 'daemonsets', 'replicasets'] as const).map(
    (resource): ApiPermission => ({ verb: 'list', group: 'apps', resource, why: 'discover workloads', withoutIt: 'run-fails' }),
  ),
  ...(['jobs', 'cronjobs'] as const).map((resource): ApiPermission => ({ verb: 'list', group: 'batch', resource, why: 'discover workloads', withoutIt: 'run-fails' })),
  { verb: 'list', group: '', resource: 'pods', why: 'discover pods no workload owns', withoutIt: 'run-fails' },
  { verb: 'list', group: '', resource: 'services', why: 'discover Services, the doors', withoutIt: 'run-fails' },
  { verb: 'list', group: 'networking.k8s.io', resource: 'networkpolicies', why: 'say which policies select each workload', withoutIt: 'run-fails' },
];

/** Cluster scope for discovery: namespace labels decide namespaceSelector peers. */
/**
 * What `kubeknock observe` needs: in the collector namespace, to start collector pods, exec the
 * sampling into them and remove them; at cluster scope, read-only lists that map socket addresses to
 * pods, Services and nodes and pods to their workloads.
 */
export const OBSERVE_COLLECTOR_PERMISSIONS: readonly ApiPermission[] = NAMESPACED_PERMISSIONS.filter(
  (p) => p.withoutIt === 'run-fails' && p.resource === 'pods',
).map((p) => ({ ...p, why: p.why.replace('probe', 'collector') }));

export const OBSERVE_CLUSTER_PERMISSIONS: readonly ApiPermission[] = [
  ...(['pods', 'services', 'namespaces', 'nodes'] as const).map((resource): ApiPermission => ({ verb: 'list', group: '', resource, why: 'map socket addresses to pods, Services and nodes', withoutIt: 'run-fails' })),
  ...(['deployments', 'statefulsets', 'daemonsets', 'replicasets'] as const).map((resource): ApiPermission => ({ verb: 'list', group: 'apps', resource, why: 'name the workload of each pod', withoutIt: 'run-fails' })),
  ...(['jobs', 'cronjobs'] as const).map((resource): ApiPermission => ({ verb: 'list', group: 'batch', resource, why: 'name the workload of each pod', withoutIt: 'run-fails' })),
];

export const DISCOVERY_CLUSTER_PERMISSIONS: readonly ApiPermission[] = [
  { verb: 'list', group: '', resource: 'namespaces', why: 'discover reads namespace labels', withoutIt: 'run-fails' },
  // The cluster-scoped tiers, as `expect: policy` reads them (only where those APIs are served).
  ...POLICY_EXPECTATION_PERMISSIONS.filter((p) => p.group === CLUSTER_POLICY_GROUP || p.group === AWS_CLUSTER_POLICY_GROUP).map((p) => ({ ...p, why: p.why.replace('`expect: policy`', 'discover') })),
];

/**
 * What a rollout or a multi-step scenario writes beyond probe pods, by the kind it changes: each
 * namespace a NetworkPolicy lives in, cluster scope for Namespaces (only their labels are changed).
 * Checked before the first change (src/app/write-permissions.ts); never granted to an audit.
 */
export const CHANGE_PERMISSIONS: Readonly<Record<'NetworkPolicy' | 'Namespace', readonly ApiPermission[]>> = {
  NetworkPolicy: (['get', 'create', 'patch', 'update', 'delete'] as const).map(
    (verb): ApiPermission => ({ verb, group: 'networking.k8s.io', resource: 'networkpolicies', why: 'apply, restore and delete the NetworkPolicies of a rollout or step', withoutIt: 'nothing' }),
  ),
  Namespace: (['get', 'patch'] as const).map((verb): ApiPermission => ({ verb, group: '', resource: 'namespaces', why: 'set and restore Namespace labels of a step', withoutIt: 'nothing' })),
};

/** The change journal: a ConfigMap in the journal namespace (`kubeknock` unless told otherwise). */
export const JOURNAL_PERMISSIONS: readonly ApiPermission[] = (['get', 'create', 'patch'] as const).map(
  (verb): ApiPermission => ({ verb, group: '', resource: 'configmaps', why: 'keep the journal of a rollout, so it can be undone', withoutIt: 'nothing' }),
);

/**
 * What `doctor --canary` does at cluster scope: create its scratch namespace, wait for it to be gone
 * after deleting it, and find (list) and remove the ones a killed canary left. `run-fails` here means
 * the canary cannot run without it; a run never needs these.
 */
export const CANARY_CLUSTER_PERMISSIONS: readonly ApiPermission[] = (['create', 'get', 'list', 'delete'] as const).map(
  (verb): ApiPermission => ({ verb, group: '', resource: 'namespaces', why: 'the canary creates, removes and sweeps its scratch namespace', withoutIt: 'run-fails' }),
);

/**
 * What the canary does inside its scratch namespace: two probe pods, the knock (exec), and the
 * deny-all (server-side apply of a new object needs create and patch). Asked about that namespace
 * before it exists, so only a ClusterRole bound cluster-wide can grant them. Its pods go with the
 * namespace: it never deletes pods itself.
 */
export const CANARY_NAMESPACE_PERMISSIONS: readonly ApiPermission[] = [
  ...PROBE_NAMESPACE_PERMISSIONS.filter((p) => p.verb !== 'delete').map((p) => ({ ...p, why: p.why.replace('probe', 'canary') })),
  ...(['create', 'patch'] as const).map((verb): ApiPermission => ({ verb, group: 'networking.k8s.io', resource: 'networkpolicies', why: 'apply the canary deny-all', withoutIt: 'run-fails' })),
];
