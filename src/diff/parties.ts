/**
 * Who talks in a verdict diff: every workload identity of the picture (the pods policies can tell
 * apart, as discover finds them), every scenario actor (as the probe pod a run would create: its
 * namespace, labels and listen ports), and the cluster DNS, so a policy that isolates egress without
 * allowing DNS shows as the cut it is. The DNS is the input's own DNS workload when it has one
 * (kube-system, k8s-app=kube-dns), else a stand-in that serves UDP and TCP 53.
 */
import { DNS_LABELS, DNS_NAMESPACE, DNS_STAND_IN } from '../discover/engine.js';
import { describeRef, findWorkloads } from '../discover/find-workloads.js';
import type { Door, Identity } from '../discover/index.js';
import type { Actor, Scenario } from '../model/scenario.js';
import type { Inventory } from '../policy/index.js';
import { sameLabels } from './picture.js';
import type { Party } from './types.js';

const SKIPPED_NAMED = 5;

export interface PartyList {
  readonly parties: readonly Party[];
  /** Party index of each actor, by scenario index then actor name. */
  readonly actorParty: readonly ReadonlyMap<string, number>[];
  readonly notes: readonly string[];
}

export function findParties(picture: Inventory, scenarios: readonly Scenario[]): PartyList {
  const parties: Party[] = [];
  const taken = new Set<string>();
  const unique = (label: string): string => {
    let candidate = label;
    for (let n = 2; taken.has(candidate); n += 1) candidate = `${label} #${n}`;
    taken.add(candidate);
    return candidate;
  };
  const discovery = findWorkloads(picture, { namespaces: [], excludeNamespaces: [] });
  for (const identity of discovery.identities) parties.push(workloadParty(identity, unique));
  const notes: string[] = [];
  // Owned objects are stood for by their owner; the rest (hostNetwork, no labels, probe pods) are named, a few at most.
  const skipped = discovery.skipped.filter((skip) => skip.reason !== 'owned');
  if (skipped.length > 0) {
    const named = skipped.slice(0, SKIPPED_NAMED).map((skip) => `${describeRef(skip.workload)} (${skip.note})`);
    notes.push(`${skipped.length} workload${skipped.length === 1 ? '' : 's'} left out: ${named.join('; ')}${skipped.length > SKIPPED_NAMED ? `; and ${skipped.length - SKIPPED_NAMED} more` : ''}`);
  }

  const actorParty = scenarios.map((scenario) => {
    const indexes = new Map<string, number>();
    for (const actor of scenario.actors.values()) indexes.set(actor.name, addActor(parties, actor, scenario, unique));
    return indexes;
  });

  const hasDns = discovery.identities.some((identity) => identity.namespace === DNS_NAMESPACE && identity.labels['k8s-app'] === DNS_LABELS['k8s-app']);
  if (!hasDns) {
    parties.push({
      kind: 'dns',
      label: unique(`${DNS_NAMESPACE}/${DNS_STAND_IN}`),
      namespace: DNS_NAMESPACE,
      labels: DNS_LABELS,
      doors: [
        { port: 53, protocol: 'TCP', name: 'dns-tcp' },
        { port: 53, protocol: 'UDP', name: 'dns' },
      ],
      standsFor: ['stands in for the cluster DNS, which the input does not hold (pods labelled k8s-app=kube-dns in kube-system, as CoreDNS runs)'],
      selfCells: false,
      sends: false,
    });
  }
  return { parties, actorParty, notes };
}

function workloadParty(identity: Identity, unique: (label: string) => string): Party {
  const [first] = identity.workloads;
  return {
    kind: 'workload',
    label: unique(first ? `${identity.namespace}/${first.name}` : identity.key),
    namespace: identity.namespace,
    labels: identity.labels,
    doors: identity.doors,
    standsFor: identity.workloads.map((workload) => `${describeRef(workload)}${workload.file ? ` (${workload.file}${workload.line ? `:${workload.line}` : ''})` : ''}`),
    // A controller runs pods that may talk to one another; one bare Pod talking to itself is loopback.
    selfCells: identity.workloads.length > 1 || identity.workloads.some((workload) => workload.kind !== 'Pod'),
    sends: true,
  };
}

/**
 * The same actor name in two scenarios is one party when it is the same pod (namespace and labels);
 * its listen ports are merged. Otherwise the later one is told apart as `name@scenario`.
 */
function addActor(parties: Party[], actor: Actor, scenario: Scenario, unique: (label: string) => string): number {
  const doors: Door[] = actor.listen.map((listen) => ({ port: listen.port, protocol: listen.protocol, ...(listen.name === undefined ? {} : { name: listen.name }) }));
  const from = `actor ${actor.name} of scenario ${scenario.name} (${actor.source.file}${actor.source.line > 0 ? `:${actor.source.line}` : ''})`;
  const same = parties.findIndex((party) => party.kind === 'actor' && party.label.split('@')[0] === actor.name && party.namespace === actor.namespace && sameLabels(party.labels, actor.labels));
  const existing = parties[same];
  if (existing) {
    const known = new Set(existing.doors.map((door) => `${door.port}/${door.protocol}`));
    parties[same] = {
      ...existing,
      doors: [...existing.doors, ...doors.filter((door) => !known.has(`${door.port}/${door.protocol}`))].sort((a, b) => a.port - b.port),
      standsFor: [...existing.standsFor, from],
    };
    return same;
  }
  const taken = parties.some((party) => party.label === actor.name);
  parties.push({
    kind: 'actor',
    label: unique(taken ? `${actor.name}@${scenario.name}` : actor.name),
    namespace: actor.namespace,
    labels: actor.labels,
    doors: [...doors].sort((a, b) => a.port - b.port),
    standsFor: [from],
    selfCells: false,
    sends: true,
  });
  return parties.length - 1;
}
