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
  const fields = line.split(' ').filter((field) => field !== '');
  const family = fields[0];
  if (family === undefined) return 'blank';
  if (family !== 'ipv4' && family !== 'ipv6') return 'malformed';
  const protocolName = fields[2];
  if (protocolName !== 'tcp' && protocolName !== 'udp') return fields.length >= 5 ? 'ignored' : 'malformed';
  const protocol: FlowProtocol = protocolName === 'tcp' ? 'TCP' : 'UDP';
  let index = 5;
  let tcpState: string | undefined;
  if (protocol === 'TCP') {
    tcpState = fields[5];
    if (tcpState === undefined || !/^[A-Z_]+$/.test(tcpState)) return 'malformed';
    index = 6;
  }
  // Two groups of src, dst, sport, dport: the original direction, then the reply.
  const values: Array<string | undefined> = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  let group = -1;
  let unreplied = false;
  let assured = false;
  for (let i = index; i < fields.length; i += 1) {
    const field = fields[i] ?? '';
    if (field === '[UNREPLIED]') unreplied = true;
    else if (field === '[ASSURED]') assured = true;
    const slot = field.startsWith('src=') ? 0 : field.startsWith('dst=') ? 1 : field.startsWith('sport=') ? 2 : field.startsWith('dport=') ? 3 : -1;
    if (slot < 0) continue;
    if (slot === 0) group += 1;
    if (group < 0 || group > 1) return 'malformed';
    values[group * 4 + slot] = field.slice(field.indexOf('=') + 1);
  }
  if (group !== 1) return 'malformed';
  const original = tuple(values.slice(0, 4), family, cache);
  const reply = tuple(values.slice(4), family, cache);
  if (original === undefined || reply === undefined) return 'malformed';
  return { protocol, ...(tcpState === undefined ? {} : { tcpState }), original, reply, unreplied, assured };
}

function tuple([srcText, dstText, sportText, dportText]: Array<string | undefined>, family: 'ipv4' | 'ipv6', cache: ConntrackAddressCache | undefined): ConntrackTuple | undefined {
  const src = address(srcText, cache);
  const dst = address(dstText, cache);
  const sport = port(sportText);
  const dport = port(dportText);
  if (src === undefined || dst === undefined || sport === undefined || dport === undefined) return undefined;
  // An ipv6 line may carry v4-mapped addresses (canonicalised to ipv4); an ipv4 line never carries IPv6.
  if (family === 'ipv4' && (src.family !== 'ipv4' || dst.family !== 'ipv4')) return undefined;
  return { src, dst, sport, dport };
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

function port(text: string | undefined): number | undefined {
  if (text === undefined || text.length === 0 || text.length > 5) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return undefined;
    value = value * 10 + code - 48;
  }
  return value <= 65535 ? value : undefined;
}
