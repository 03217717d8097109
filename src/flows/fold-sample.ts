/**
 * One sample as the fold works on it: each counted pod with its connected sockets, addresses resolved
 * to places (fold-places.ts), and the sample's conntrack entries likewise, indexed by the client's
 * end. Listening sockets go straight into their pod's server ports.
 *
 * Two readers give the same work: readSampleText reads collector text line by line, building no
 * string and no object for a line that does not need one (the fast path: 50,000 sockets an interval
 * on a 1,000-pod cluster); readSample takes a Sample that parseSample built. Both read lines with the
 * same scanners (socket-table.ts, conntrack.ts) and walk the text with the same scanSample.
 */
import { newConntrackLineFields, scanConntrackLine, tupleFits, type ConntrackEntry } from './conntrack.js';
import type { PodFact } from './fold-facts.js';
import type { Place, PlaceBook } from './fold-places.js';
import { MAX_SAMPLE_CHARS, MAX_SAMPLE_LINES, scanSample, type Sample } from './sample.js';
import { newSocketLineFields, protocolOfTable, scanSocketLine, type SocketTableName } from './socket-table.js';
import type { FlowParty, FlowProtocol } from './types.js';

/** A connected socket of a counted pod (as ConnectionBuffer.each shows it: one object, refilled for each socket). */
export interface Connection {
  readonly protocol: FlowProtocol;
  readonly local: Place;
  readonly localPort: number;
  readonly remote: Place;
  readonly remotePort: number;
}

/**
 * The connected sockets of one sample, in columns: no object per socket. They live until the sample is
 * folded, and each young-generation collection in that time would copy them; the columns are reused
 * from sample to sample (the fold owns one buffer), so there is nothing to copy.
 */
export class ConnectionBuffer {
  private size = 0;
  private readonly pods: number[] = [];
  private readonly protocols: FlowProtocol[] = [];
  private readonly localPorts: number[] = [];
  private readonly remotePorts: number[] = [];
  private readonly locals: Place[] = [];
  private readonly remotes: Place[] = [];
  /** A pod's sections came apart (pod A, pod B, pod A again): reading in pod order then needs a sort. */
  private interleaved = false;

  reset(): void {
    this.size = 0;
    this.interleaved = false;
  }

  /** A socket of `pod` (its index in SampleWork.pods). */
  push(pod: number, protocol: FlowProtocol, local: Place, localPort: number, remote: Place, remotePort: number): void {
    const at = this.size;
    if (at > 0 && pod < (this.pods[at - 1] ?? 0)) this.interleaved = true;
    this.pods[at] = pod;
    this.protocols[at] = protocol;
    this.localPorts[at] = localPort;
    this.remotePorts[at] = remotePort;
    this.locals[at] = local;
    this.remotes[at] = remote;
    this.size = at + 1;
  }

  /** Every socket, pod by pod (in the order the sample first names them), each pod's as printed. */
  each(visit: (pod: number, socket: Connection) => void): void {
    const view: { -readonly [K in keyof Connection]: Connection[K] } = { protocol: 'TCP', local: NO_PLACE, localPort: 0, remote: NO_PLACE, remotePort: 0 };
    const order = this.interleaved ? Array.from({ length: this.size }, (_, i) => i).sort((a, b) => (this.pods[a] ?? 0) - (this.pods[b] ?? 0) || a - b) : undefined;
    for (let i = 0; i < this.size; i += 1) {
      const at = order === undefined ? i : (order[i] ?? i);
      view.protocol = this.protocols[at] ?? 'TCP';
      view.local = this.locals[at] ?? NO_PLACE;
      view.localPort = this.localPorts[at] ?? 0;
      view.remote = this.remotes[at] ?? NO_PLACE;
      view.remotePort = this.remotePorts[at] ?? 0;
      visit(this.pods[at] ?? 0, view);
    }
  }
}

/** Never read: fills the view's type before the first socket. */
const NO_PLACE: Place = { id: 0, address: { text: '', family: 'ipv4' }, owner: { kind: 'local' }, pod: undefined, podParty: undefined, podPorts: undefined, party: 'local', partyId: 0, portNames: undefined };

/** A conntrack entry, addresses resolved; the `next…` links chain entries of one index key, newest first. */
export interface Tracked {
  readonly protocol: FlowProtocol;
  /** A TCP connection never answered (SYN_SENT, [UNREPLIED]): an attempt, not traffic. */
  readonly attempt: boolean;
  /** The original direction, as the client sent it (before DNAT). */
  readonly src: Place;
  readonly dst: Place;
  readonly sport: number;
  readonly dport: number;
  /** The reply, as the server sends it (its source is the real backend). */
  readonly replySrc: Place;
  readonly replyDst: Place;
  readonly replySport: number;
  readonly replyDport: number;
  nextByOriginal: Tracked | undefined;
  nextByReply: Tracked | undefined;
}

