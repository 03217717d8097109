/**
 * `kubeknock doctor`: can a run work against this cluster, and what will it find? Each check is a
 * value (✓ ok, ✗ fail, ! warn) with what to do about it; only failures make a run impossible.
 */
import { assertNever } from '../model/assert-never.js';
import { describeError, formatIssue } from '../model/errors.js';
import { toInputIssue } from '../policy/index.js';
import { classifyLeftovers, describeLeftover, sweepable } from '../probe/leftovers.js';
import { CLUSTER_POLICY_GROUP, describeClusterPolicy } from '../model/cluster-policies.js';
import { IGNORE_CLUSTER_POLICIES_FLAG, clusterPolicyObject, undecodable } from './cluster-policy-guard.js';
import { detectCni } from './doctor-cni.js';
import type { DoctorPort, NamespaceFacts } from '../model/doctor-port.js';
import type { CniReport, DoctorCheck, DoctorReport } from '../model/doctor.js';
import type { CanaryResult } from '../model/canary.js';
import type { Clock } from '../probe/clock.js';
import { canaryChecks, ENFORCEMENT_TITLE, isFinding } from './canary/check.js';
import { describeCanaryPlan, type CanaryPlan } from './canary/plan.js';
import { runCanary, type CanaryPorts } from './canary/run.js';
import { CANARY_CLUSTER_PERMISSIONS, CANARY_NAMESPACE_PERMISSIONS, DISCOVERY_CLUSTER_PERMISSIONS, DISCOVERY_PERMISSIONS, NAMESPACED_PERMISSIONS, OBSERVE_CLUSTER_PERMISSIONS, OBSERVE_COLLECTOR_PERMISSIONS, clusterPermissions, permissionResource, type ApiPermission } from '../model/permissions.js';

export interface DoctorOptions {
  /** Namespaces a run would use; the context's namespace when empty. */
  readonly namespaces: readonly string[];
  /** The scenarios have `expect: policy` checks, which read policies, pods, Services and namespaces cluster-wide. */
  readonly policyExpectations?: boolean;
  /** Also check what `discover --from-cluster` and `run --discover` read in those namespaces. */
  readonly discovery?: boolean;
  /** The scenarios place actors by node, nodeSelector or placement, which needs the nodes listed. */
  readonly placement?: boolean;
  /** Also check what `kubeknock observe` needs: RBAC, and a Pod Security level that admits its hostPID collector there. */
  readonly observe?: { readonly collectorNamespace: string };
  /** `--canary`: prove enforcement with a scratch namespace, two probe pods and a deny-all (writes to the cluster). */
  readonly canary?: CanaryRequest;
}

export interface CanaryRequest {
  readonly plan: CanaryPlan;
  /** The cluster adapters the canary writes through; called only once its RBAC checks pass. */
  readonly connect: () => CanaryPorts;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** stderr: the plan first, then what the canary is doing. */
  readonly progress: (line: string) => void;
}

/** Doctor asks about the permissions kubeknock uses; only those a run cannot do without fail it. */
const optional = (permission: ApiPermission): boolean => permission.withoutIt !== 'run-fails';

const POD_SECURITY_LABEL = 'pod-security.kubernetes.io/';

