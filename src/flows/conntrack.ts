/**
 * The node's conntrack table, `/proc/net/nf_conntrack`, one connection a line:
 *
 *   ipv4 2 tcp 6 117 TIME_WAIT src=10.244.2.2 dst=10.96.129.170 sport=42507 dport=5432
 *        src=10.244.0.2 dst=10.244.2.2 sport=5432 dport=42507 [ASSURED] mark=0 zone=0 use=2
 *
 * The first src/dst/sport/dport group is the original direction as the client sent it (before DNAT:
 * a Service ClusterIP stays visible here), the second the reply as the server sends it (its source is
 * the real backend). UDP lines have no state word. IPv6 is written fully expanded. Only TCP and UDP
 * are kept (other protocols are counted as ignored); a line that does not read is counted, not thrown.
 */
import { parseAddress, type Address } from './address.js';
import type { FlowProtocol } from './types.js';

export interface ConntrackTuple {
  readonly src: Address;
  readonly dst: Address;
  readonly sport: number;
  readonly dport: number;
}

export interface ConntrackEntry {
  readonly protocol: FlowProtocol;
  /** TCP only: `ESTABLISHED`, `TIME_WAIT`, … as conntrack names it. */
  readonly tcpState?: string;
  readonly original: ConntrackTuple;
  readonly reply: ConntrackTuple;
  /** No packet came back (yet). */
  readonly unreplied: boolean;
  /** Packets went both ways often enough for conntrack to keep the entry under pressure. */
  readonly assured: boolean;
}

export interface ConntrackTable {
  readonly entries: readonly ConntrackEntry[];
  readonly malformed: number;
  /** Lines of other protocols (icmp, sctp, …). */
  readonly ignored: number;
}

/** Conntrack repeats the same addresses on every line: a fold passes one cache so each is parsed once (hex and dotted texts never collide, so it may be the socket tables' cache). */
export type ConntrackAddressCache = Map<string, Address | null>;

export function parseConntrack(text: string, cache?: ConntrackAddressCache): ConntrackTable {
  const entries: ConntrackEntry[] = [];
  let malformed = 0;
  let ignored = 0;
  for (const line of text.split('\n')) {
    const outcome = parseConntrackLine(line, cache);
    if (outcome === 'blank') continue;
    if (outcome === 'malformed') malformed += 1;
    else if (outcome === 'ignored') ignored += 1;
    else entries.push(outcome);
  }
  return { entries, malformed, ignored };
}

export function parseConntrackLine(line: string, cache?: ConntrackAddressCache): ConntrackEntry | 'blank' | 'ignored' | 'malformed' {
  const fields = newConntrackLineFields();
  const outcome = scanConntrackLine(line, 0, line.length, fields);
  if (outcome !== 'entry') return outcome;
  const addressAt = (slot: number): Address | undefined => address(line.slice(fields.addressAt[slot], fields.addressEnd[slot]), cache);
  const original = tuple(addressAt(0), addressAt(1), fields.ports[0], fields.ports[1], fields.family);
  const reply = tuple(addressAt(2), addressAt(3), fields.ports[2], fields.ports[3], fields.family);
  if (original === undefined || reply === undefined) return 'malformed';
  const tcpState = fields.protocol === 'TCP' ? line.slice(fields.stateAt, fields.stateEnd) : undefined;
  return { protocol: fields.protocol, ...(tcpState === undefined ? {} : { tcpState }), original, reply, unreplied: fields.unreplied, assured: fields.assured };
}

/**
 * What scanConntrackLine read from a line: positions and numbers, no strings. Slots of the two
 * src/dst groups: 0 src, 1 dst (original), 2 src, 3 dst (reply).
 */
export interface ConntrackLineFields {
  family: 'ipv4' | 'ipv6';
  protocol: FlowProtocol;
  /** TCP: where the state word (`TIME_WAIT`, …) is. */
  stateAt: number;
  stateEnd: number;
  /** The state is SYN_SENT. */
  synSent: boolean;
  unreplied: boolean;
  assured: boolean;
  /** Where each address slot's value starts and ends in the text. */
  readonly addressAt: Int32Array;
  readonly addressEnd: Int32Array;
  /** The ports: original sport, dport, reply sport, dport (-1: not a port). */
  readonly ports: Int32Array;
}

export function newConntrackLineFields(): ConntrackLineFields {
  return { family: 'ipv4', protocol: 'TCP', stateAt: 0, stateEnd: 0, synSent: false, unreplied: false, assured: false, addressAt: new Int32Array(4), addressEnd: new Int32Array(4), ports: new Int32Array(4) };
}

const SPACE = 32;
const LETTER_S = 115;
const LETTER_D = 100;
const BRACKET = 91;

/**
 * The line `text[start, end)` (no newline): `entry` with `into` filled (ports read, addresses left
 * to the caller: see tupleFits), `blank`, `ignored` (another protocol) or `malformed`. Fields are
 * separated by spaces. Hand-scanned by character code: a node's table holds up to 262,144 lines.
 */
