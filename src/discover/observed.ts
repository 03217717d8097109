/**
 * `discover --flows`: what really talked becomes part of the scenario. Each observed flow between two
 * discovered workloads on a declared TCP door becomes an `expect: allow` check (the one already
 * planned for that pair and door, or a new one, probing both ends), commented with what was seen; an
 * observed DNS query marks the source's DNS check. What cannot become a check is named with the
 * reason, and so is every declared door that saw no traffic in the window: a door nobody used is a
 * candidate for a deny. Pure.
 *
 * API: `addObservedFlows(plan, engine, document) → { plan, observed }`.
 */
import { clock } from '../flows/times.js';
import { compareFlows, describeFlow } from '../flows/party.js';
import type { Flow, FlowsDocument } from '../flows/types.js';
import type { DiscoveryEngine } from './engine.js';
import { identityKey } from './find-workloads.js';
import { judgeActor } from './judge.js';
import type { DiscoveryPlan, PlannedActor, PlannedCheck } from './plan.js';
import { DNS_LABELS, DNS_NAMESPACE } from './engine.js';

export interface ObservedSummary {
  /** `flows.yaml, 2026-12-07T19:41:00Z to 2026-12-07T19:42:00Z`. */
  readonly window: string;
  /** Checks that now expect allow because traffic was seen. */
  readonly checks: number;
  /** Observed flows no check stands for, with the reason. */
  readonly notChecked: readonly string[];
  /** Declared doors of workloads in the observed namespaces that saw no traffic in the window. */
  readonly quietDoors: readonly string[];
}

interface Seen {
  samples: number;
  lastSeen: string;
}

export function addObservedFlows(plan: DiscoveryPlan, engine: DiscoveryEngine, document: FlowsDocument, file: string): { plan: DiscoveryPlan; observed: ObservedSummary } {
  const indexOf = new Map(plan.actors.map((actor, index) => [identityKey(actor.identity.namespace, actor.identity.labels), index]));
  const checks: PlannedCheck[] = [...plan.checks];
  const seenOn = new Map<PlannedCheck, Seen>();
  const probed = new Set(plan.actors.flatMap((actor, index) => (actor.probed ? [index] : [])));
  const notChecked: string[] = [];
  const usedDoors = new Set<string>();
  const see = (check: PlannedCheck, flow: Flow): void => {
    const seen = seenOn.get(check) ?? { samples: 0, lastSeen: '' };
    seen.samples += flow.samples;
    if (flow.lastSeen > seen.lastSeen) seen.lastSeen = flow.lastSeen;
    seenOn.set(check, seen);
  };
  // In the document's order whatever the caller handed over: new checks land in the same place every time.
  for (const flow of [...document.flows].sort(compareFlows)) {
    if (flow.destination?.kind === 'workload') usedDoors.add(`${identityKey(flow.destination.namespace, flow.destination.labels)} ${flow.port}/${flow.protocol}`);
    const placed = placeFlow(flow, plan, indexOf, checks);
    if ('reason' in placed) {
      notChecked.push(`${describeFlow(flow)}: ${placed.reason}`);
      continue;
    }
    // A client that dialled a Service: its Service check saw the traffic too.
    const service = flow.via && checks.find((check) => check.from === placed.fromName && check.to.type === 'service' && check.to.namespace === flow.via?.namespace && check.to.name === flow.via.name && check.to.port === flow.via.port);
    if (service && service !== placed.check) see(service, flow);
    if (placed.check !== undefined) {
      see(placed.check, flow);
      continue;
    }
    const { from, to } = placed;
    const fromActor = plan.actors[from] as PlannedActor;
    const toActor = plan.actors[to] as PlannedActor;
    const door = toActor.listen.find((candidate) => candidate.port === flow.port);
    if (door === undefined) continue;
    const judged = judgeActor(engine, from, to, flow.port);
    const classOf = (name: string): number => Math.max(0, plan.classes.findIndex((members) => members.includes(name)));
    const check: PlannedCheck = {
      from: fromActor.name,
      to: { type: 'actor', actor: toActor.name, door },
      expect: 'allow',
      predicted: judged.verdict ?? 'unknown',
      classes: { from: classOf(fromActor.name), to: classOf(toActor.name) },
      sameAs: [],
      covers: 1,
    };
    // Next to the other checks of its source: the file groups checks by source.
    const last = checks.map((existing) => existing.from).lastIndexOf(fromActor.name);
    const at = last === -1 ? checks.length : last + 1;
    checks.splice(at, 0, check);
    see(check, flow);
    probed.add(from);
    probed.add(to);
  }
  const observedChecks = checks.map((check): PlannedCheck => {
    const seen = seenOn.get(check);
    if (seen === undefined) return check;
    const denied = check.predicted === 'deny' ? '; the given policies deny it' : '';
    return { ...check, expect: 'allow', observed: `observed: ${seen.samples} sample${seen.samples === 1 ? '' : 's'}, last ${clock(seen.lastSeen, document.window.start)}${denied}` };
  });
  const watched = new Set(document.namespaces);
  const quietDoors = plan.actors.flatMap((actor) =>
    watched.has(actor.identity.namespace)
      ? actor.identity.doors
          .filter((door) => !usedDoors.has(`${identityKey(actor.identity.namespace, actor.identity.labels)} ${door.port}/${door.protocol}`))
          .map((door) => `${actor.name} (${actor.identity.key}) ${door.port}/${door.protocol}${door.name ? ` "${door.name}"` : ''}`)
      : [],
  );
  return {
    plan: { ...plan, checks: observedChecks, actors: plan.actors.map((actor, index) => (probed.has(index) && !actor.probed ? { ...actor, probed: true } : actor)) },
    observed: { window: `${file}, ${document.window.start} to ${document.window.end}`, checks: seenOn.size, notChecked, quietDoors },
  };
}