export async function runDoctor(connect: () => DoctorPort, options: DoctorOptions): Promise<DoctorReport> {
  // Before anything else: what it will create and remove, while there is still time to say no.
  options.canary?.progress(describeCanaryPlan(options.canary.plan));
  let port: DoctorPort;
  try {
    port = connect();
  } catch (error) {
    return finish({ namespaces: options.namespaces, checks: [{ status: 'fail', title: 'kubeconfig', detail: describeError(error) }] });
  }
  const where = { server: port.server, ...(port.context ? { context: port.context } : {}), source: port.source };
  const namespaces = options.namespaces.length > 0 ? [...new Set(options.namespaces)] : [port.defaultNamespace];
  let version: string;
  try {
    version = await port.serverVersion();
  } catch (error) {
    const check: DoctorCheck = {
      status: 'fail',
      title: 'API server reachable',
      detail: describeError(error),
      fix: `check that ${port.server} is the right server and reachable from here (kubectl --context ${port.context ?? '…'} version)`,
    };
    return finish({ ...where, namespaces, checks: [check] });
  }
  const checks: DoctorCheck[] = [{ status: 'ok', title: 'API server reachable', detail: `Kubernetes ${version} at ${port.server}` }];
  checks.push(await permissionsCheck(port, clusterPermissions(options.policyExpectations ?? false, options.placement ?? false), undefined));
  if (options.discovery) checks.push(await permissionsCheck(port, DISCOVERY_CLUSTER_PERMISSIONS, undefined, 'RBAC for discover'));
  for (const namespace of namespaces) {
    const facts = await settle(() => port.namespace(namespace));
    checks.push(namespaceCheck(namespace, facts));
    // Permissions in a namespace that does not exist are moot until it does.
    if (facts.ok && !facts.value) continue;
    checks.push(await permissionsCheck(port, NAMESPACED_PERMISSIONS, namespace));
    if (options.discovery) checks.push(await permissionsCheck(port, DISCOVERY_PERMISSIONS, namespace, 'RBAC for discover'));
    if (facts.ok && facts.value) checks.push(podSecurityCheck(facts.value));
  }
  if (options.observe) checks.push(...(await observeChecks(port, options.observe.collectorNamespace)));
  const cni = await settle(() => port.systemWorkloads());
  let cniReport: CniReport | undefined;
  if (cni.ok) {
    cniReport = detectCni(cni.value);
    checks.push(cniCheck(cniReport));
  } else {
    checks.push({ status: 'warn', title: 'CNI', detail: `could not list system workloads: ${cni.error}` });
  }
  checks.push(await wideOpenCheck(port, namespaces));
  checks.push(await clusterPoliciesCheck(port, options.policyExpectations ?? false));
  checks.push(await leftoversCheck(port, namespaces));
  const canary = options.canary ? await canaryPart(port, options.canary) : undefined;
  if (canary) checks.push(...canary.checks);
  return finish({ ...where, namespaces, checks, ...(cniReport ? { cni: cniReport } : {}), ...(canary?.result ? { canary: canary.result } : {}) });
}

/**
 * Exit code of `doctor`: 1 when the canary found the cluster not enforcing (or its network broken),
 * else 2 when some check failed (a run cannot work, or the canary could not run), else 0.
 */
export function doctorExitCode(report: DoctorReport): number {
  if (report.canary && isFinding(report.canary)) return 1;
  return report.canRun ? 0 : 2;
}

/** The canary's RBAC first (nothing is created without it), then the canary itself. */
async function canaryPart(port: DoctorPort, request: CanaryRequest): Promise<{ readonly checks: DoctorCheck[]; readonly result?: CanaryResult }> {
  const rbac = [
    await permissionsCheck(port, CANARY_CLUSTER_PERMISSIONS, undefined, 'RBAC for the canary'),
    await permissionsCheck(port, CANARY_NAMESPACE_PERMISSIONS, request.plan.namespace, 'RBAC for the canary'),
  ];
  if (rbac.some((check) => check.status === 'fail')) {
    return { checks: [...rbac, { status: 'fail', title: ENFORCEMENT_TITLE, detail: 'not checked: the canary needs the RBAC above (nothing was created)' }] };
  }
  let ports: CanaryPorts;
  try {
    ports = request.connect();
  } catch (error) {
    return { checks: [...rbac, { status: 'fail', title: ENFORCEMENT_TITLE, detail: `the canary could not run: ${describeError(error)}` }] };
  }
  const result = await runCanary(ports, { plan: request.plan, clock: request.clock, progress: request.progress, ...(request.signal ? { signal: request.signal } : {}) });
  return { checks: [...rbac, ...canaryChecks(result)], result };
}

function finish(report: Omit<DoctorReport, 'canRun'>): DoctorReport {
  return { ...report, canRun: report.checks.every((check) => check.status !== 'fail') };
}

