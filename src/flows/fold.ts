/**
 * The fold: collector samples + cluster facts → flows. Pure (no I/O, no clock); one sample at a time,
 * so memory holds one record per flow and per pod, never the window's samples.
 *
 *   const fold = createFold(facts);          // FoldFacts: pods, Services, nodes, discover identities
 *   fold.add(sampleText);                    // or a parsed Sample; returns 'added' or 'refused' + reason
 *   fold.updateFacts(facts);                 // pods that started since: their UIDs and addresses count from now on
 *   const { flows, coverage } = fold.finish({ notObserved: [{ node: 'kk-node3', reason: 'collector pod Pending: Unschedulable' }] });
 *
 * Rules, in the order they apply:
 * - A pod counts only from a sample of the node it runs on (a hostPID collector may see other nodes'
 *   processes); hostNetwork pods are never a party (their sockets are the node's) and are listed as
 *   unseen. Unknown pod UIDs (started after the facts were read) are skipped.
 * - Server ports of a pod: its listening sockets (TCP LISTEN, UDP bound with no peer), in any sample so
 *   far, plus its declared container ports (a listener that serves one connection at a time, like
 *   BusyBox `nc -l`, has no LISTEN socket while it serves). A connected socket is the server side when
 *   its local port is a server port of its pod; else the client side when the remote is a pod and the
 *   remote port one of that pod's server ports; else as this sample's conntrack says (the original
 *   direction's source is the client); else by the kernel's ephemeral port range (32768–60999: the
 *   end on an ephemeral port is the client); else the client side.
 * - Addresses: pod IPs (both families) → the pod's discover identity (see ClusterFacts.partyOf);
 *   Service ClusterIPs → `via`, the destination from conntrack's reply tuple when it has the
 *   connection; node addresses and the node's pod-range gateway → the node; loopback → ignored;
 *   anything else → external.
 * - Conntrack adds what opened and closed between samples, and the Service dialled before DNAT. Its
 *   entries count when a pod of this node is on one end; TCP entries never answered (SYN_SENT,
 *   [UNREPLIED]) are attempts, not traffic, and are skipped; UDP datagrams count even unanswered.
 * - Flows merge by (source, destination, via, port, protocol); `samples` counts samples that saw a
 *   flow, first/last seen are the samples' times; see fold-aggregate.ts for witnesses that cannot
 *   know the Service.
 */
import { FlowAggregates, type Observation } from './fold-aggregate.js';
import { ClusterFacts, portNameIn, type FoldFacts, type PodFact, type ServiceFact } from './fold-facts.js';
import { PlaceBook, type Place } from './fold-places.js';
import { answeredBy, ConnectionBuffer, dialledBy, indexConntrack, portKey, readSample, readSampleText, type Connection, type ConntrackIndex, type CountedPod, type SampleWork, type Tracked } from './fold-sample.js';
import type { Sample } from './sample.js';
import type { IpFamily } from '../model/family.js';
import type { Flow, FlowParty, FlowProtocol, FlowsCoverage, FlowService, FlowWitness, ObservedNode } from './types.js';

export type { FoldFacts, NodeFact, PodFact, PodPortFact, ServiceFact, ServicePortFact } from './fold-facts.js';

export type AddOutcome = { readonly kind: 'added'; readonly node: string } | { readonly kind: 'refused'; readonly reason: string };

export interface FoldEnd {
  /** Nodes whose collector never answered, with the reason (said in the coverage). */
  readonly notObserved?: readonly { readonly node: string; readonly reason: string }[];
}

export interface FoldResult {
  readonly flows: readonly Flow[];
  readonly coverage: FlowsCoverage;
  readonly stats: { readonly samples: number; readonly refused: number; readonly malformedLines: number };
}

export interface Fold {
  add(sample: string | Sample): AddOutcome;
  /** Newer facts (read during the window): later samples are mapped with them; what was folded stays. */
  updateFacts(facts: FoldFacts): void;
  /** Flows so far, for progress (before the selection filter and the merge of unsure Service witnesses). */
  flowCount(): number;
  finish(end?: FoldEnd): FoldResult;
}

const ADDRESS_PARTY_LIMIT = 200_000;

/** Linux's default net.ipv4.ip_local_port_range. */
const EPHEMERAL_LOW = 32768;
const EPHEMERAL_HIGH = 60999;

interface NodeTally {
  samples: number;
  conntrackRead: number;
}

