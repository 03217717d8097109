import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/app/doctor.js';
import type { DoctorCheck } from '../../src/model/doctor.js';
import type { AccessQuestion, DoctorPort, NamespaceFacts, SystemWorkload } from '../../src/model/doctor-port.js';
import { renderDoctor } from '../../src/report/doctor.js';
import { InfraError } from '../../src/model/errors.js';
import type { PodInfo } from '../../src/probe/cluster-port.js';
import type { ClusterPolicyScan } from '../../src/model/cluster-policies.js';

const NOW = Date.parse('2026-12-01T10:00:00Z');

interface FakeCluster {
  readonly version?: string | Error;
  /** "verb resource[/sub] namespace|*" strings that are denied. */
  readonly denied?: readonly string[];
  readonly workloads?: readonly SystemWorkload[];
  readonly namespaces?: readonly NamespaceFacts[];
  readonly policies?: Readonly<Record<string, number>>;
  readonly listNamespacesForbidden?: boolean;
  readonly probePods?: readonly PodInfo[];
  readonly clusterPolicies?: ClusterPolicyScan;
}

function fake(cluster: FakeCluster): DoctorPort {
  const namespaces = cluster.namespaces ?? [{ name: 'default', labels: {} }];
  return {
    server: 'https://127.0.0.1:6443',
    context: 'test',
    source: 'flag',
    defaultNamespace: 'default',
    async serverVersion() {
      if (cluster.version instanceof Error) throw cluster.version;
      return cluster.version ?? 'v1.34.2';
    },
    async canI(q: AccessQuestion) {
      const key = `${q.verb} ${q.subresource ? `${q.resource}/${q.subresource}` : q.resource} ${q.namespace ?? '*'}`;
      return { allowed: !(cluster.denied ?? []).includes(key) };
    },
    async systemWorkloads() {
      return cluster.workloads ?? [];
    },
    async namespace(name: string) {
      return namespaces.find((ns) => ns.name === name);
    },
    async listNamespaces() {
      if (cluster.listNamespacesForbidden) throw new InfraError('listing namespaces: forbidden (RBAC): nope');
      return namespaces;
    },
    async networkPolicyCounts() {
      return new Map(Object.entries(cluster.policies ?? {}));
    },
    async probePods() {
      return { scope: 'cluster' as const, pods: cluster.probePods ?? [] };
    },
    async clusterPolicies() {
      return cluster.clusterPolicies ?? { servedVersions: [], found: [], unreadable: [], unmodelled: [] };
    },
    now: () => NOW,
  };
}