async function permissionsCheck(port: DoctorPort, permissions: readonly ApiPermission[], namespace: string | undefined, what = 'RBAC'): Promise<DoctorCheck> {
  const title = namespace ? `${what} in namespace ${namespace}` : `${what} at cluster scope`;
  const answers = await Promise.all(
    permissions.map(async (permission) => ({ permission, answer: await settle(() => port.canI({ ...permission, ...(namespace ? { namespace } : {}) })) })),
  );
  const unknown = answers.filter(({ answer }) => !answer.ok);
  const denied = answers.filter(({ answer }) => answer.ok && !answer.value.allowed).map(({ permission }) => permission);
  const required = denied.filter((permission) => !optional(permission));
  const missingOptional = denied.filter(optional);
  if (required.length > 0) {
    return {
      status: 'fail',
      title,
      detail: `missing ${required.map((p) => `${describePermission(p)} (${p.why})`).join(', ')}`,
      fix: grantHint(required, namespace),
    };
  }
  if (unknown.length > 0) {
    const first = unknown[0]?.answer;
    return { status: 'warn', title, detail: `could not ask the API server (SelfSubjectAccessReview): ${first && !first.ok ? first.error : ''}` };
  }
  if (missingOptional.length > 0) {
    return {
      status: 'warn',
      title,
      detail: `allowed for a run; missing ${missingOptional.map((p) => `${describePermission(p)} (${p.why})`).join(', ')}`,
      fix: grantHint(missingOptional, namespace),
    };
  }
  return { status: 'ok', title, detail: `${permissions.length} permissions granted` };
}

function describePermission(permission: ApiPermission): string {
  const resource = permissionResource(permission);
  return `${permission.verb} ${permission.group ? `${resource}.${permission.group}` : resource}`;
}

function grantHint(missing: readonly ApiPermission[], namespace: string | undefined): string {
  // Per resource, because `kubectl create role --verb --resource` grants every verb on every resource.
  const byResource = new Map<string, string[]>();
  for (const permission of missing) {
    const resource = permissionResource(permission) + (permission.group ? `.${permission.group}` : '');
    byResource.set(resource, [...(byResource.get(resource) ?? []), permission.verb]);
  }
  const rules = [...byResource].map(([resource, verbs]) => `${verbs.join(',')} on ${resource}`).join('; ');
  return namespace ? `ask for a Role in ${namespace} (and a RoleBinding to you) granting ${rules}` : `ask for a ClusterRole (and a ClusterRoleBinding to you) granting ${rules}`;
}

function namespaceCheck(namespace: string, facts: Settled<NamespaceFacts | undefined>): DoctorCheck {
  const title = `namespace ${namespace}`;
  if (!facts.ok) return { status: 'warn', title, detail: `could not read it: ${facts.error}` };
  if (!facts.value) return { status: 'fail', title, detail: 'does not exist', fix: `create it (kubectl create namespace ${namespace}) or fix the scenario` };
  return { status: 'ok', title, detail: 'exists' };
}

function podSecurityCheck(namespace: NamespaceFacts): DoctorCheck {
  const title = `Pod Security in ${namespace.name}`;
  const labels = Object.entries(namespace.labels)
    .filter(([key]) => key.startsWith(POD_SECURITY_LABEL))
    .map(([key, value]) => `${key.slice(POD_SECURITY_LABEL.length)}=${value}`)
    .sort();
  if (labels.length === 0) return { status: 'ok', title, detail: 'no pod-security.kubernetes.io labels (the cluster default applies)' };
  const enforce = namespace.labels[`${POD_SECURITY_LABEL}enforce`];
  const note = enforce === 'restricted' ? '; probe pods are built to pass restricted (a custom probe image must run as a non-root numeric user)' : '';
  return { status: 'ok', title, detail: `${labels.join(', ')}${note}` };
}

