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
import type { Address } from './address.js';
import type { ConntrackEntry } from './conntrack.js';
import { FlowAggregates, type Observation } from './fold-aggregate.js';
import { ClusterFacts, type FoldFacts, type PodFact } from './fold-facts.js';
import { parseSample, type Sample } from './sample.js';
import type { AddressCache, Endpoint, SocketEntry } from './socket-table.js';
import type { Flow, FlowParty, FlowProtocol, FlowsCoverage, FlowService, ObservedNode } from './types.js';

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
  const aggregates = new FlowAggregates();
  const cache: AddressCache = new Map();
  const serverPorts = new Map<string, Set<number>>();
  /** Node and external parties by address, so each is one object (the aggregates key parties by object). */
  const addressParties = new Map<string, FlowParty>();
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

  const partyAt = (address: Address): FlowParty | 'local' => {
    const owner = cluster.ownerOf(address);
    switch (owner.kind) {
      case 'pod':
        return cluster.partyOf(owner.pod);
      case 'local':
        return 'local';
      case 'node':
      case 'service':
      case 'external': {
        let party = addressParties.get(address.text);
        if (party === undefined) {
          party = owner.kind === 'node' ? { kind: 'node', name: owner.name } : { kind: 'external', address: address.text };
          if (addressParties.size >= ADDRESS_PARTY_LIMIT) addressParties.clear();
          addressParties.set(address.text, party);
        }
        return party;
      }
    }
  };

  const podAt = (address: Address): PodFact | undefined => {
    const owner = cluster.ownerOf(address);
    return owner.kind === 'pod' ? owner.pod : undefined;
  };

  function addSample(sample: Sample): void {
    sampleCount += 1;
    const sampleId = sampleCount;
    malformedLines += sample.malformed;
    const tally = nodes.get(sample.node) ?? { samples: 0, conntrackRead: 0 };
    tally.samples += 1;
    if (sample.conntrack.kind === 'read') tally.conntrackRead += 1;
    nodes.set(sample.node, tally);

    const counted: Array<{ readonly pod: PodFact; readonly sockets: readonly SocketEntry[] }> = [];
    for (const { uid, sockets } of sample.pods) {
      const pod = cluster.podsByUid.get(uid);
      if (pod === undefined || pod.node !== sample.node || pod.hostNetwork) continue;
      seenPods.add(uid);
      counted.push({ pod, sockets });
      const ports = portsOf(pod);
      for (const socket of sockets) if (socket.role === 'listening') ports.add(portKey(socket.protocol, socket.local.port));
    }
    const track = indexConntrack(sample.conntrack.kind === 'read' ? sample.conntrack.entries : []);
    const observe = (fields: Observation): void => aggregates.add(fields, sampleId, sample.time);

    for (const { pod, sockets } of counted) {
      for (const socket of sockets) {
        if (socket.role !== 'connected') continue;
        if (cluster.ownerOf(socket.remote).kind === 'local') continue;
        const side = sideOf(pod, socket, track);
        const observation = side === 'server' ? serverObservation(pod, socket, sample.node, track) : clientObservation(pod, socket, track);
        if (observation !== undefined) observe(observation);
      }
    }
    for (const entry of track.entries) {
      const observation = conntrackObservation(entry, sample.node);
      if (observation !== undefined) observe(observation);
    }
  }

  function sideOf(pod: PodFact, socket: SocketEntry, track: ConntrackIndex): 'client' | 'server' {
    if (portsOf(pod).has(portKey(socket.protocol, socket.local.port))) return 'server';
    const remotePod = podAt(socket.remote);
    if (remotePod !== undefined && portsOf(remotePod).has(portKey(socket.protocol, socket.remote.port))) return 'client';
    const key = tupleKey(socket.protocol, socket.local, socket.remote);
    if (track.byOriginal.has(key)) return 'client';
    if (track.byReply.has(key)) return 'server';
    const localEphemeral = isEphemeral(socket.local.port);
    const remoteEphemeral = isEphemeral(socket.remote.port);
    if (!localEphemeral && remoteEphemeral) return 'server';
    return 'client';
  }

  function clientObservation(pod: PodFact, socket: SocketEntry, track: ConntrackIndex): Observation | undefined {
    const owner = cluster.ownerOf(socket.remote);
    const base = { source: cluster.partyOf(pod), protocol: socket.protocol, family: socket.local.family, witness: 'client' as const };
    if (owner.kind === 'service') {
      const via: FlowService = { namespace: owner.service.namespace, name: owner.service.name, port: socket.remote.port };
      const entry = track.byOriginal.get(tupleKey(socket.protocol, socket.local, socket.remote));
      const routed = entry === undefined ? undefined : backendOf(entry);
      if (routed !== undefined) return { ...base, ...routed, via };
      return { ...base, destination: undefined, via, port: targetPortOf(owner.service, socket.remote.port, socket.protocol), portName: undefined };
    }
    const destination = partyAt(socket.remote);
    if (destination === 'local') return undefined;
    const server = podAt(socket.remote);
    return { ...base, destination, via: undefined, port: socket.remote.port, portName: server === undefined ? undefined : cluster.portName(server, socket.remote.port, socket.protocol) };
  }

  function serverObservation(pod: PodFact, socket: SocketEntry, node: string, track: ConntrackIndex): Observation | undefined {
    const source = partyAt(socket.remote);
    if (source === 'local') return undefined;
    const entry = track.byReply.get(tupleKey(socket.protocol, socket.local, socket.remote));
    let via: Observation['via'] = 'unknown';
    if (entry !== undefined) {
      const dialled = cluster.ownerOf(entry.original.dst);
      if (dialled.kind === 'service') via = { namespace: dialled.service.namespace, name: dialled.service.name, port: entry.original.dport };
      else if (podAt(entry.original.src)?.node === node) via = undefined;
    }
    return {
      source,
      destination: cluster.partyOf(pod),
      via,
      port: socket.local.port,
      portName: cluster.portName(pod, socket.local.port, socket.protocol),
      protocol: socket.protocol,
      family: socket.local.family,
      witness: 'server',
    };
  }

  /** Where a connection really went: the reply's source (after DNAT) and port. */
  function backendOf(entry: ConntrackEntry): Pick<Observation, 'destination' | 'port' | 'portName'> | undefined {
    const backend = entry.reply.src;
    if (backend.text === entry.original.dst.text && cluster.ownerOf(backend).kind === 'service') return undefined;
    const destination = partyAt(backend);
    if (destination === 'local') return undefined;
    const server = podAt(backend);
    return { destination, port: entry.reply.sport, portName: server === undefined ? undefined : cluster.portName(server, entry.reply.sport, entry.protocol) };
  }

  function conntrackObservation(entry: ConntrackEntry, node: string): Observation | undefined {
    if (entry.protocol === 'TCP' && (entry.unreplied || entry.tcpState === 'SYN_SENT')) return undefined;
    const clientPod = podAt(entry.original.src);
    const serverPod = podAt(entry.reply.src);
    if (clientPod?.node !== node && serverPod?.node !== node) return undefined;
    const source = partyAt(entry.original.src);
    if (source === 'local') return undefined;
    const dialled = cluster.ownerOf(entry.original.dst);
    const base = { source, protocol: entry.protocol, family: entry.original.src.family, witness: 'conntrack' as const };
    if (dialled.kind === 'service') {
      const via: FlowService = { namespace: dialled.service.namespace, name: dialled.service.name, port: entry.original.dport };
      const routed = backendOf(entry);
      if (routed !== undefined) return { ...base, ...routed, via };
      return { ...base, destination: undefined, via, port: targetPortOf(dialled.service, entry.original.dport, entry.protocol), portName: undefined };
    }
    const routed = backendOf(entry);
    if (routed === undefined) return undefined;
    return { ...base, ...routed, via: clientPod?.node === node ? undefined : 'unknown' };
  }

  return {
    add(input: string | Sample): AddOutcome {
      let sample: Sample;
      if (typeof input === 'string') {
        const parsed = parseSample(input, undefined, cache);
        if (parsed.kind === 'refused') {
          refused += 1;
          return parsed;
        }
        sample = parsed.sample;
      } else sample = input;
      addSample(sample);
      return { kind: 'added', node: sample.node };
    },
    updateFacts(next: FoldFacts): void {
      facts = next;
      cluster = new ClusterFacts(next);
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

interface ConntrackIndex {
  readonly entries: readonly ConntrackEntry[];
  /** By the original tuple, client → dialled address: what a client's socket shows. */
  readonly byOriginal: Map<string, ConntrackEntry>;
  /** By the reply tuple, backend → client: what the server's socket shows. */
  readonly byReply: Map<string, ConntrackEntry>;
}

function indexConntrack(entries: readonly ConntrackEntry[]): ConntrackIndex {
  const byOriginal = new Map<string, ConntrackEntry>();
  const byReply = new Map<string, ConntrackEntry>();
  for (const entry of entries) {
    byOriginal.set(tupleKey(entry.protocol, { ...entry.original.src, port: entry.original.sport }, { ...entry.original.dst, port: entry.original.dport }), entry);
    byReply.set(tupleKey(entry.protocol, { ...entry.reply.src, port: entry.reply.sport }, { ...entry.reply.dst, port: entry.reply.dport }), entry);
  }
  return { entries, byOriginal, byReply };
}

function tupleKey(protocol: FlowProtocol, from: Endpoint, to: Endpoint): string {
  return `${protocol}|${from.text}|${from.port}|${to.text}|${to.port}`;
}

/** A number, not a string: it is built for every socket of every sample. */
function portKey(protocol: string, port: number): number {
  return (protocol === 'UDP' ? 65536 : 0) + port;
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