export function createFold(initial: FoldFacts): Fold {
  let facts = initial;
  let cluster = new ClusterFacts(facts);
  const placeIds = { next: 0 };
  let book = new PlaceBook(cluster, placeIds);
  const aggregates = new FlowAggregates();
  const connections = new ConnectionBuffer();
  const serverPorts = new Map<string, Set<number>>();
  /** Node and external parties by address, so each is one object (the aggregates key parties by object). */
  const addressParties = new Map<string, FlowParty>();
  /** One FlowService per Service and port, for the same reason. */
  const vias = new WeakMap<ServiceFact, Map<number, FlowService>>();
  const nodes = new Map<string, NodeTally>();
  const seenPods = new Set<string>();
  let sampleCount = 0;
  let refused = 0;
  let malformedLines = 0;

  const portsOf = (pod: PodFact): Set<number> => {
    let ports = serverPorts.get(pod.uid);
    if (ports === undefined) {
      ports = new Set(pod.ports.map((port) => portKey(port.protocol.toUpperCase(), port.port)));
      serverPorts.set(pod.uid, ports);
    }
    return ports;
  };

  /** Each known pod as samples count it, by uid, made once per facts: one lookup per pod and sample, not one per thing it carries. */
  let countedPods = new Map<string, { readonly counted: CountedPod; seen: boolean }>();

  /** A pod counts only in a sample of its own node, and never with hostNetwork. */
  const count = (uid: string, node: string): CountedPod | undefined => {
    let known = countedPods.get(uid);
    if (known === undefined) {
      const pod = cluster.podsByUid.get(uid);
      if (pod === undefined) return undefined;
      const party = cluster.partyOf(pod);
      known = { counted: { pod, party, partyId: aggregates.idOf(party), ports: portsOf(pod), portNames: cluster.portNamesOf(pod) }, seen: false };
      countedPods.set(uid, known);
    }
    const { pod } = known.counted;
    if (pod.node !== node || pod.hostNetwork) return undefined;
    if (!known.seen) {
      seenPods.add(uid);
      known.seen = true;
    }
    return known.counted;
  };

  /** The party at an address, kept on its place once made (with its number: see FlowAggregates.idOf). */
  const partyAt = (place: Place): FlowParty | 'local' => {
    let party = place.party;
    if (party === undefined) {
      party = addressParty(place);
      place.party = party;
      place.partyId = party === 'local' ? 0 : aggregates.idOf(party);
    }
    return party;
  };

  const addressParty = (place: Place): FlowParty | 'local' => {
    const owner = place.owner;
    switch (owner.kind) {
      case 'pod':
        return place.podParty ?? cluster.partyOf(owner.pod);
      case 'local':
        return 'local';
      case 'node':
      case 'service':
      case 'external': {
        const text = place.address.text;
        let party = addressParties.get(text);
        if (party === undefined) {
          party = owner.kind === 'node' ? { kind: 'node', name: owner.name } : { kind: 'external', address: text };
          if (addressParties.size >= ADDRESS_PARTY_LIMIT) addressParties.clear();
          addressParties.set(text, party);
        }
        return party;
      }
    }
  };

  const viaOf = (service: ServiceFact, port: number): FlowService => {
    let byPort = vias.get(service);
    if (byPort === undefined) {
      byPort = new Map();
      vias.set(service, byPort);
    }
    let via = byPort.get(port);
    if (via === undefined) {
      via = { namespace: service.namespace, name: service.name, port };
      byPort.set(port, via);
    }
    return via;
  };

  /**
   * One observation object, refilled for each socket: aggregates.add copies what it keeps, and at
   * 60,000 observations an interval the garbage would be the fold's largest.
   */
  const scratch: { -readonly [K in keyof Observation]: Observation[K] } = { source: { kind: 'external', address: '' }, destination: undefined, sourceId: 0, destinationId: 0, via: undefined, port: 0, portName: undefined, protocol: 'TCP', family: 'ipv4', witness: 'client' };
  const observed = (source: FlowParty, sourceId: number, destination: FlowParty | undefined, destinationId: number, via: Observation['via'], port: number, portName: string | undefined, protocol: FlowProtocol, family: IpFamily, witness: FlowWitness): Observation => {
    scratch.source = source;
    scratch.destination = destination;
    scratch.sourceId = sourceId;
    scratch.destinationId = destinationId;
    scratch.via = via;
    scratch.port = port;
    scratch.portName = portName;
    scratch.protocol = protocol;
    scratch.family = family;
    scratch.witness = witness;
    return scratch;
  };

  function addWork(work: SampleWork): void {
    sampleCount += 1;
    const sampleId = sampleCount;
    malformedLines += work.malformed;
    const tally = nodes.get(work.node) ?? { samples: 0, conntrackRead: 0 };
    tally.samples += 1;
    if (work.conntrack !== undefined) tally.conntrackRead += 1;
    nodes.set(work.node, tally);

    const tracked = work.conntrack ?? [];
    const track = indexConntrack(tracked);
    work.connections.each((podIndex, socket) => {
      const counted = work.pods[podIndex];
      if (counted === undefined || socket.remote.owner.kind === 'local') return;
      const observation = sideOf(counted.ports, socket, track) === 'server' ? serverObservation(counted, socket, work.node, track) : clientObservation(counted, socket, track);
      if (observation !== undefined) aggregates.add(observation, sampleId, work.time);
    });
    for (const entry of tracked) {
      const observation = conntrackObservation(entry, work.node);
      if (observation !== undefined) aggregates.add(observation, sampleId, work.time);
    }
  }

  function sideOf(ports: ReadonlySet<number>, socket: Connection, track: ConntrackIndex): 'client' | 'server' {
    if (ports.has(portKey(socket.protocol, socket.localPort))) return 'server';
    const remote = socket.remote;
    if (remote.pod !== undefined && (remote.podPorts ??= portsOf(remote.pod)).has(portKey(socket.protocol, socket.remotePort))) return 'client';
    if (dialledBy(track, socket) !== undefined) return 'client';
    if (answeredBy(track, socket) !== undefined) return 'server';
    const localEphemeral = isEphemeral(socket.localPort);
    const remoteEphemeral = isEphemeral(socket.remotePort);
    if (!localEphemeral && remoteEphemeral) return 'server';
    return 'client';
  }

  function clientObservation({ party: source, partyId: sourceId }: CountedPod, socket: Connection, track: ConntrackIndex): Observation | undefined {
    const remote = socket.remote;
    const owner = remote.owner;
    const family = socket.local.address.family;
    if (owner.kind === 'service') {
      const via = viaOf(owner.service, socket.remotePort);
      const entry = dialledBy(track, socket);
      const backend = entry === undefined ? undefined : backendOf(entry);
      if (entry !== undefined && backend !== undefined) return observed(source, sourceId, backend, entry.replySrc.partyId, via, entry.replySport, portNameAt(entry.replySrc, entry.replySport, entry.protocol), socket.protocol, family, 'client');
      return observed(source, sourceId, undefined, 0, via, targetPortOf(owner.service, socket.remotePort, socket.protocol), undefined, socket.protocol, family, 'client');
    }
    const destination = partyAt(remote);
    if (destination === 'local') return undefined;
    return observed(source, sourceId, destination, remote.partyId, undefined, socket.remotePort, portNameAt(remote, socket.remotePort, socket.protocol), socket.protocol, family, 'client');
  }

  function serverObservation({ party, partyId, portNames }: CountedPod, socket: Connection, node: string, track: ConntrackIndex): Observation | undefined {
    const remote = socket.remote;
    const source = partyAt(remote);
    if (source === 'local') return undefined;
    const entry = answeredBy(track, socket);
    let via: Observation['via'] = 'unknown';
    if (entry !== undefined) {
      const dialled = entry.dst.owner;
      if (dialled.kind === 'service') via = viaOf(dialled.service, entry.dport);
      else if (entry.src.pod?.node === node) via = undefined;
    }
    return observed(source, remote.partyId, party, partyId, via, socket.localPort, portNameIn(portNames, socket.localPort, socket.protocol), socket.protocol, socket.local.address.family, 'server');
  }

  /** The server pod's name for a port, when the place is a pod's and it declares one. */
  function portNameAt(place: Place, port: number, protocol: FlowProtocol): string | undefined {
    const server = place.pod;
    return server === undefined ? undefined : portNameIn((place.portNames ??= cluster.portNamesOf(server)), port, protocol);
  }

  /** Where a connection really went: the party of the reply's source (after DNAT; its place, entry.replySrc, then knows its number), if any. */
  function backendOf(entry: Tracked): FlowParty | undefined {
    const backend = entry.replySrc;
    if (backend === entry.dst && backend.owner.kind === 'service') return undefined;
    const party = partyAt(backend);
    return party === 'local' ? undefined : party;
  }

  function conntrackObservation(entry: Tracked, node: string): Observation | undefined {
    if (entry.attempt) return undefined;
    const clientPod = entry.src.pod;
    const serverPod = entry.replySrc.pod;
    if (clientPod?.node !== node && serverPod?.node !== node) return undefined;
    const client = entry.src;
    const source = partyAt(client);
    if (source === 'local') return undefined;
    const dialled = entry.dst.owner;
    const family = client.address.family;
    const backend = backendOf(entry);
    if (dialled.kind === 'service') {
      const via = viaOf(dialled.service, entry.dport);
      if (backend !== undefined) return observed(source, client.partyId, backend, entry.replySrc.partyId, via, entry.replySport, portNameAt(entry.replySrc, entry.replySport, entry.protocol), entry.protocol, family, 'conntrack');
      return observed(source, client.partyId, undefined, 0, via, targetPortOf(dialled.service, entry.dport, entry.protocol), undefined, entry.protocol, family, 'conntrack');
    }
    if (backend === undefined) return undefined;
    return observed(source, client.partyId, backend, entry.replySrc.partyId, clientPod?.node === node ? undefined : 'unknown', entry.replySport, portNameAt(entry.replySrc, entry.replySport, entry.protocol), entry.protocol, family, 'conntrack');
  }

  return {
    add(input: string | Sample): AddOutcome {
      book.startSample();
      let work: SampleWork;
      if (typeof input === 'string') {
        const read = readSampleText(input, book, count, connections);
        if (read.kind === 'refused') {
          refused += 1;
          return read;
        }
        work = read.work;
      } else work = readSample(input, book, count, connections);
      addWork(work);
      return { kind: 'added', node: work.node };
    },
    updateFacts(next: FoldFacts): void {
      facts = next;
      cluster = new ClusterFacts(next);
      countedPods = new Map();
      book = new PlaceBook(cluster, placeIds);
    },
    flowCount(): number {
      return aggregates.count();
    },
    finish(end: FoldEnd = {}): FoldResult {
      const selected = facts.namespaces === undefined ? undefined : new Set(facts.namespaces);
      const inSelection = (party: FlowParty | undefined): boolean => party?.kind === 'workload' && (selected === undefined || selected.has(party.namespace));
      const flows = aggregates.finish((flow) => inSelection(flow.source) || inSelection(flow.destination));
      return { flows, coverage: coverageOf(facts, nodes, seenPods, end, selected), stats: { samples: sampleCount, refused, malformedLines } };
    },
  };
}