/**
 * `observe` starts one collector pod per node with hostPID in its own namespace: Pod Security must
 * admit that there (only the "privileged" level does), and the user needs pods and pods/exec there
 * and read-only lists cluster-wide.
 */
async function observeChecks(port: DoctorPort, namespace: string): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [await permissionsCheck(port, OBSERVE_CLUSTER_PERMISSIONS, undefined, 'RBAC for observe')];
  const facts = await settle(() => port.namespace(namespace));
  const title = `observe: collector namespace ${namespace}`;
  if (!facts.ok) return [...checks, { status: 'warn', title, detail: `could not read it: ${facts.error}` }];
  const privileged = `kubectl label namespace ${namespace} ${POD_SECURITY_LABEL}enforce=privileged`;
  if (!facts.value) {
    return [...checks, { status: 'fail', title, detail: 'does not exist', fix: `kubectl create namespace ${namespace} && ${privileged} (or observe --collector-namespace another one)` }];
  }
  checks.push(await permissionsCheck(port, OBSERVE_COLLECTOR_PERMISSIONS, namespace, 'RBAC for observe'));
  const enforce = facts.value.labels[`${POD_SECURITY_LABEL}enforce`];
  if (enforce === undefined) {
    checks.push({ status: 'ok', title, detail: 'no pod-security enforce label: the cluster default applies (privileged, unless the API server sets another default; observe checks with a dry run before it creates anything)' });
  } else if (enforce === 'privileged') {
    checks.push({ status: 'ok', title, detail: 'Pod Security enforce=privileged admits the hostPID collector' });
  } else {
    checks.push({ status: 'fail', title, detail: `Pod Security enforce=${enforce} forbids hostPID, which the collector needs to read other pods' socket tables`, fix: `${privileged}, a namespace that holds only kubeknock's collector pods` });
  }
  return checks;
}

function cniCheck(report: CniReport): DoctorCheck {
  const names = report.findings.map((finding) => `${finding.name}${finding.note ? ` (${finding.note})` : ''} [${finding.evidence}]`).join('; ');
  switch (report.enforcement) {
    case 'yes':
      return { status: 'ok', title: 'CNI', detail: `${names}: enforces NetworkPolicy` };
    case 'no':
      return {
        status: 'warn',
        title: 'CNI',
        detail: `${names}: nothing enforces NetworkPolicy, so every expected deny will be observed as allowed`,
        fix: 'install a policy enforcer (Calico, Cilium, kube-router, kube-network-policies…) or use canal instead of plain flannel',
      };
    case 'depends':
      return { status: 'warn', title: 'CNI', detail: `${names}: NetworkPolicy enforcement depends on its configuration`, fix: 'check the note above before trusting deny results' };
    case 'unknown':
      return {
        status: 'warn',
        title: 'CNI',
        detail: 'no known CNI found among DaemonSets and kube-system pods (it may run on the hosts)',
        fix: 'make sure something enforces NetworkPolicy, or deny expectations will fail',
      };
    default:
      return assertNever(report.enforcement, 'enforcement');
  }
}

async function wideOpenCheck(port: DoctorPort, namespaces: readonly string[]): Promise<DoctorCheck> {
  const title = 'namespaces without NetworkPolicy';
  const counts = await settle(() => port.networkPolicyCounts());
  if (!counts.ok) return { status: 'warn', title, detail: `could not list NetworkPolicies: ${counts.error}` };
  const all = await settle(() => port.listNamespaces());
  const open = all.ok ? all.value.map((ns) => ns.name).filter((name) => !counts.value.has(name)) : namespaces.filter((name) => !counts.value.has(name));
  const yours = namespaces.filter((name) => open.includes(name));
  if (open.length === 0) return { status: 'ok', title, detail: 'every namespace has at least one NetworkPolicy' };
  const detail = `${open.length} wide open (every pod reachable from everywhere): ${open.join(', ')}${all.ok ? '' : ' (of the namespaces given; listing all was refused)'}`;
  return yours.length > 0
    ? { status: 'warn', title, detail, fix: `${yours.join(', ')} ${yours.length > 1 ? 'have' : 'has'} no policy: expected denies there will fail` }
    : { status: 'ok', title, detail };
}

