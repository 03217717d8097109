/**
 * Planning, pure: scenario + what the cluster said (pod IPs, Services, selected pods) → the exact
 * probes each probe pod runs. No I/O here, so every address decision is unit-tested.
 */
import { assertNever } from '../model/assert-never.js';
import { familyLabel, familyText, type IpFamily, type ResultFamily } from '../model/family.js';
import type { ProbeTask } from '../model/probe.js';
import type { Check, LabelSelector, Scenario, Target } from '../model/scenario.js';
import type { PodInfo, RunningPod, ServiceInfo } from './cluster-port.js';
import { addressOfFamily, checkAt, familyOfProbe, FamilyUnavailableError, missingFamilyText } from './addresses.js';
import { hostPort } from './host-port.js';
import { appendAll } from '../model/arrays.js';

/** What preflight learned about the targets that live outside the scenario. */
export interface TargetFacts {
  readonly services: ReadonlyMap<string, ServiceInfo>;
  readonly selectedPods: ReadonlyMap<string, readonly PodInfo[]>;
  /**
   * The node placement chose for each actor's probe pod (src/probe/placement.ts). Absent, or without
   * an actor: the scheduler picks its node, as before placement existed.
   */
  readonly placement?: ReadonlyMap<string, string>;
}

export interface PlannedProbe {
  /** Unique per result: the check id, plus `.N` when a `pods` target fans out to N pods. */
  readonly id: string;
  readonly check: Check;
  /** Matrix column. */
  readonly toLabel: string;
  /** What is knocked on, for humans: `10.244.0.7:5432`, a URL or a DNS name. */
  readonly address: string;
  /**
   * The host and port planning chose (a pod IP, a ClusterIP, a Service name, a host), for targets
   * that have one; absent for `url` and `dns` targets, whose address is the user's own text.
   */
  readonly endpoint?: Endpoint;
  /** The node of the pod knocked on (an actor's probe pod, a selected pod), when the target is one and its node is known. */
  readonly toNode?: string;
  /** The family of the address knocked on (of the records asked for, for dns); see ResultFamily. */
  readonly family: ResultFamily;
  readonly task: ProbeTask;
}

export interface PlanOptions {
  /** The cluster's DNS domain, for Service names. */
  readonly clusterDomain: string;
}

export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function selectorKey(namespace: string, selector: LabelSelector): string {
  return `${namespace}|${JSON.stringify(selector)}`;
}

