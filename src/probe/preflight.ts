/**
 * Before anything is created: does every namespace, Service and selected pod the scenario names
 * exist? A run that would fail halfway on a typo fails here instead, with the scenario's line,
 * and leaves the cluster untouched.
 */
import { InfraError, InputError, describeError, type InputIssue } from '../model/errors.js';
import { isProbePod, RUN_ID_LABEL } from '../model/labels.js';
import { PROBE_NAMESPACE_PERMISSIONS, permissionResource } from '../model/permissions.js';
import { everyCheck, type Check, type Scenario, type SourceLocation } from '../model/scenario.js';
import type { ClusterPort, NodeListing, PodInfo, ServiceInfo } from './cluster-port.js';
import { planPlacement } from './placement.js';
import { addressOfFamily, checkAt, missingFamilyText } from './addresses.js';
import { familyText } from '../model/family.js';
import { podAddresses, selectorKey, serviceFamilyProblem, serviceKey, type TargetFacts } from './plan.js';

export interface PreflightOptions {
  /** Said once, not fatal: the probe pods are left to the scheduler (nodes cannot be listed, or none is usable). */
  readonly warn?: (text: string) => void;
}

export async function preflight(scenario: Scenario, cluster: ClusterPort, options: PreflightOptions = {}): Promise<TargetFacts> {
  const issues: InputIssue[] = [];
  const at = (source: SourceLocation, message: string): void => {
    issues.push({ ...source, message });
  };

  const namespaceUsers = new Map<string, SourceLocation>();
  for (const actor of scenario.actors.values()) if (!namespaceUsers.has(actor.namespace)) namespaceUsers.set(actor.namespace, actor.source);
  for (const check of everyCheck(scenario)) {
    const ns = check.to.type === 'service' || check.to.type === 'pods' ? check.to.namespace : undefined;
    if (ns && !namespaceUsers.has(ns)) namespaceUsers.set(ns, check.source);
  }
  const missing = new Set<string>();
  await Promise.all(
    [...namespaceUsers].map(async ([namespace, source]) => {
      const phase = await cluster.namespacePhase(namespace);
      if (phase === 'Active') return;
      missing.add(namespace);
      at(
        source,
        phase === 'Terminating'
          ? `namespace "${namespace}" is being deleted, so no probe pod can be created in it; wait until it is gone and create it again`
          : `namespace "${namespace}" does not exist in the cluster at ${cluster.server}; create it (kubectl create namespace ${namespace}) or fix the scenario`,
      );
    }),
  );

  const services = new Map<string, ServiceInfo>();
  const selectedPods = new Map<string, readonly PodInfo[]>();
  const lookups: Promise<void>[] = [];
  const seen = new Set<string>();
  for (const check of everyCheck(scenario)) {
    const target = check.to;
    if (target.type === 'service' && !missing.has(target.namespace)) {
      const key = serviceKey(target.namespace, target.name);
      const lookup = `svc ${key} ${target.port} ${target.via} ${check.family ?? ''}`;
      if (seen.has(lookup)) continue;
      seen.add(lookup);
      lookups.push(
        cluster.getService(target.namespace, target.name).then((service) => {
          const problem = serviceProblem(service, target.namespace, target.name, target.port, target.via) ?? (service ? serviceFamilyIssue(service, check) : undefined);
          if (problem) at(check.source, problem);
          else if (service) services.set(key, service);
        }),
      );
    }
    if (target.type === 'pods' && !missing.has(target.namespace)) {
      const key = selectorKey(target.namespace, target.selector);
      const lookup = `pods ${key} ${check.family ?? ''}`;
      if (seen.has(lookup)) continue;
      seen.add(lookup);
      lookups.push(
        cluster.selectPods(target.namespace, target.selector).then((pods) => {
          // Another run's probe pods carry workload labels too (a --keep run, a concurrent CI job, an
          // overlapping audit); knocking on them would prove nothing about the workloads.
          const probes = pods.filter((p) => isProbePod(p.labels));
          const workloads = pods.filter((p) => !isProbePod(p.labels));
          const running = workloads.filter((p) => p.ip && !p.deleting && p.phase === 'Running');
          const familyIssue = running.length === 0 ? undefined : podsFamilyIssue(running, check);
          if (running.length === 0) at(check.source, noPodsMessage(check, workloads.length, probes));
          else if (familyIssue) at(check.source, familyIssue);
          else selectedPods.set(key, running);
        }),
      );
    }
  }
  const [, { placement, issues: placementIssues }] = await Promise.all([Promise.all(lookups), placeProbePods(scenario, cluster, options.warn ?? (() => undefined))]);
  issues.push(...placementIssues);

  if (issues.length > 0) {
    throw new InputError(`the cluster does not have what ${scenario.file} refers to; nothing was created`, issues);
  }
  await requireProbePermissions(scenario, cluster);
  return { services, selectedPods, ...(placement === undefined ? {} : { placement }) };
}

