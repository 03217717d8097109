/**
 * Observed flows as a rollout's checks (pure): each flow between two workload identities becomes an
 * `expect: allow` check between two probe pods that stand in for them (the identity's namespace and
 * labels; the destination listens on the flow's port, under its named port when the server declares
 * one, so named-port rules resolve as they do for the real pods). The planner then protects these
 * checks as it protects a scenario's allows, and every step verifies them live.
 *
 * The cluster DNS is not impersonated (a probe pod in kube-system posing as CoreDNS): a flow to it on
 * UDP 53 becomes a DNS lookup from the client's probe pod, kept `allow` at every step like a
 * scenario's DNS checks; the planner cannot judge it, the step's live check does.
 *
 * A probe pod can only stand in for a pod, so some flows are not checked, each with the reason: from
 * or to a node's own address, to an address outside the cluster, to a Service whose backend was not
 * seen, and DNS over TCP (nslookup asks over UDP). Nothing is faked for them.
 *
 * API: `flowChecks(document, options)` → the scenario text, which check stands for which flow, and the
 * flows left unchecked; `flowSeen(flow)`: how often and when it was seen (src/flows/party.ts names it).
 */
import { quote } from '../discover/render-yaml.js';
import { DNS_LABELS, DNS_NAMESPACE } from '../policy/index.js';
import { assertNever } from '../model/assert-never.js';
import { describeFlow } from '../flows/party.js';
import type { Flow, FlowParty, FlowsDocument } from '../flows/types.js';

/** The scenario's name: its probe pods' labels and the plan's party names say where they come from. */
export const FLOWS_SCENARIO = 'observed-flows';

type WorkloadParty = Extract<FlowParty, { kind: 'workload' }>;

/** A flow that is checked live: the check's name ties the planner's verdict back to the flow. */
export interface FlowCheck {
  readonly flow: Flow;
  /** The name of its check(s) in the scenario (one per family seen; all share the name). */
  readonly check: string;
  /** `probe-pods`: two probe pods, judged by the planner too; `dns-lookup`: a lookup, checked live only. */
  readonly how: 'probe-pods' | 'dns-lookup';
}

/** A flow no probe pod can stand in for, and why. */
export interface UncheckedFlow {
  readonly flow: Flow;
  readonly reason: string;
}

export interface FlowChecks {
  readonly yaml: string;
  readonly checks: readonly FlowCheck[];
  readonly unchecked: readonly UncheckedFlow[];
}

export interface FlowCheckOptions {
  /** The flows file as given, for the scenario's header and the checks' names. */
  readonly file: string;
  /** The cluster's DNS domain: a DNS flow looks up `kubernetes.default.svc.DOMAIN.`. */
  readonly clusterDomain: string;
}