export interface CountedPod {
  readonly pod: PodFact;
  readonly party: FlowParty;
  /** FlowAggregates.idOf the party. */
  readonly partyId: number;
  /** The pod's declared port names (ClusterFacts.portNamesOf). */
  readonly portNames: ReadonlyMap<number, string>;
  /** The pod's server ports (portKey), kept by the fold across samples. */
  readonly ports: Set<number>;
}

export interface SampleWork {
  readonly node: string;
  readonly time: number;
  readonly malformed: number;
  /** In the order the sample first names them. */
  readonly pods: readonly CountedPod[];
  /** Their connected sockets. */
  readonly connections: ConnectionBuffer;
  /** undefined: the collector could not read conntrack, or printed none. */
  readonly conntrack: readonly Tracked[] | undefined;
}

/** The pod of `uid` when it counts in a sample of `node`, else undefined (the fold keeps one CountedPod per pod). */
export type PodCounter = (uid: string, node: string) => CountedPod | undefined;

export type WorkRead = { readonly kind: 'work'; readonly work: SampleWork } | { readonly kind: 'refused'; readonly reason: string };

const LIMITS = { maxChars: MAX_SAMPLE_CHARS, maxLines: MAX_SAMPLE_LINES };

/** A number, not a string: it is built for every socket of every sample. */
export function portKey(protocol: string, port: number): number {
  return (protocol === 'UDP' ? 65536 : 0) + port;
}

export function readSampleText(text: string, book: PlaceBook, count: PodCounter, connections: ConnectionBuffer): WorkRead {
  connections.reset();
  const socket = newSocketLineFields();
  const line = newConntrackLineFields();
  /** Each uid named so far: its index in `counted`, or -1 when it does not count. */
  const pods = new Map<string, number>();
  const counted: CountedPod[] = [];
  const tracked: Tracked[] = [];
  let node = '';
  let current: CountedPod | undefined;
  let currentIndex = -1;
  let currentUid: string | undefined;
  let conntrackSeen = false;
  let lastLocalWord = -1;
  let lastLocal: Place | undefined;
  const scan = scanSample(text, LIMITS, {
    begin(sampleNode) {
      node = sampleNode;
    },
    podSection(uid) {
      // A pod's four tables come one after the other: its next section needs no lookup.
      if (uid === currentUid) return;
      currentUid = uid;
      let index = pods.get(uid);
      if (index === undefined) {
        const pod = count(uid, node);
        index = pod === undefined ? -1 : counted.push(pod) - 1;
        pods.set(uid, index);
      }
      current = counted[index];
      currentIndex = index;
    },
    socketLine(table, lineText, start, end) {
      const outcome = scanSocketLine(table, lineText, start, end, socket);
      if (outcome !== 'entry' || current === undefined || socket.role === 'idle') return outcome;
      const protocol = protocolOfTable(table);
      if (socket.role === 'listening') {
        current.ports.add(portKey(protocol, socket.localPort));
        return outcome;
      }
      const wide = table === 'tcp6' || table === 'udp6';
      // A pod's sockets nearly all share its own address: the last one is kept at hand.
      if (!wide && socket.localWord !== lastLocalWord) {
        lastLocalWord = socket.localWord;
        lastLocal = book.ipv4Place(socket.localWord);
      }
      const local = wide ? book.kernelHex6(lineText, socket.localAt) : lastLocal;
      const remote = wide ? book.kernelHex6(lineText, socket.remoteAt) : book.ipv4Place(socket.remoteWord);
      if (local === undefined || remote === undefined) return 'malformed';
      connections.push(currentIndex, protocol, local, socket.localPort, remote, socket.remotePort);
      return outcome;
    },
    conntrackSection() {
      conntrackSeen = true;
    },
    conntrackLine(lineText, start, end) {
      const outcome = scanConntrackLine(lineText, start, end, line);
      if (outcome !== 'entry') return outcome;
      const { addressAt, addressEnd } = line;
      const src = book.conntrackText(lineText, addressAt[0] ?? 0, addressEnd[0] ?? 0);
      const dst = book.conntrackText(lineText, addressAt[1] ?? 0, addressEnd[1] ?? 0);
      const replySrc = book.conntrackText(lineText, addressAt[2] ?? 0, addressEnd[2] ?? 0);
      const replyDst = book.conntrackText(lineText, addressAt[3] ?? 0, addressEnd[3] ?? 0);
      if (src === undefined || dst === undefined || replySrc === undefined || replyDst === undefined) return 'malformed';
      if (!tupleFits(line.family, src.address, dst.address) || !tupleFits(line.family, replySrc.address, replyDst.address)) return 'malformed';
      const [sport = 0, dport = 0, replySport = 0, replyDport = 0] = line.ports;
      tracked.push({ protocol: line.protocol, attempt: line.protocol === 'TCP' && (line.unreplied || line.synSent), src, dst, sport, dport, replySrc, replyDst, replySport, replyDport, nextByOriginal: undefined, nextByReply: undefined });
      return outcome;
    },
  });
  if (scan.kind === 'refused') return scan;
  return { kind: 'work', work: { node: scan.node, time: scan.time, malformed: scan.malformed, pods: counted, connections, conntrack: conntrackSeen && !scan.unreadable ? tracked : undefined } };
}