/**
 * The node of every probe pod (src/probe/placement.ts), from the cluster's nodes. Wishes that cannot
 * be met are issues at their line; without the nodes (RBAC refuses `list nodes`), a scenario without
 * wishes is left to the scheduler with a warning, and one with wishes cannot run.
 */
async function placeProbePods(scenario: Scenario, cluster: ClusterPort, warn: (text: string) => void): Promise<{ placement?: ReadonlyMap<string, string>; issues: InputIssue[] }> {
  const actors = [...scenario.actors.values()];
  const wishes = actors.flatMap((actor) => (actor.placement ? [actor.placement] : []));
  let listing: NodeListing;
  try {
    listing = await cluster.listNodes();
  } catch (error) {
    if (wishes.length > 0) throw error;
    warn(`could not list the cluster's nodes (${describeError(error)}): the scheduler places the probe pods, perhaps all on one node, so cross-node traffic may go untested`);
    return { issues: [] };
  }
  if (listing.type === 'forbidden') {
    if (wishes.length === 0) {
      warn(
        'the current user may not list nodes (cluster-scoped), so the probe pods are not spread over the nodes: the scheduler places them, perhaps all on one node, ' +
          'and cross-node traffic may go untested; grant "list" on "nodes" in a ClusterRole to spread them',
      );
      return { issues: [] };
    }
    const message = `placing this probe pod needs the cluster's nodes, but the current user may not list them: RBAC is missing "list" on "nodes" (cluster-scoped: a ClusterRole and ClusterRoleBinding); grant it, or drop this field`;
    return { issues: wishes.map((wish) => ({ ...wish.source, message })) };
  }
  const result = planPlacement({
    actors: actors.map((actor) => ({ name: actor.name, ...(actor.placement ? { placement: actor.placement } : {}) })),
    nodes: listing.nodes,
    pod: scenario.defaults.pod,
  });
  if (!result.ok) {
    return { issues: result.errors.map((error) => ({ ...(scenario.actors.get(error.actor)?.placement?.source ?? scenario.actors.get(error.actor)?.source ?? { file: scenario.file, line: 0, path: '' }), message: error.message })) };
  }
  if (result.plan.note !== undefined) warn(result.plan.note);
  return { placement: result.plan.nodes, issues: [] };
}

/**
 * Without pods/exec (say) the pods would start and every check end as an exec-error; asking the
 * authorizer first costs a few requests per namespace and fails before anything exists. A review that
 * cannot be asked proves nothing either way, so only a definite "no" stops the run.
 */
