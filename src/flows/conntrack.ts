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

export function parseConntrack(text: string): ConntrackTable {
  const entries: ConntrackEntry[] = [];
  let malformed = 0;
  let ignored = 0;
  for (const line of text.split('\n')) {
    const outcome = parseConntrackLine(line);
    if (outcome === 'blank') continue;
    if (outcome === 'malformed') malformed += 1;
    else if (outcome === 'ignored') ignored += 1;
    else entries.push(outcome);
  }
  return { entries, malformed, ignored };
}

export function parseConntrackLine(line: string): ConntrackEntry | 'blank' | 'ignored' | 'malformed' {
  const fields = line.trim().split(/\s+/);
  const family = fields[0];
  if (family === undefined || family === '') return 'blank';
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
  const groups: Array<Record<string, string>> = [];
  let unreplied = false;
  let assured = false;
  for (const field of fields.slice(index)) {
    if (field === '[UNREPLIED]') unreplied = true;
    else if (field === '[ASSURED]') assured = true;
    const eq = field.indexOf('=');
    if (eq < 0) continue;
    const key = field.slice(0, eq);
    if (key !== 'src' && key !== 'dst' && key !== 'sport' && key !== 'dport') continue;
    // A new group starts at a `src=` once the current one has one.
    const current = groups[groups.length - 1];
    if (current === undefined || (key === 'src' && current.src !== undefined)) groups.push({ [key]: field.slice(eq + 1) });
    else current[key] = field.slice(eq + 1);
  }
  const original = groups[0] === undefined ? undefined : tuple(groups[0], family);
  const reply = groups[1] === undefined ? undefined : tuple(groups[1], family);
  if (original === undefined || reply === undefined || groups.length !== 2) return 'malformed';
  return { protocol, ...(tcpState === undefined ? {} : { tcpState }), original, reply, unreplied, assured };
}

function tuple(group: Record<string, string>, family: 'ipv4' | 'ipv6'): ConntrackTuple | undefined {
  const src = parseAddress(group.src ?? '');
  const dst = parseAddress(group.dst ?? '');
  const sport = port(group.sport);
  const dport = port(group.dport);
  if (src === undefined || dst === undefined || sport === undefined || dport === undefined) return undefined;
  // An ipv6 line may carry v4-mapped addresses (canonicalised to ipv4); an ipv4 line never carries IPv6.
  if (family === 'ipv4' && (src.family !== 'ipv4' || dst.family !== 'ipv4')) return undefined;
  return { src, dst, sport, dport };
}

function port(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= 65535 ? value : undefined;
}