/** Probes grouped by the actor (probe pod) that runs them, in check order. */
export function planProbes(
  scenario: Scenario,
  pods: ReadonlyMap<string, RunningPod>,
  facts: TargetFacts,
  options: PlanOptions,
): Map<string, PlannedProbe[]> {
  const plan = new Map<string, PlannedProbe[]>();
  for (const check of scenario.checks) {
    const probes = plan.get(check.from) ?? [];
    appendAll(probes, planCheck(check, pods, facts, options));
    plan.set(check.from, probes);
  }
  return plan;
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

interface LabelledEndpoint extends Endpoint {
  readonly label: string;
  readonly node?: string;
}

function planCheck(check: Check, pods: ReadonlyMap<string, RunningPod>, facts: TargetFacts, options: PlanOptions): PlannedProbe[] {
  const target = check.to;
  if (target.type === 'url') {
    const host = urlHost(target.url);
    const task: ProbeTask = { id: check.id, kind: 'http', url: target.url, host, timeoutSeconds: check.timeoutSeconds };
    return [{ id: check.id, check, toLabel: check.toLabel, address: target.url, family: familyOfProbe(check, host), task }];
  }
  if (target.type === 'dns') {
    // A dns check's family is that of the records it asks for: A unless it asked for IPv6.
    const task: ProbeTask = {
      id: check.id,
      kind: 'dns',
      name: target.name,
      timeoutSeconds: check.timeoutSeconds,
      ...(target.server ? { server: target.server } : {}),
      ...(check.family === 'ipv6' ? { recordType: 'AAAA' as const } : {}),
    };
    return [{ id: check.id, check, toLabel: check.toLabel, address: target.name, family: check.family ?? 'ipv4', task }];
  }
  const endpoints = endpointsOf(target, check, pods, facts, options);
  return endpoints.map((endpoint, index) => {
    const id = endpoints.length > 1 ? `${check.id}.${index + 1}` : check.id;
    const task = endpointTask(check, id, endpoint, pods);
    return {
      id,
      check,
      toLabel: endpoint.label,
      address: task.kind === 'http' ? task.url : hostPort(endpoint.host, endpoint.port),
      endpoint: { host: endpoint.host, port: endpoint.port },
      ...(endpoint.node === undefined ? {} : { toNode: endpoint.node }),
      family: familyOfProbe(check, endpoint.host),
      task,
    };
  });
}

function endpointTask(check: Check, id: string, endpoint: Endpoint, pods: ReadonlyMap<string, RunningPod>): ProbeTask {
  const { host, port } = endpoint;
  const timeoutSeconds = check.timeoutSeconds;
  switch (check.kind) {
    case 'tcp':
      return { id, kind: 'tcp', host, port, timeoutSeconds };
    case 'http':
      return { id, kind: 'http', url: `http://${hostPort(host, port)}/`, host, timeoutSeconds };
    case 'udp':
      return { id, kind: 'udp', host, port, token: udpToken(id, pods.get(check.from)?.name ?? check.from), timeoutSeconds };
    case 'dns':
      // The loader gives dns checks dns targets only, which planCheck handles before endpoints.
      throw new Error(`planning ${check.id}: a dns check needs a dns target, not ${check.toLabel}`);
    default:
      return assertNever(check.kind, 'check kind');
  }
}

/**
 * The name a udp probe asks the responder for: the probe id and the source pod's name (unique per
 * run, as generateName picks it), so two probes, of one run or of two runs at once, never ask alike.
 * Every character outside a DNS label's alphabet becomes '-', so the name stays one nslookup accepts.
 */
export function udpToken(probeId: string, sourcePod: string): string {
  const labels = (text: string): string => text.toLowerCase().replace(/[^a-z0-9.]/g, '-');
  return `${labels(probeId)}.${labels(sourcePod)}.kubeknock.`;
}

function endpointsOf(target: Exclude<Target, { type: 'url' } | { type: 'dns' }>, check: Check, pods: ReadonlyMap<string, RunningPod>, facts: TargetFacts, options: PlanOptions): LabelledEndpoint[] {
  switch (target.type) {
    case 'actor': {
      const pod = pods.get(target.actor);
      if (!pod) throw new Error(`planning ${check.id}: no running probe pod for actor ${target.actor}`);
      const node = pod.node === undefined ? {} : { node: pod.node };
      const { family } = check;
      if (family === undefined) return [{ host: pod.ip, port: target.port, label: check.toLabel, ...node }];
      const host = addressOfFamily(pod.ips, family);
      if (host === undefined) {
        throw new FamilyUnavailableError(
          `${checkAt(check)} asks for ${familyText(family)}, but the probe pod of actor "${target.actor}" (${pod.namespace}/${pod.name}) has ${missingFamilyText(family, pod.ips)}: ` +
            `the cluster is not dual-stack, so it cannot be checked over ${familyText(family)}; remove "family" or run it on a dual-stack cluster`,
        );
      }
      return [{ host, port: target.port, label: check.toLabel, ...node }];
    }
    case 'service': {
      const named = target.via === 'dns' && check.family === undefined;
      if (named) {
        // Fully qualified: a trailing dot skips the search list, so a lookup costs one query.
        return [{ host: `${target.name}.${target.namespace}.svc.${options.clusterDomain}.`, port: target.port, label: check.toLabel }];
      }
      const service = facts.services.get(serviceKey(target.namespace, target.name));
      if (!service) throw new Error(`planning ${check.id}: Service ${target.namespace}/${target.name} was not looked up`);
      // With a family, even a Service reached "by DNS" is knocked on at that family's ClusterIP: nc and
      // wget cannot be told which family of a name to use, and policy judges the backend after DNAT
      // whatever address led there. The lookup itself is what a dns check with that family proves.
      return [{ host: check.family === undefined ? service.clusterIP : serviceAddress(service, check.family, check), port: target.port, label: check.toLabel }];
    }
    case 'pods': {
      const selected = (facts.selectedPods.get(selectorKey(target.namespace, target.selector)) ?? []).filter((p) => p.ip);
      const { family } = check;
      const eligible = family === undefined ? selected : selected.filter((p) => addressOfFamily(podAddresses(p), family) !== undefined);
      // Preflight refuses a selection with a pod lacking the family; a pod replaced since then is refused here.
      if (family !== undefined && (eligible.length === 0 || (target.select === 'each' && eligible.length < selected.length))) {
        const lacking = selected.find((p) => addressOfFamily(podAddresses(p), family) === undefined);
        throw new FamilyUnavailableError(
          `${checkAt(check)} asks for ${familyText(family)}, but pod ${lacking?.namespace ?? target.namespace}/${lacking?.name ?? '?'} selected by ${check.toLabel} has ${missingFamilyText(family, lacking ? podAddresses(lacking) : [])}: the cluster is not dual-stack`,
        );
      }
      const chosen = target.select === 'any' ? eligible.slice(0, 1) : eligible;
      return chosen.map((pod) => ({
        host: family === undefined ? (pod.ip ?? '') : (addressOfFamily(podAddresses(pod), family) ?? ''),
        port: target.port,
        label: target.select === 'any' ? check.toLabel : familyLabel(`pod/${pod.namespace}/${pod.name}:${target.port}`, family),
        ...(pod.node === undefined ? {} : { node: pod.node }),
      }));
    }
    case 'host':
      return [{ host: target.host, port: target.port, label: check.toLabel }];
    default:
      return assertNever(target, 'target');
  }
}

/** Every address of a pod read from the cluster, the primary first. */
export function podAddresses(pod: PodInfo): readonly string[] {
  return pod.ips ?? (pod.ip ? [pod.ip] : []);
}

function serviceAddress(service: ServiceInfo, family: IpFamily, check: Check): string {
  const address = addressOfFamily(service.clusterIPs, family);
  if (address === undefined) throw new FamilyUnavailableError(serviceFamilyProblem(service, family, check));
  return address;
}

/** Shared with preflight, which asks first. */
export function serviceFamilyProblem(service: ServiceInfo, family: IpFamily, check: Check): string {
  return (
    `${checkAt(check)} asks for ${familyText(family)}, but Service ${service.namespace}/${service.name} has ${missingFamilyText(family, service.clusterIPs)}: ` +
    `the cluster is not dual-stack, or the Service is single-stack (set spec.ipFamilyPolicy: PreferDualStack or RequireDualStack on it)`
  );
}

/** The host of a `url` target as the user wrote it (the loader has checked it is a URL); URL.hostname keeps IPv6 brackets. */
function urlHost(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
}