const calico: SystemWorkload = { kind: 'DaemonSet', namespace: 'calico-system', name: 'calico-node', images: ['docker.io/calico/node:v3.28.0'] };
const flannel: SystemWorkload = { kind: 'DaemonSet', namespace: 'kube-flannel', name: 'kube-flannel-ds', images: ['docker.io/flannel/flannel:v0.25.1'] };
const production: NamespaceFacts = {
  name: 'production',
  labels: { 'kubernetes.io/metadata.name': 'production', 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
};

const find = (checks: readonly DoctorCheck[], title: string): DoctorCheck | undefined => checks.find((check) => check.title === title);

describe('runDoctor', () => {
  it('a healthy cluster: every check ✓ and a run can work', async () => {
    const report = await runDoctor(() => fake({ workloads: [calico], namespaces: [production], policies: { production: 2 } }), { namespaces: ['production'] });
    expect(report.canRun).toBe(true);
    expect(report.checks.map((c) => [c.status, c.title])).toEqual([
      ['ok', 'API server reachable'],
      ['ok', 'RBAC at cluster scope'],
      ['ok', 'namespace production'],
      ['ok', 'RBAC in namespace production'],
      ['ok', 'Pod Security in production'],
      ['ok', 'CNI'],
      ['ok', 'namespaces without NetworkPolicy'],
      ['ok', 'cluster-scoped network policies'],
      ['ok', 'leftover probe pods'],
    ]);
    expect(find(report.checks, 'Pod Security in production')?.detail).toContain('enforce=restricted');
    expect(find(report.checks, 'CNI')?.detail).toContain('calico');
  });

  it('an unreachable API server is one ✗ and nothing else is asked', async () => {
    const report = await runDoctor(() => fake({ version: new InfraError('asking https://127.0.0.1:6443 for its version: cannot reach the API server: connect ECONNREFUSED') }), {
      namespaces: [],
    });
    expect(report.canRun).toBe(false);
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]).toMatchObject({ status: 'fail', title: 'API server reachable' });
    expect(report.checks[0]?.detail).toContain('ECONNREFUSED');
  });

  it('no kubeconfig is a ✗ kubeconfig line, not a crash', async () => {
    const report = await runDoctor(() => {
      throw new InfraError('no kubeconfig found (looked at …)');
    }, { namespaces: [] });
    expect(report).toMatchObject({ canRun: false, checks: [{ status: 'fail', title: 'kubeconfig' }] });
  });

  it('missing pods/exec permissions fail the namespace and say how to grant them', async () => {
    const report = await runDoctor(() => fake({ namespaces: [production], denied: ['create pods/exec production', 'get pods/exec production'], workloads: [calico] }), {
      namespaces: ['production'],
    });
    expect(report.canRun).toBe(false);
    const rbac = find(report.checks, 'RBAC in namespace production');
    expect(rbac?.status).toBe('fail');
    expect(rbac?.detail).toContain('create pods/exec');
    expect(rbac?.detail).toContain('get pods/exec');
    expect(rbac?.fix).toBe('ask for a Role in production (and a RoleBinding to you) granting create,get on pods/exec');
  });

  it('a missing optional permission (watch, cluster-wide list) is only a warning', async () => {
    const report = await runDoctor(() => fake({ namespaces: [production], denied: ['watch pods production', 'list pods *'], workloads: [calico] }), {
      namespaces: ['production'],
    });
    expect(report.canRun).toBe(true);
    expect(find(report.checks, 'RBAC in namespace production')?.status).toBe('warn');
    expect(find(report.checks, 'RBAC at cluster scope')?.status).toBe('warn');
  });

  it('a missing list on events (it only says why a pod did not start) is a warning that names it', async () => {
    const report = await runDoctor(() => fake({ namespaces: [production], denied: ['list events production'], workloads: [calico] }), { namespaces: ['production'] });
    expect(report.canRun).toBe(true);
    expect(find(report.checks, 'RBAC in namespace production')).toMatchObject({ status: 'warn', detail: expect.stringContaining('list events (say why a probe pod did not start') });
  });

  it('with expect: policy checks, the cluster-wide lists they read are required', async () => {
    const cluster = { namespaces: [production], denied: ['list networkpolicies *', 'list pods *'], workloads: [calico] };
    const without = await runDoctor(() => fake(cluster), { namespaces: ['production'] });
    expect(find(without.checks, 'RBAC at cluster scope')?.status).toBe('warn');
    const withPolicy = await runDoctor(() => fake(cluster), { namespaces: ['production'], policyExpectations: true });
    expect(withPolicy.canRun).toBe(false);
    const rbac = find(withPolicy.checks, 'RBAC at cluster scope');
    expect(rbac?.status).toBe('fail');
    expect(rbac?.detail).toContain('`expect: policy` reads the policies');
    expect(rbac?.detail).toContain('`expect: policy` reads pod labels and ports');
  });

  it('list nodes: a warning for spreading, required once actors are placed by node, nodeSelector or placement', async () => {
    const cluster = { namespaces: [production], denied: ['list nodes *'], workloads: [calico] };
    const spread = await runDoctor(() => fake(cluster), { namespaces: ['production'] });
    expect(spread.canRun).toBe(true);
    expect(find(spread.checks, 'RBAC at cluster scope')).toMatchObject({ status: 'warn', detail: expect.stringContaining('list nodes (spread probe pods over the nodes') });
    const placed = await runDoctor(() => fake(cluster), { namespaces: ['production'], placement: true });
    expect(placed.canRun).toBe(false);
    expect(find(placed.checks, 'RBAC at cluster scope')).toMatchObject({ status: 'fail', fix: 'ask for a ClusterRole (and a ClusterRoleBinding to you) granting list on nodes' });
  });

  it('a namespace that does not exist fails', async () => {
    const report = await runDoctor(() => fake({ workloads: [calico] }), { namespaces: ['productoin'] });
    expect(report.canRun).toBe(false);
    expect(find(report.checks, 'namespace productoin')).toMatchObject({ status: 'fail', detail: 'does not exist' });
  });

  it('flannel alone: warns that nothing enforces NetworkPolicy', async () => {
    const report = await runDoctor(() => fake({ workloads: [flannel] }), { namespaces: [] });
    const cni = find(report.checks, 'CNI');
    expect(cni?.status).toBe('warn');
    expect(cni?.detail).toContain('nothing enforces NetworkPolicy');
    expect(report.canRun).toBe(true);
  });

  it('lists wide-open namespaces and warns when a scenario namespace is one of them', async () => {
    const report = await runDoctor(
      () => fake({ workloads: [calico], namespaces: [production, { name: 'staging', labels: {} }, { name: 'default', labels: {} }], policies: { production: 1 } }),
      { namespaces: ['staging'] },
    );
    const open = find(report.checks, 'namespaces without NetworkPolicy');
    expect(open?.status).toBe('warn');
    expect(open?.detail).toContain('2 wide open');
    expect(open?.detail).toContain('staging, default');
    expect(open?.fix).toContain('staging has no policy');
  });

  it('defaults to the context namespace', async () => {
    const report = await runDoctor(() => fake({ workloads: [calico] }), { namespaces: [] });
    expect(report.namespaces).toEqual(['default']);
  });
});