function isEphemeral(port: number): boolean {
  return port >= EPHEMERAL_LOW && port <= EPHEMERAL_HIGH;
}

/** A Service port's numeric targetPort (what the backend sees); a named one is resolved per pod, unknown here. */
function targetPortOf(service: { readonly ports: readonly { readonly port: number; readonly protocol: string; readonly targetPort: number | string }[] }, port: number, protocol: FlowProtocol): number {
  const match = service.ports.find((candidate) => candidate.port === port && candidate.protocol.toUpperCase() === protocol);
  return typeof match?.targetPort === 'number' ? match.targetPort : port;
}

function coverageOf(facts: FoldFacts, tallies: ReadonlyMap<string, NodeTally>, seenPods: ReadonlySet<string>, end: FoldEnd, selected: ReadonlySet<string> | undefined): FlowsCoverage {
  const reasons = new Map((end.notObserved ?? []).map((entry) => [entry.node, entry.reason]));
  const names = [...new Set([...facts.nodes.map((node) => node.name), ...tallies.keys(), ...reasons.keys()])].sort();
  const nodes: ObservedNode[] = names.map((name) => {
    const tally = tallies.get(name);
    if (tally === undefined || tally.samples === 0) return { name, status: 'not-observed', reason: reasons.get(name) ?? 'no sample received', samples: 0, conntrack: 'unreadable' };
    return { name, status: 'observed', samples: tally.samples, conntrack: tally.conntrackRead === tally.samples ? 'read' : 'unreadable' };
  });
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const unseen: string[] = [];
  for (const pod of facts.pods) {
    if (selected !== undefined && !selected.has(pod.namespace)) continue;
    const name = `${pod.namespace}/${pod.name}`;
    const node = pod.node === undefined ? undefined : byName.get(pod.node);
    if (pod.hostNetwork) unseen.push(`${name}: hostNetwork (its sockets are its node's)`);
    else if (node === undefined) unseen.push(`${name}: not scheduled on a known node`);
    else if (node.status === 'not-observed') unseen.push(`${name}: node ${node.name} not observed (${node.reason ?? 'no sample received'})`);
    else if (!seenPods.has(pod.uid)) unseen.push(`${name}: in no sample of node ${node.name}`);
  }
  return { nodes, unseen: unseen.sort() };
}