export function scanConntrackLine(text: string, start: number, end: number, into: ConntrackLineFields): 'entry' | 'blank' | 'ignored' | 'malformed' {
  let at = skipSpaces(text, start, end);
  if (at >= end) return 'blank';
  let fieldEnd = fieldEndAt(text, at, end);
  const isV4 = fieldIs(text, at, fieldEnd, 'ipv4');
  if (!isV4 && !fieldIs(text, at, fieldEnd, 'ipv6')) return 'malformed';
  into.family = isV4 ? 'ipv4' : 'ipv6';
  // Fields 1 to 4: the family number, the protocol name and number, the timeout.
  let count = 1;
  let protocol: FlowProtocol | undefined;
  while (count < 5) {
    at = skipSpaces(text, fieldEnd, end);
    if (at >= end) break;
    fieldEnd = fieldEndAt(text, at, end);
    if (count === 2) protocol = fieldIs(text, at, fieldEnd, 'tcp') ? 'TCP' : fieldIs(text, at, fieldEnd, 'udp') ? 'UDP' : undefined;
    count += 1;
  }
  if (protocol === undefined) return count >= 5 ? 'ignored' : 'malformed';
  into.protocol = protocol;
  if (protocol === 'TCP') {
    at = skipSpaces(text, fieldEnd, end);
    if (at >= end) return 'malformed';
    fieldEnd = at;
    for (let code = text.charCodeAt(fieldEnd); fieldEnd < end && code !== SPACE; code = text.charCodeAt(fieldEnd)) {
      if (!((code >= 65 && code <= 90) || code === 95)) return 'malformed';
      fieldEnd += 1;
    }
    into.stateAt = at;
    into.stateEnd = fieldEnd;
    into.synSent = fieldIs(text, at, fieldEnd, 'SYN_SENT');
  } else into.synSent = false;
  // Two groups of src, dst, sport, dport: the original direction, then the reply. A value given twice
  // in a group: the last one counts.
  let group = -1;
  let seen = 0;
  into.unreplied = false;
  into.assured = false;
  at = fieldEnd;
  for (;;) {
    let first = SPACE;
    while (at < end && (first = text.charCodeAt(at)) === SPACE) at += 1;
    if (at >= end) break;
    const fieldAt = at;
    at = fieldEndAt(text, fieldAt + 1, end);
    if (first === BRACKET) {
      if (fieldIs(text, fieldAt, at, '[UNREPLIED]')) into.unreplied = true;
      else if (fieldIs(text, fieldAt, at, '[ASSURED]')) into.assured = true;
      continue;
    }
    if (first !== LETTER_S && first !== LETTER_D) continue;
    // src= dst= (4 characters) or sport= dport= (6).
    let slot: number;
    let valueAt: number;
    if (at - fieldAt >= 4 && text.charCodeAt(fieldAt + 3) === 61 && (first === LETTER_S ? text.charCodeAt(fieldAt + 1) === 114 && text.charCodeAt(fieldAt + 2) === 99 : text.charCodeAt(fieldAt + 1) === LETTER_S && text.charCodeAt(fieldAt + 2) === 116)) {
      slot = first === LETTER_S ? 0 : 1;
      valueAt = fieldAt + 4;
    } else if (at - fieldAt >= 6 && text.charCodeAt(fieldAt + 5) === 61 && text.charCodeAt(fieldAt + 1) === 112 && text.charCodeAt(fieldAt + 2) === 111 && text.charCodeAt(fieldAt + 3) === 114 && text.charCodeAt(fieldAt + 4) === 116) {
      slot = first === LETTER_S ? 2 : 3;
      valueAt = fieldAt + 6;
    } else continue;
    if (slot === 0) group += 1;
    if (group < 0 || group > 1) return 'malformed';
    seen |= 1 << (group * 4 + slot);
    if (slot < 2) {
      into.addressAt[group * 2 + slot] = valueAt;
      into.addressEnd[group * 2 + slot] = at;
    } else into.ports[group * 2 + slot - 2] = portAt(text, valueAt, at);
  }
  if (group !== 1 || seen !== 0xff) return 'malformed';
  for (let i = 0; i < 4; i += 1) if ((into.ports[i] ?? -1) < 0) return 'malformed';
  return 'entry';
}

/** An ipv4 line never carries IPv6 (an ipv6 line may carry v4-mapped addresses, read as ipv4). */
export function tupleFits(family: 'ipv4' | 'ipv6', src: Address, dst: Address): boolean {
  return family === 'ipv6' || (src.family === 'ipv4' && dst.family === 'ipv4');
}

function tuple(src: Address | undefined, dst: Address | undefined, sport: number | undefined, dport: number | undefined, family: 'ipv4' | 'ipv6'): ConntrackTuple | undefined {
  if (src === undefined || dst === undefined || sport === undefined || dport === undefined || !tupleFits(family, src, dst)) return undefined;
  return { src, dst, sport, dport };
}

function skipSpaces(text: string, at: number, end: number): number {
  while (at < end && text.charCodeAt(at) === 32) at += 1;
  return at;
}

function fieldEndAt(text: string, at: number, end: number): number {
  const space = text.indexOf(' ', at);
  return space < 0 || space > end ? end : space;
}

function fieldIs(text: string, at: number, fieldEnd: number, word: string): boolean {
  if (fieldEnd - at !== word.length) return false;
  for (let i = 0; i < word.length; i += 1) if (text.charCodeAt(at + i) !== word.charCodeAt(i)) return false;
  return true;
}

function address(text: string | undefined, cache: ConntrackAddressCache | undefined): Address | undefined {
  if (text === undefined) return undefined;
  const known = cache?.get(text);
  if (known !== undefined) return known ?? undefined;
  const parsed = parseAddress(text) ?? null;
  if (cache !== undefined) {
    if (cache.size >= ADDRESS_CACHE_LIMIT) cache.clear();
    cache.set(text, parsed);
  }
  return parsed ?? undefined;
}

const ADDRESS_CACHE_LIMIT = 200_000;

/** A decimal port of 1 to 5 digits, at most 65535, or -1. */
function portAt(text: string, at: number, end: number): number {
  if (end - at < 1 || end - at > 5) return -1;
  let value = 0;
  for (let i = at; i < end; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return -1;
    value = value * 10 + code - 48;
  }
  return value <= 65535 ? value : -1;
}