describe('renderDoctor', () => {
  it('text: one ✓/✗/! line per check, the fix indented, and the verdict', async () => {
    const report = await runDoctor(() => fake({ namespaces: [production], denied: ['create pods/exec production'], workloads: [flannel], policies: { production: 1 } }), {
      namespaces: ['production'],
    });
    const text = renderDoctor(report, 'text');
    expect(text).toContain('Cluster https://127.0.0.1:6443 (context test, kubeconfig from --kubeconfig)\n');
    expect(text).toContain('✓ API server reachable: Kubernetes v1.34.2 at https://127.0.0.1:6443\n');
    expect(text).toMatch(/✗ RBAC in namespace production: missing create pods\/exec \(run probe commands\)\n {4}→ ask for a Role in production/);
    expect(text).toMatch(/! CNI: flannel/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('A run cannot work here until the ✗ items are fixed.');
  });

  it('json parses back to the report', async () => {
    const report = await runDoctor(() => fake({ workloads: [calico] }), { namespaces: [] });
    expect(JSON.parse(renderDoctor(report, 'json'))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('lists leftover probe pods with run id, phase and age, and says what removes them', async () => {
    const labels = (runId: string) => ({ 'app.kubernetes.io/managed-by': 'kubeknock', 'kubeknock.dev/run-id': runId });
    const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();
    const report = await runDoctor(
      () =>
        fake({
          workloads: [calico],
          namespaces: [production],
          policies: { production: 2 },
          probePods: [
            { namespace: 'production', name: 'kubeknock-db-x1', labels: labels('dead'), phase: 'Failed', reason: 'DeadlineExceeded', createdAt: at(3700), startedAt: at(3699), deadlineSeconds: 900, deleting: false },
            { namespace: 'production', name: 'kubeknock-db-x2', labels: labels('busy'), phase: 'Running', createdAt: at(30), startedAt: at(29), deadlineSeconds: 900, deleting: false },
          ],
        }),
      { namespaces: ['production'] },
    );
    const check = find(report.checks, 'leftover probe pods');
    expect(check?.status).toBe('warn');
    expect(check?.detail).toBe(
      '2 in any namespace: production/kubeknock-db-x1 (run dead, Failed/DeadlineExceeded, 61m old); production/kubeknock-db-x2 (run busy, Running, 30s old) [within its deadline: maybe a run under way]',
    );
    expect(check?.fix).toContain('the next run in their namespace removes them, or "kubeknock cleanup" now');
    expect(report.canRun, 'leftovers do not stop a run').toBe(true);
    const clean = await runDoctor(() => fake({ workloads: [calico], namespaces: [production], policies: { production: 2 } }), { namespaces: ['production'] });
    expect(find(clean.checks, 'leftover probe pods')).toEqual({ status: 'ok', title: 'leftover probe pods', detail: 'none in any namespace' });
  });

  it('reports cluster-scoped network policies: modelled ones are ok; unmodelled ones a warning, a failure when the scenarios derive expectations', async () => {
    const v1alpha1 = 'policy.networking.k8s.io/v1alpha1';
    const anp = { apiVersion: v1alpha1, kind: 'AdminNetworkPolicy', metadata: { name: 'deny-egress' }, spec: { priority: 3, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ namespaces: {} }] }] } };
    const clusterPolicies: ClusterPolicyScan = {
      servedVersions: [v1alpha1],
      found: [{ kind: 'AdminNetworkPolicy', apiVersion: v1alpha1, name: 'deny-egress', object: anp }],
      unreadable: [],
      unmodelled: [],
    };
    const base = { workloads: [calico], namespaces: [production], policies: { production: 2 }, clusterPolicies };
    const modelled = await runDoctor(() => fake(base), { namespaces: ['production'], policyExpectations: true });
    expect(find(modelled.checks, 'cluster-scoped network policies')).toMatchObject({
      status: 'ok',
      detail: '1 object(s), judged with their tiers by expect: policy and --from-cluster (rollout refuses them: its planner does not model them yet): AdminNetworkPolicy deny-egress (policy.networking.k8s.io/v1alpha1)',
    });
    const aws = { ...clusterPolicies, found: [], unmodelled: [{ kind: 'ClusterNetworkPolicy', apiVersion: 'networking.k8s.aws/v1alpha1', name: 'guard', object: {} }] };
    const plain = await runDoctor(() => fake({ ...base, clusterPolicies: aws }), { namespaces: ['production'] });
    const check = find(plain.checks, 'cluster-scoped network policies');
    expect(check).toMatchObject({ status: 'warn', detail: "1 object(s) of an API kubeknock does not model (AWS's own ClusterNetworkPolicy): ClusterNetworkPolicy guard (networking.k8s.aws/v1alpha1)" });
    expect(check?.fix).toContain('--ignore-cluster-policies');
    const withPolicy = await runDoctor(() => fake({ ...base, clusterPolicies: aws }), { namespaces: ['production'], policyExpectations: true });
    expect(find(withPolicy.checks, 'cluster-scoped network policies')?.status).toBe('fail');
    expect(withPolicy.canRun).toBe(false);
    const broken = { ...clusterPolicies, found: [{ ...clusterPolicies.found[0]!, object: { ...anp, spec: { ...anp.spec, priority: 5000 } } }] };
    const refused = await runDoctor(() => fake({ ...base, clusterPolicies: broken }), { namespaces: ['production'] });
    expect(find(refused.checks, 'cluster-scoped network policies')?.detail).toContain("kubeknock's decoder refuses AdminNetworkPolicy deny-egress (cluster:AdminNetworkPolicy/deny-egress: spec.priority:");
    const served = await runDoctor(() => fake({ ...base, clusterPolicies: { ...clusterPolicies, found: [] } }), { namespaces: ['production'] });
    expect(find(served.checks, 'cluster-scoped network policies')).toMatchObject({ status: 'ok', detail: 'policy.networking.k8s.io/v1alpha1 served, no objects' });
  });

  it('with --discover checks the list permissions discovery needs, naming a missing one', async () => {
    const base = { workloads: [calico], namespaces: [production], policies: { production: 2 }, denied: ['list deployments production'] };
    const without = await runDoctor(() => fake(base), { namespaces: ['production'] });
    expect(find(without.checks, 'RBAC for discover in namespace production'), 'only asked for with --discover').toBeUndefined();
    const report = await runDoctor(() => fake(base), { namespaces: ['production'], discovery: true });
    const check = find(report.checks, 'RBAC for discover in namespace production');
    expect(check?.status).toBe('fail');
    expect(check?.detail).toBe('missing list deployments.apps (discover workloads)');
    expect(find(report.checks, 'RBAC for discover at cluster scope')?.status).toBe('ok');
  });
  it('with --observe checks the collector namespace: missing, Pod Security forbidding hostPID, privileged, and the RBAC observe needs', async () => {
    const base = { workloads: [calico], namespaces: [production], policies: { production: 2 } };
    const without = await runDoctor(() => fake(base), { namespaces: ['production'] });
    expect(without.checks.filter((check) => check.title.includes('observe')), 'only asked for with --observe').toEqual([]);

    const missing = await runDoctor(() => fake(base), { namespaces: ['production'], observe: { collectorNamespace: 'kubeknock' } });
    const absent = find(missing.checks, 'observe: collector namespace kubeknock');
    expect(absent?.status).toBe('fail');
    expect(absent?.fix).toBe('kubectl create namespace kubeknock && kubectl label namespace kubeknock pod-security.kubernetes.io/enforce=privileged (or observe --collector-namespace another one)');
    expect(missing.canRun).toBe(false);

    const restricted = await runDoctor(() => fake(base), { namespaces: ['production'], observe: { collectorNamespace: 'production' } });
    const forbidden = find(restricted.checks, 'observe: collector namespace production');
    expect(forbidden?.status).toBe('fail');
    expect(forbidden?.detail).toBe("Pod Security enforce=restricted forbids hostPID, which the collector needs to read other pods' socket tables");

    const collector: NamespaceFacts = { name: 'kubeknock', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } };
    const ready = await runDoctor(() => fake({ ...base, namespaces: [production, collector], denied: ['create pods/exec kubeknock', 'list nodes *'] }), {
      namespaces: ['production'],
      observe: { collectorNamespace: 'kubeknock' },
    });
    expect(find(ready.checks, 'observe: collector namespace kubeknock')?.status).toBe('ok');
    expect(find(ready.checks, 'RBAC for observe in namespace kubeknock')?.detail).toBe('missing create pods/exec (run collector commands)');
    expect(find(ready.checks, 'RBAC for observe at cluster scope')?.detail).toBe('missing list nodes (map socket addresses to pods, Services and nodes)');
  });
});
