/**
 * The audit's identity and its grants: a ServiceAccount, a Role + RoleBinding in each namespace a run
 * touches, and a ClusterRole + ClusterRoleBinding for what only exists at cluster scope. The rules come
 * from the permission list `doctor` checks (src/model/permissions.ts), so both agree by construction.
 */
import { permissionResource, type ApiPermission } from '../model/permissions.js';
import { metadata, type AuditIdentity, type KubeObject } from './objects.js';

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

export interface RbacInput {
  readonly identity: AuditIdentity;
  /** Every namespace a run touches (where probe pods start, and where targets are looked up). */
  readonly namespaces: readonly string[];
  readonly namespaced: readonly ApiPermission[];
  readonly cluster: readonly ApiPermission[];
}

/**
 * What a run uses, one rule per resource, verbs sorted. A permission no run uses (`watch`: kubeknock
 * polls; the cluster-wide pod list of `cleanup`) is left out: least privilege, never a wildcard.
 */
export function policyRules(permissions: readonly ApiPermission[]): PolicyRule[] {
  const byResource = new Map<string, { group: string; resource: string; verbs: Set<string> }>();
  for (const permission of permissions) {
    if (permission.withoutIt === 'nothing') continue;
    const resource = permissionResource(permission);
    const key = `${permission.group}/${resource}`;
    const entry = byResource.get(key) ?? { group: permission.group, resource, verbs: new Set<string>() };
    entry.verbs.add(permission.verb);
    byResource.set(key, entry);
  }
  return [...byResource.values()]
    .sort((a, b) => a.group.localeCompare(b.group) || a.resource.localeCompare(b.resource))
    .map(({ group, resource, verbs }) => ({ apiGroups: [group], resources: [resource], verbs: [...verbs].sort() }));
}

/** Cluster-scoped names are shared by every install, so they carry the audit's namespace too. */
export function clusterRoleName(identity: AuditIdentity): string {
  return `${identity.namespace}:${identity.name}`;
}

export function buildRbac(input: RbacInput): KubeObject[] {
  const { identity } = input;
  const subject = { kind: 'ServiceAccount', name: identity.name, namespace: identity.namespace };
  const clusterName = clusterRoleName(identity);
  const serviceAccount: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(identity, identity.name, identity.namespace) };
  const clusterRole: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: metadata(identity, clusterName), rules: policyRules(input.cluster) };
  const clusterBinding: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: metadata(identity, clusterName),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
    subjects: [subject],
  };
  const namespacedRules = policyRules(input.namespaced);
  const perNamespace = [...new Set(input.namespaces)].sort().flatMap((namespace): KubeObject[] => [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: metadata(identity, identity.name, namespace), rules: namespacedRules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata(identity, identity.name, namespace),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: identity.name },
      subjects: [subject],
    },
  ]);
  return [serviceAccount, clusterRole, clusterBinding, ...perNamespace];
}