type Placed = { readonly fromName: string } & ({ readonly check: PlannedCheck } | { readonly check: undefined; readonly from: number; readonly to: number }) | { readonly reason: string };

function placeFlow(flow: Flow, plan: DiscoveryPlan, indexOf: ReadonlyMap<string, number>, checks: readonly PlannedCheck[]): Placed {
  if (flow.source.kind !== 'workload') return { reason: `the source is no workload (${flow.source.kind}): a probe pod cannot stand for it` };
  const from = indexOf.get(identityKey(flow.source.namespace, flow.source.labels));
  if (from === undefined) return { reason: `the source ${flow.source.identity} is not among the discovered workloads` };
  const fromName = plan.actors[from]?.name ?? '';
  const destination = flow.destination;
  if (destination === undefined) {
    const via = flow.via;
    const service = via && checks.find((check) => check.from === fromName && check.to.type === 'service' && check.to.namespace === via.namespace && check.to.name === via.name && check.to.port === via.port);
    if (service) return { fromName, check: service };
    return { reason: `the pods behind Service ${via ? `${via.namespace}/${via.name}` : '?'} were not observed, and the source has no check of that Service` };
  }
  if (destination.kind !== 'workload') {
    return { reason: destination.kind === 'external' ? 'an address outside the cluster: add it with --external HOST:PORT to check it' : 'a node address: probe pods check pod traffic' };
  }
  const key = identityKey(destination.namespace, destination.labels);
  const isDns = destination.namespace === DNS_NAMESPACE && destination.labels['k8s-app'] === DNS_LABELS['k8s-app'] && flow.port === 53;
  if (isDns) {
    const check = checks.find((candidate) => candidate.from === fromName && candidate.to.type === 'dns');
    return check === undefined ? { reason: 'this source has no DNS check (a probe pod of its class stands for it)' } : { fromName, check };
  }
  const to = indexOf.get(key);
  if (to === undefined) return { reason: `the destination ${destination.identity} is not among the discovered workloads` };
  const toActor = plan.actors[to] as PlannedActor;
  if (flow.protocol !== 'TCP') return { reason: `${flow.protocol}: probe pods listen on TCP only` };
  if (!toActor.listen.some((door) => door.port === flow.port)) return { reason: `${toActor.name} declares no container port ${flow.port}/TCP` };
  if (from === to) return { reason: 'a workload talking to its own pods: one probe pod stands for it, and to itself is loopback' };
  const check = checks.find((candidate) => candidate.from === fromName && candidate.to.type === 'actor' && candidate.to.actor === toActor.name && candidate.to.door.port === flow.port);
  return check === undefined ? { fromName, check: undefined, from, to } : { fromName, check };
}