async function requireProbePermissions(scenario: Scenario, cluster: ClusterPort): Promise<void> {
  const namespaces = [...new Set([...scenario.actors.values()].map((actor) => actor.namespace))];
  const answers = await Promise.all(
    namespaces.flatMap((namespace) =>
      PROBE_NAMESPACE_PERMISSIONS.map(async (permission) => ({
        namespace,
        permission,
        allowed: await cluster.canI({ ...permission, namespace }).then(
          (answer) => answer.allowed,
          () => true,
        ),
      })),
    ),
  );
  const missing = answers.filter((a) => !a.allowed);
  if (missing.length === 0) return;
  const byNamespace = namespaces
    .map((namespace) => {
      const denied = missing.filter((m) => m.namespace === namespace).map((m) => `${m.permission.verb} ${permissionResource(m.permission)} (${m.permission.why})`);
      return denied.length === 0 ? '' : `in namespace ${namespace}: ${denied.join(', ')}`;
    })
    .filter(Boolean);
  throw new InfraError(
    `the current user may not run ${scenario.file} in the cluster at ${cluster.server}; nothing was created. RBAC is missing ${byNamespace.join('; ')}. ` +
      `Ask for a Role (and RoleBinding) granting them; "kubeknock doctor ${scenario.file}" lists every permission kubeknock uses`,
  );
}

function serviceProblem(service: ServiceInfo | undefined, namespace: string, name: string, port: number, via: 'dns' | 'cluster-ip'): string | undefined {
  if (!service) return `Service ${namespace}/${name} does not exist`;
  if (!service.ports.some((p) => p.port === port)) {
    return `Service ${namespace}/${name} has no port ${port} (its ports: ${service.ports.map((p) => `${p.port}/${p.protocol}`).join(', ') || 'none'})`;
  }
  if (via === 'cluster-ip' && (service.clusterIP === '' || service.clusterIP === 'None')) {
    return `Service ${namespace}/${name} is headless (no ClusterIP); use "via: dns" or a pods target`;
  }
  return undefined;
}

/** A check with a family needs that family's ClusterIP (also "via dns": see plan.ts). */
function serviceFamilyIssue(service: ServiceInfo, check: Check): string | undefined {
  const { family } = check;
  if (family === undefined || addressOfFamily(service.clusterIPs, family) !== undefined) return undefined;
  if (service.clusterIPs.length === 0) {
    return `${checkAt(check)} asks for ${familyText(family)}, but Service ${service.namespace}/${service.name} is headless (no ClusterIP to pick the family of); use a pods target`;
  }
  return serviceFamilyProblem(service, family, check);
}

/** `select: each` needs the family on every selected pod, `any` on one of them. */
function podsFamilyIssue(pods: readonly PodInfo[], check: Check): string | undefined {
  const { family, to } = check;
  if (family === undefined || to.type !== 'pods') return undefined;
  const lacking = pods.filter((pod) => addressOfFamily(podAddresses(pod), family) === undefined);
  if (lacking.length === 0 || (to.select === 'any' && lacking.length < pods.length)) return undefined;
  const first = lacking[0] as PodInfo;
  const others = lacking.length > 1 ? ` (and ${lacking.length - 1} more)` : '';
  return `${checkAt(check)} asks for ${familyText(family)}, but pod ${first.namespace}/${first.name}${others} selected by ${check.toLabel} has ${missingFamilyText(family, podAddresses(first))}: the cluster is not dual-stack`;
}

function noPodsMessage(check: Check, matched: number, probes: readonly PodInfo[]): string {
  const target = check.to;
  const where = target.type === 'pods' ? target.namespace : '';
  if (matched === 0 && probes.length > 0) {
    const runs = [...new Set(probes.map((p) => p.labels[RUN_ID_LABEL] ?? '?'))].sort();
    return (
      `the selector of ${check.toLabel} matches only kubeknock probe pods in namespace "${where}" (${probes.length}, of ${runs.map((r) => `run ${r}`).join(', ')}), ` +
      'and probe pods are never targets; start the workloads it should select, or fix the selector'
    );
  }
  return matched === 0
    ? `no pod in namespace "${where}" matches the selector of ${check.toLabel}`
    : `${matched} pod(s) in namespace "${where}" match the selector of ${check.toLabel}, but none is Running with an IP`;
}
