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

/** A connected socket of a counted pod. */
export interface Connection {
  readonly protocol: FlowProtocol;
  readonly local: Place;
  readonly localPort: number;
  readonly remote: Place;
  readonly remotePort: number;
}

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
  /** The pod's server ports (portKey), kept by the fold across samples. */
  readonly ports: Set<number>;
  readonly connections: Connection[];
}

export interface SampleWork {
  readonly node: string;
  readonly time: number;
  readonly malformed: number;
  /** In the order the sample first names them. */
  readonly pods: readonly CountedPod[];
  /** undefined: the collector could not read conntrack, or printed none. */
  readonly conntrack: readonly Tracked[] | undefined;
}

/** The pod of `uid` when it counts in a sample of `node` (a fresh CountedPod), else undefined. */
export type PodCounter = (uid: string, node: string) => CountedPod | undefined;

export type WorkRead = { readonly kind: 'work'; readonly work: SampleWork } | { readonly kind: 'refused'; readonly reason: string };

const LIMITS = { maxChars: MAX_SAMPLE_CHARS, maxLines: MAX_SAMPLE_LINES };

/** A number, not a string: it is built for every socket of every sample. */
export function portKey(protocol: string, port: number): number {
  return (protocol === 'UDP' ? 65536 : 0) + port;
}

export function readSampleText(text: string, book: PlaceBook, count: PodCounter): WorkRead {
  const socket = newSocketLineFields();
  const line = newConntrackLineFields();
  const pods = new Map<string, CountedPod | null>();
  const counted: CountedPod[] = [];
  const tracked: Tracked[] = [];
  let node = '';
  let current: CountedPod | null = null;
  let conntrackSeen = false;
  const scan = scanSample(text, LIMITS, {
    begin(sampleNode) {
      node = sampleNode;
    },
    podSection(uid) {
      let pod = pods.get(uid);
      if (pod === undefined) {
        pod = count(uid, node) ?? null;
        pods.set(uid, pod);
        if (pod !== null) counted.push(pod);
      }
      current = pod;
    },
    socketLine(table, lineText, start, end) {
      const outcome = scanSocketLine(table, lineText, start, end, socket);
      if (outcome !== 'entry' || current === null || socket.role === 'idle') return outcome;
      const protocol = protocolOfTable(table);
      if (socket.role === 'listening') {
        current.ports.add(portKey(protocol, socket.localPort));
        return outcome;
      }
      const wide = table === 'tcp6' || table === 'udp6';
      const local = wide ? book.kernelHex6(lineText, socket.localAt) : book.ipv4Place(socket.localWord);
      const remote = wide ? book.kernelHex6(lineText, socket.remoteAt) : book.ipv4Place(socket.remoteWord);
      if (local === undefined || remote === undefined) return 'malformed';
      current.connections.push({ protocol, local, localPort: socket.localPort, remote, remotePort: socket.remotePort });
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
  return { kind: 'work', work: { node: scan.node, time: scan.time, malformed: scan.malformed, pods: counted, conntrack: conntrackSeen && !scan.unreadable ? tracked : undefined } };
}

export function readSample(sample: Sample, book: PlaceBook, count: PodCounter): SampleWork {
  const counted: CountedPod[] = [];
  for (const { uid, sockets } of sample.pods) {
    const pod = count(uid, sample.node);
    if (pod === undefined) continue;
    counted.push(pod);
    for (const socket of sockets) {
      if (socket.role === 'listening') pod.ports.add(portKey(socket.protocol, socket.local.port));
      else if (socket.role === 'connected') pod.connections.push({ protocol: socket.protocol, local: book.place(socket.local), localPort: socket.local.port, remote: book.place(socket.remote), remotePort: socket.remote.port });
    }
  }
  const conntrack = sample.conntrack.kind === 'read' ? sample.conntrack.entries.map((entry) => trackedOf(book, entry)) : undefined;
  return { node: sample.node, time: sample.time, malformed: sample.malformed, pods: counted, conntrack };
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