export function flowChecks(document: FlowsDocument, options: FlowCheckOptions): FlowChecks {
  const actors = new Map<string, { name: string; party: WorkloadParty; listen: Map<string, string> }>();
  const used = new Set<string>();
  const actorFor = (party: WorkloadParty, role: string): string => {
    const key = `${role}|${party.identity}`;
    let actor = actors.get(key);
    if (!actor) {
      const base = actorName(party, role);
      let name = base;
      for (let n = 2; used.has(name); n += 1) name = `${base}-${n}`;
      used.add(name);
      actor = { name, party, listen: new Map() };
      actors.set(key, actor);
    }
    return actor.name;
  };
  const checks: FlowCheck[] = [];
  const unchecked: UncheckedFlow[] = [];
  const lines: string[] = [];
  document.flows.forEach((flow, index) => {
    const reason = uncheckable(flow);
    if (reason !== undefined || flow.source.kind !== 'workload' || flow.destination?.kind !== 'workload') {
      unchecked.push({ flow, reason: reason ?? 'not between two workloads' });
      return;
    }
    const from = actorFor(flow.source, '');
    const check = `flow ${index + 1} of ${options.file}: ${describeFlow(flow)}`;
    if (toClusterDns(flow)) {
      checks.push({ flow, check, how: 'dns-lookup' });
      lines.push(`    # ${flowSeen(flow)}; the cluster DNS, asked by a lookup (no probe pod poses as CoreDNS)`);
      lines.push(`    - {name: ${JSON.stringify(check)}, from: ${from}, dns: ${quote(`kubernetes.default.svc.${options.clusterDomain}.`)}, expect: allow}`);
      return;
    }
    // A flow between two pods of one identity needs a second probe pod: one pod to itself is loopback,
    // which CNIs treat differently.
    const to = actorFor(flow.destination, flow.destination.identity === flow.source.identity ? 'peer' : '');
    const destination = actors.get(`${flow.destination.identity === flow.source.identity ? 'peer' : ''}|${flow.destination.identity}`);
    // One listen port per port and protocol; a flow that saw the server's port name keeps it.
    const port = `${flow.port}/${flow.protocol}`;
    if (destination && (!destination.listen.has(port) || flow.portName !== undefined)) destination.listen.set(port, listenText(flow));
    checks.push({ flow, check, how: 'probe-pods' });
    const kind = flow.protocol === 'UDP' ? ', kind: udp' : '';
    lines.push(`    # ${flowSeen(flow)}`);
    // One check per family seen, each under the flow's name (`family: both` would add a suffix to it).
    for (const family of flow.families) lines.push(`    - {name: ${JSON.stringify(check)}, from: ${from}, to: ${to}:${flow.port}${kind}, family: ${family}, expect: allow}`);
  });
  if (checks.length === 0) return { yaml: '', checks, unchecked };
  const yaml = [
    `# The observed flows of ${options.file} between workloads, each checked by two probe pods standing in for its ends.`,
    'apiVersion: kubeknock.dev/v1alpha1',
    'kind: Scenario',
    `metadata: {name: ${FLOWS_SCENARIO}}`,
    'spec:',
    '  actors:',
    ...[...actors.values()].map(({ name, party, listen }) => {
      const ports = listen.size > 0 ? `, listen: [${[...listen.values()].join(', ')}]` : '';
      return `    ${name}: {namespace: ${quote(party.namespace)}, labels: {${Object.entries(party.labels).map(([key, value]) => `${quote(key)}: ${quote(value)}`).join(', ')}}${ports}}`;
    }),
    '  checks:',
    ...lines,
  ];
  return { yaml: `${yaml.join('\n')}\n`, checks, unchecked };
}

/** Why no probe pod can stand in for a flow, or undefined when two can. */
function uncheckable(flow: Flow): string | undefined {
  const { source, destination } = flow;
  if (source.kind === 'node') return `from node ${source.name}: a probe pod cannot stand in for a node's own address`;
  if (source.kind === 'external') return `from ${source.address}, outside the cluster: a probe pod cannot stand in for it`;
  if (destination === undefined) {
    const via = flow.via ? ` Service ${flow.via.namespace}/${flow.via.name}:${flow.via.port}` : ' a Service';
    return `to${via} whose backend was not seen: the policies judge the backend pod, which is unknown`;
  }
  switch (destination.kind) {
    case 'workload':
      return isClusterDns(destination) && flow.port === 53 && flow.protocol === 'TCP' ? 'DNS over TCP: a DNS lookup asks over UDP, and no probe pod poses as the cluster DNS' : undefined;
    case 'node':
      return `to node ${destination.name}: a probe pod cannot stand in for a node's own address`;
    case 'external':
      return `to ${destination.address}, outside the cluster: a probe pod cannot stand in for it`;
    default:
      return assertNever(destination, 'flow party');
  }
}

function isClusterDns(party: WorkloadParty): boolean {
  return party.namespace === DNS_NAMESPACE && party.labels['k8s-app'] === DNS_LABELS['k8s-app'];
}

/** A flow to the cluster DNS on UDP 53, checked by a lookup. */
function toClusterDns(flow: Flow): boolean {
  return flow.destination?.kind === 'workload' && isClusterDns(flow.destination) && flow.port === 53 && flow.protocol === 'UDP';
}

function listenText(flow: Flow): string {
  const protocol = flow.protocol === 'UDP' ? ', protocol: UDP' : '';
  return flow.portName === undefined && protocol === '' ? String(flow.port) : `{port: ${flow.port}${protocol}${flow.portName === undefined ? '' : `, name: ${quote(flow.portName)}`}}`;
}

/**
 * `obsdemo-postgres`: namespace and label values, as a DNS label of at most 40 characters (the probe
 * pod's name adds a prefix); `-peer` for the second pod of an identity talking to itself.
 */
function actorName(party: WorkloadParty, role: string): string {
  const parts = [party.namespace, ...Object.values(party.labels), role].filter((part) => part !== '');
  const name = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  const short = name.slice(0, 36).replace(/-+$/, '');
  return short === '' ? 'workload' : short;
}

/** `12 samples, last seen 2026-12-07T19:41:00Z`. */
export function flowSeen(flow: Flow): string {
  return `${flow.samples} sample${flow.samples === 1 ? '' : 's'}, last seen ${flow.lastSeen}`;
}