export function readSample(sample: Sample, book: PlaceBook, count: PodCounter, connections: ConnectionBuffer): SampleWork {
  connections.reset();
  const counted: CountedPod[] = [];
  for (const { uid, sockets } of sample.pods) {
    const pod = count(uid, sample.node);
    if (pod === undefined) continue;
    counted.push(pod);
    for (const socket of sockets) {
      if (socket.role === 'listening') pod.ports.add(portKey(socket.protocol, socket.local.port));
      else if (socket.role === 'connected') connections.push(counted.length - 1, socket.protocol, book.place(socket.local), socket.local.port, book.place(socket.remote), socket.remote.port);
    }
  }
  const conntrack = sample.conntrack.kind === 'read' ? sample.conntrack.entries.map((entry) => trackedOf(book, entry)) : undefined;
  return { node: sample.node, time: sample.time, malformed: sample.malformed, pods: counted, connections, conntrack };
}

function trackedOf(book: PlaceBook, entry: ConntrackEntry): Tracked {
  const { original, reply } = entry;
  return {
    protocol: entry.protocol,
    attempt: entry.protocol === 'TCP' && (entry.unreplied || entry.tcpState === 'SYN_SENT'),
    src: book.place(original.src),
    dst: book.place(original.dst),
    sport: original.sport,
    dport: original.dport,
    replySrc: book.place(reply.src),
    replyDst: book.place(reply.dst),
    replySport: reply.sport,
    replyDport: reply.dport,
    nextByOriginal: undefined,
    nextByReply: undefined,
  };
}

/** The conntrack entries of one sample by the client's end: its socket (original source) and the server's view (reply destination). */
export interface ConntrackIndex {
  readonly byOriginal: Map<number, Tracked>;
  readonly byReply: Map<number, Tracked>;
}

function endKey(protocol: FlowProtocol, place: Place, port: number): number {
  return (place.id * 65536 + port) * 2 + (protocol === 'UDP' ? 1 : 0);
}

/** Later entries of the same connection win (as they did when the index was a map of whole tuples). */
export function indexConntrack(entries: readonly Tracked[]): ConntrackIndex {
  const byOriginal = new Map<number, Tracked>();
  const byReply = new Map<number, Tracked>();
  for (const entry of entries) {
    const original = endKey(entry.protocol, entry.src, entry.sport);
    entry.nextByOriginal = byOriginal.get(original);
    byOriginal.set(original, entry);
    const reply = endKey(entry.protocol, entry.replyDst, entry.replyDport);
    entry.nextByReply = byReply.get(reply);
    byReply.set(reply, entry);
  }
  return { byOriginal, byReply };
}

/** The entry whose original direction is this socket (the socket is the client's). */
export function dialledBy(index: ConntrackIndex, socket: Connection): Tracked | undefined {
  for (let entry = index.byOriginal.get(endKey(socket.protocol, socket.local, socket.localPort)); entry !== undefined; entry = entry.nextByOriginal) {
    if (entry.dst === socket.remote && entry.dport === socket.remotePort) return entry;
  }
  return undefined;
}

/** The entry whose reply direction is this socket (the socket is the server's). */
export function answeredBy(index: ConntrackIndex, socket: Connection): Tracked | undefined {
  for (let entry = index.byReply.get(endKey(socket.protocol, socket.remote, socket.remotePort)); entry !== undefined; entry = entry.nextByReply) {
    if (entry.replySrc === socket.local && entry.replySport === socket.localPort) return entry;
  }
  return undefined;
}
