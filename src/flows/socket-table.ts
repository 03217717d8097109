/**
 * The kernel's socket tables, `/proc/<pid>/net/{tcp,tcp6,udp,udp6}`, as the collector prints them:
 *
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ...
 *    0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 ...
 *
 * Addresses are hex (see address.ts for the byte order), ports are 4 hex digits, `st` is the kernel's
 * TCP state number (UDP reuses it: 07 = not connected, 01 = connected). A line that does not read
 * is skipped and counted, never thrown: a table is read while the kernel changes it.
 */
import { addressFromKernelHex, type Address } from './address.js';
import type { FlowProtocol } from './types.js';

export const SOCKET_TABLES = ['tcp', 'tcp6', 'udp', 'udp6'] as const;
export type SocketTableName = (typeof SOCKET_TABLES)[number];

/** The kernel's TCP states by number (include/net/tcp_states.h). */
export const TCP_STATES = {
  0x01: 'ESTABLISHED',
  0x02: 'SYN_SENT',
  0x03: 'SYN_RECV',
  0x04: 'FIN_WAIT1',
  0x05: 'FIN_WAIT2',
  0x06: 'TIME_WAIT',
  0x07: 'CLOSE',
  0x08: 'CLOSE_WAIT',
  0x09: 'LAST_ACK',
  0x0a: 'LISTEN',
  0x0b: 'CLOSING',
  0x0c: 'NEW_SYN_RECV',
} as const;
export type TcpState = (typeof TCP_STATES)[keyof typeof TCP_STATES];

export interface Endpoint extends Address {
  readonly port: number;
}

/**
 * What a socket says about traffic:
 * - `listening`: TCP LISTEN, or a UDP socket bound with no peer (state 07, remote 0:0): a server port;
 * - `connected`: a TCP connection in any state that exchanged packets, or a connected UDP socket;
 * - `idle`: says nothing about traffic: TCP CLOSE (bound, never connected) and SYN_SENT (an attempt
 *   nobody answered yet — a policy may be dropping it; an unanswered knock is not a flow).
 */
export type SocketRole = 'listening' | 'connected' | 'idle';

export type SocketEntry =
  | { readonly protocol: 'TCP'; readonly state: TcpState; readonly role: SocketRole; readonly local: Endpoint; readonly remote: Endpoint }
  | { readonly protocol: 'UDP'; readonly state: 'unconnected' | 'connected'; readonly role: SocketRole; readonly local: Endpoint; readonly remote: Endpoint };

export interface SocketTable {
  readonly entries: readonly SocketEntry[];
  /** Lines that did not read (header lines are not counted). */
  readonly malformed: number;
}

/** Addresses repeat in every sample: a fold passes one cache so each hex text is decoded once. */
export type AddressCache = Map<string, Address | null>;

export function protocolOfTable(table: SocketTableName): FlowProtocol {
  return table === 'tcp' || table === 'tcp6' ? 'TCP' : 'UDP';
}

export function parseSocketTable(table: SocketTableName, text: string, cache?: AddressCache): SocketTable {
  const entries: SocketEntry[] = [];
  let malformed = 0;
  for (const line of text.split('\n')) {
    const outcome = parseSocketLine(table, line, cache);
    if (outcome === 'blank') continue;
    if (outcome === 'malformed') malformed += 1;
    else entries.push(outcome);
  }
  return { entries, malformed };
}

/**
 * One line: an entry, `blank` (empty or the header), or `malformed`. Hand-tokenised: only the first
 * four fields matter, and a busy node prints hundreds of thousands of lines per sample.
 */
export function parseSocketLine(table: SocketTableName, line: string, cache?: AddressCache): SocketEntry | 'blank' | 'malformed' {
  const fields: string[] = [];
  let at = 0;
  while (fields.length < 4) {
    while (at < line.length && isSpace(line.charCodeAt(at))) at += 1;
    if (at >= line.length) break;
    const start = at;
    while (at < line.length && !isSpace(line.charCodeAt(at))) at += 1;
    fields.push(line.slice(start, at));
  }
  const first = fields[0];
  if (first === undefined || first === 'sl') return 'blank';
  if (fields.length < 4 || !/^\d+:$/.test(first)) return 'malformed';
  const hexLength = table === 'tcp' || table === 'udp' ? 8 : 32;
  const local = endpoint(fields[1] ?? '', hexLength, cache);
  const remote = endpoint(fields[2] ?? '', hexLength, cache);
  const stateText = fields[3] ?? '';
  if (local === undefined || remote === undefined || stateText.length !== 2) return 'malformed';
  const stateNumber = hexValue(stateText);
  if (stateNumber === undefined) return 'malformed';
  if (protocolOfTable(table) === 'TCP') {
    const state = TCP_STATES[stateNumber as keyof typeof TCP_STATES] as TcpState | undefined;
    if (state === undefined) return 'malformed';
    return { protocol: 'TCP', state, role: tcpRole(state), local, remote };
  }
  const unbound = remote.port === 0 && (remote.text === '0.0.0.0' || remote.text === '::');
  if (stateNumber === 0x07) return { protocol: 'UDP', state: 'unconnected', role: unbound && local.port !== 0 ? 'listening' : 'idle', local, remote };
  if (stateNumber === 0x01) return { protocol: 'UDP', state: 'connected', role: unbound ? 'idle' : 'connected', local, remote };
  return 'malformed';
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13;
}

/** The value of a short hex text, or undefined when a character is not a hex digit. */
function hexValue(text: string): number | undefined {
  let value = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const digit = code >= 48 && code <= 57 ? code - 48 : code >= 65 && code <= 70 ? code - 55 : code >= 97 && code <= 102 ? code - 87 : -1;
    if (digit < 0) return undefined;
    value = value * 16 + digit;
  }
  return value;
}

function tcpRole(state: TcpState): SocketRole {
  switch (state) {
    case 'LISTEN':
      return 'listening';
    case 'CLOSE':
    case 'SYN_SENT':
      return 'idle';
    case 'ESTABLISHED':
    case 'SYN_RECV':
    case 'FIN_WAIT1':
    case 'FIN_WAIT2':
    case 'TIME_WAIT':
    case 'CLOSE_WAIT':
    case 'LAST_ACK':
    case 'CLOSING':
    case 'NEW_SYN_RECV':
      return 'connected';
  }
}

function endpoint(text: string, hexLength: number, cache: AddressCache | undefined): Endpoint | undefined {
  if (text.length !== hexLength + 5 || text.charCodeAt(hexLength) !== 58) return undefined;
  const port = hexValue(text.slice(hexLength + 1));
  if (port === undefined) return undefined;
  const hex = text.slice(0, hexLength);
  let address = cache?.get(hex);
  if (address === undefined) {
    address = addressFromKernelHex(hex) ?? null;
    if (cache !== undefined) {
      // Bounded: a fold's cache holds at most this many addresses, then starts over.
      if (cache.size >= ADDRESS_CACHE_LIMIT) cache.clear();
      cache.set(hex, address);
    }
  }
  if (address === null) return undefined;
  return { text: address.text, family: address.family, port };
}

const ADDRESS_CACHE_LIMIT = 200_000;
