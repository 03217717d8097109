import { describe, expect, it } from 'vitest';
import { CLUSTER_PERMISSIONS, NAMESPACED_PERMISSIONS, POLICY_EXPECTATION_PERMISSIONS, clusterPermissions, type ApiPermission } from '../../src/model/permissions.js';
import { buildRbac, policyRules, type PolicyRule } from '../../src/deploy/rbac.js';
import type { KubeObject } from '../../src/deploy/objects.js';

/** "verb group/resource" for every grant of some rules, the way doctor would ask for them. */
function grants(rules: readonly PolicyRule[]): string[] {
  return rules.flatMap((rule) => rule.apiGroups.flatMap((group) => rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${verb} ${group}/${resource}`)))).sort();
}

/** The permissions a run uses, in the same notation. */
function used(permissions: readonly ApiPermission[]): string[] {
  return permissions
    .filter((p) => p.withoutIt !== 'nothing')
    .map((p) => `${p.verb} ${p.group}/${p.subresource ? `${p.resource}/${p.subresource}` : p.resource}`)
    .sort();
}

const identity = { name: 'audit', namespace: 'kubeknock' };
const rulesOf = (objects: readonly KubeObject[], kind: string, namespace?: string): PolicyRule[] =>
  (objects.find((o) => o.kind === kind && o.metadata.namespace === namespace)?.rules as PolicyRule[] | undefined) ?? [];

describe('policyRules', () => {
  it.each([
    {
      name: 'one rule per resource, verbs sorted',
      permissions: [
        { verb: 'list', group: '', resource: 'pods', why: '', withoutIt: 'run-fails' },
        { verb: 'create', group: '', resource: 'pods', why: '', withoutIt: 'run-fails' },
      ],
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create', 'list'] }],
    },
    {
      name: 'a subresource is its own resource',
      permissions: [{ verb: 'create', group: '', resource: 'pods', subresource: 'exec', why: '', withoutIt: 'run-fails' }],
      rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }],
    },
    {
      name: 'a permission that only lends detail is granted',
      permissions: [{ verb: 'list', group: '', resource: 'events', why: '', withoutIt: 'detail' }],
      rules: [{ apiGroups: [''], resources: ['events'], verbs: ['list'] }],
    },
    {
      name: 'a permission no run uses is not',
      permissions: [{ verb: 'watch', group: '', resource: 'pods', why: '', withoutIt: 'nothing' }],
      rules: [],
    },
    {
      name: 'same resource name in two groups: two rules',
      permissions: [
        { verb: 'list', group: 'networking.k8s.io', resource: 'networkpolicies', why: '', withoutIt: 'run-fails' },
        { verb: 'list', group: 'example.io', resource: 'networkpolicies', why: '', withoutIt: 'run-fails' },
      ],
      rules: [
        { apiGroups: ['example.io'], resources: ['networkpolicies'], verbs: ['list'] },
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list'] },
      ],
    },
  ] satisfies { name: string; permissions: ApiPermission[]; rules: PolicyRule[] }[])('$name', ({ permissions, rules }) => {
    expect(policyRules(permissions)).toEqual(rules);
  });
});

describe('buildRbac from the permission list doctor checks', () => {
  const objects = buildRbac({ identity, namespaces: ['shop', 'data', 'shop'], namespaced: NAMESPACED_PERMISSIONS, cluster: clusterPermissions(false) });

  it('each namespace Role grants exactly what a run uses of the namespaced list', () => {
    for (const namespace of ['data', 'shop']) expect(grants(rulesOf(objects, 'Role', namespace)), `Role in ${namespace}`).toEqual(used(NAMESPACED_PERMISSIONS));
  });

  it('the ClusterRole grants exactly what a run uses at cluster scope: get namespaces and list nodes (placement), no cluster-wide pod list', () => {
    expect(grants(rulesOf(objects, 'ClusterRole'))).toEqual(used(CLUSTER_PERMISSIONS));
    expect(grants(rulesOf(objects, 'ClusterRole'))).toEqual(['get /namespaces', 'list /nodes']);
  });

  it('actors placed by node, nodeSelector or placement make list nodes required, and granted the same', () => {
    const placed = clusterPermissions(false, true);
    expect(placed.find((p) => p.resource === 'nodes')).toMatchObject({ verb: 'list', withoutIt: 'run-fails' });
    expect(clusterPermissions(false).find((p) => p.resource === 'nodes')).toMatchObject({ verb: 'list', withoutIt: 'detail' });
    const withPlacement = buildRbac({ identity, namespaces: ['shop'], namespaced: NAMESPACED_PERMISSIONS, cluster: placed });
    expect(grants(rulesOf(withPlacement, 'ClusterRole'))).toEqual(['get /namespaces', 'list /nodes']);
  });

  it('with expect: policy the ClusterRole adds the cluster-wide lists, cluster-scoped policy kinds included', () => {
    const withPolicy = buildRbac({ identity, namespaces: ['shop'], namespaced: NAMESPACED_PERMISSIONS, cluster: clusterPermissions(true) });
    expect(grants(rulesOf(withPolicy, 'ClusterRole'))).toEqual([
      'get /namespaces',
      'list /namespaces',
      'list /nodes',
      'list /pods',
      'list /services',
      'list networking.k8s.aws/clusternetworkpolicies',
      'list networking.k8s.io/networkpolicies',
      'list policy.networking.k8s.io/adminnetworkpolicies',
      'list policy.networking.k8s.io/baselineadminnetworkpolicies',
      'list policy.networking.k8s.io/clusternetworkpolicies',
    ]);
    expect(grants(rulesOf(withPolicy, 'ClusterRole'))).toEqual(used([...CLUSTER_PERMISSIONS.filter((p) => p.verb === 'get' || p.resource === 'nodes'), ...POLICY_EXPECTATION_PERMISSIONS]));
  });

  it('never a wildcard, never watch (kubeknock polls)', () => {
    const all = buildRbac({ identity, namespaces: ['shop'], namespaced: NAMESPACED_PERMISSIONS, cluster: clusterPermissions(true) });
    const rules = all.flatMap((o) => (o.rules as PolicyRule[] | undefined) ?? []);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
      expect(rule.verbs).not.toContain('watch');
    }
  });

  it('one Role and one RoleBinding per distinct namespace, each binding the audit ServiceAccount', () => {
    const roles = objects.filter((o) => o.kind === 'Role').map((o) => o.metadata.namespace);
    expect(roles).toEqual(['data', 'shop']);
    for (const binding of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
      expect(binding.subjects, `${binding.kind} ${binding.metadata.namespace ?? ''}`).toEqual([{ kind: 'ServiceAccount', name: 'audit', namespace: 'kubeknock' }]);
    }
    expect(objects.find((o) => o.kind === 'RoleBinding' && o.metadata.namespace === 'data')?.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'audit' });
  });

  it('cluster-scoped names carry the namespace, so two installs with the same name do not share a ClusterRole', () => {
    const other = buildRbac({ identity: { name: 'audit', namespace: 'elsewhere' }, namespaces: [], namespaced: [], cluster: [] });
    const name = (list: readonly KubeObject[]) => list.find((o) => o.kind === 'ClusterRole')?.metadata.name;
    expect(name(objects)).toBe('kubeknock:audit');
    expect(name(other)).toBe('elsewhere:audit');
  });
});