/**
 * Cluster-scoped policy tiers: the engine judges with those of network-policy-api; what it cannot read
 * (objects its decoder refuses, AWS's own ClusterNetworkPolicy, lists RBAC refuses) makes a run with
 * `expect: policy` refuse.
 */
async function clusterPoliciesCheck(port: DoctorPort, policyExpectations: boolean): Promise<DoctorCheck> {
  const title = 'cluster-scoped network policies';
  const scan = await settle(() => port.clusterPolicies());
  if (!scan.ok) return { status: 'warn', title, detail: `could not look for them: ${scan.error}` };
  const { servedVersions, found, unreadable, unmodelled } = scan.value;
  const refused = policyExpectations ? 'fail' : 'warn';
  const fix = `expect: policy and predict, explain, lint, diff and discover --from-cluster refuse to run here unless given ${IGNORE_CLUSTER_POLICIES_FLAG} (which judges by NetworkPolicies alone); use expect: allow/deny where these objects apply`;
  if (unmodelled.length > 0) {
    return { status: refused, title, detail: `${unmodelled.length} object(s) of an API kubeknock does not model (AWS's own ClusterNetworkPolicy): ${unmodelled.map(describeClusterPolicy).join(', ')}`, fix };
  }
  if (servedVersions.length === 0) return { status: 'ok', title, detail: `none (the API server does not serve ${CLUSTER_POLICY_GROUP})` };
  if (unreadable.length > 0) {
    return { status: refused, title, detail: `${servedVersions.join(', ')} served, but the current user may not ${unreadable.join(', ')}`, fix: `ask for those list permissions; ${fix}` };
  }
  const bad = undecodable(found.map(clusterPolicyObject));
  if (bad.issues.length > 0) {
    const first = bad.issues[0];
    return { status: refused, title, detail: `kubeknock's decoder refuses ${bad.objects.join(', ')}${first ? ` (${formatIssue(toInputIssue(first))})` : ''}`, fix };
  }
  if (found.length > 0) {
    return {
      status: 'ok',
      title,
      detail: `${found.length} object(s), judged with their tiers by expect: policy and --from-cluster (rollout refuses them: its planner does not model them yet): ${found.map(describeClusterPolicy).join(', ')}`,
    };
  }
  return { status: 'ok', title, detail: `${servedVersions.join(', ')} served, no objects` };
}

/** Probe pods left behind (a killed CLI, --keep, a run under way): listed with run id, phase and age. */
async function leftoversCheck(port: DoctorPort, namespaces: readonly string[]): Promise<DoctorCheck> {
  const title = 'leftover probe pods';
  const found = await settle(() => port.probePods(namespaces));
  if (!found.ok) return { status: 'warn', title, detail: `could not list probe pods: ${found.error}` };
  const where = found.value.scope === 'cluster' ? 'in any namespace' : `in ${namespaces.join(', ')} (listing all namespaces was refused)`;
  const leftovers = classifyLeftovers(found.value.pods, port.now()).filter((l) => l.state !== 'deleting');
  if (leftovers.length === 0) return { status: 'ok', title, detail: `none ${where}` };
  const finished = leftovers.filter(sweepable);
  const live = leftovers.filter((l) => !sweepable(l));
  const detail = `${leftovers.length} ${where}: ${leftovers.map((l) => `${describeLeftover(l)}${sweepable(l) ? '' : ' [within its deadline: maybe a run under way]'}`).join('; ')}`;
  const fixes = [
    ...(finished.length > 0 ? [`${finished.length} finished or past the deadline: the next run in their namespace removes them, or "kubeknock cleanup" now`] : []),
    ...(live.length > 0 ? [`"kubeknock cleanup --run-id ID" removes a run's pods once you know it is not under way`] : []),
  ];
  return { status: 'warn', title, detail, fix: fixes.join('; ') };
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

async function settle<T>(run: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}
