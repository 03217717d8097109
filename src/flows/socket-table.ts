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
 * One line: an entry, `blank` (empty or the header), or `malformed`. Built on scanSocketLine, so the
 * fold's fast path and this reader agree on every line.
 */
export function parseSocketLine(table: SocketTableName, line: string, cache?: AddressCache): SocketEntry | 'blank' | 'malformed' {
  const fields = newSocketLineFields();
  const outcome = scanSocketLine(table, line, 0, line.length, fields);
  if (outcome !== 'entry') return outcome;
  const hexLength = table === 'tcp' || table === 'udp' ? 8 : 32;
  const local = endpoint(line.slice(fields.localAt, fields.localAt + hexLength), fields.localPort, cache);
  const remote = endpoint(line.slice(fields.remoteAt, fields.remoteAt + hexLength), fields.remotePort, cache);
  if (local === undefined || remote === undefined) return 'malformed';
  if (protocolOfTable(table) === 'TCP') return { protocol: 'TCP', state: TCP_STATES[fields.state as keyof typeof TCP_STATES], role: fields.role, local, remote };
  return { protocol: 'UDP', state: fields.state === 0x07 ? 'unconnected' : 'connected', role: fields.role, local, remote };
}

/** What scanSocketLine read from a line: positions and numbers, no strings (it runs for every socket of every sample). */
export interface SocketLineFields {
  /** Where the local and remote address hex start in the text. */
  localAt: number;
  remoteAt: number;
  /** IPv4 tables: the address as one number, first octet highest (the kernel's word with its bytes reversed). */
  localWord: number;
  remoteWord: number;
  localPort: number;
  remotePort: number;
  /** The kernel's `st` number: a TCP state of TCP_STATES, or for UDP 0x07 (unconnected) or 0x01 (connected). */
  state: number;
  role: SocketRole;
}

export function newSocketLineFields(): SocketLineFields {
  return { localAt: 0, remoteAt: 0, localWord: 0, remoteWord: 0, localPort: 0, remotePort: 0, state: 0, role: 'idle' };
}

/**
 * The line `text[start, end)` (no newline): `entry` with `into` filled, `blank` (empty or the header),
 * or `malformed`. Fields are runs of non-space characters (space, tab, CR); only the first four
 * matter: `N:`, local `HEX:PORT`, remote `HEX:PORT`, `st`. Hand-scanned by character code: a busy
 * node prints hundreds of thousands of lines per sample.
 */
export function scanSocketLine(table: SocketTableName, text: string, start: number, end: number, into: SocketLineFields): 'entry' | 'blank' | 'malformed' {
  const slotAt = skipSpaces(text, start, end);
  if (slotAt >= end) return 'blank';
  // `N:`: digits, then the colon that ends the field.
  let at = slotAt;
  while (at < end && isDigit(text.charCodeAt(at))) at += 1;
  if (at === slotAt || at >= end || text.charCodeAt(at) !== 58 || !fieldEndsAt(text, at + 1, end)) {
    const slotEnd = skipField(text, slotAt, end);
    return slotEnd - slotAt === 2 && text.charCodeAt(slotAt) === 115 && text.charCodeAt(slotAt + 1) === 108 ? 'blank' : 'malformed'; // "sl": the header
  }
  const wide = !(table === 'tcp' || table === 'udp');
  const hexLength = wide ? 32 : 8;
  const width = hexLength + 5;
  // Each address field is exactly HEX:PORT; the checks below read only inside a field of that width.
  const localAt = skipSpaces(text, at + 1, end);
  if (localAt + width > end || !fieldEndsAt(text, localAt + width, end)) return 'malformed';
  const remoteAt = skipSpaces(text, localAt + width, end);
  if (remoteAt + width > end || !fieldEndsAt(text, remoteAt + width, end)) return 'malformed';
  const stateAt = skipSpaces(text, remoteAt + width, end);
  if (stateAt + 2 > end || !fieldEndsAt(text, stateAt + 2, end)) return 'malformed';

  const localPort = hexAt(text, localAt + hexLength + 1, 4);
  const remotePort = hexAt(text, remoteAt + hexLength + 1, 4);
  const state = hexAt(text, stateAt, 2);
  if (localPort < 0 || remotePort < 0 || state < 0 || text.charCodeAt(localAt + hexLength) !== 58 || text.charCodeAt(remoteAt + hexLength) !== 58) return 'malformed';
  let remoteUnspecified: boolean;
  if (wide) {
    if (hexAt(text, localAt, 8) < 0 || hexAt(text, localAt + 8, 8) < 0 || hexAt(text, localAt + 16, 8) < 0 || hexAt(text, localAt + 24, 8) < 0) return 'malformed';
    const w0 = hexAt(text, remoteAt, 8);
    const w1 = hexAt(text, remoteAt + 8, 8);
    const w2 = hexAt(text, remoteAt + 16, 8);
    const w3 = hexAt(text, remoteAt + 24, 8);
    if (w0 < 0 || w1 < 0 || w2 < 0 || w3 < 0) return 'malformed';
    // `::`, or `::ffff:0.0.0.0` (v4-mapped, read as 0.0.0.0): the third word is ffff in its low half, little-endian.
    remoteUnspecified = w0 === 0 && w1 === 0 && w3 === 0 && (w2 === 0 || w2 === 0xffff0000);
    into.localWord = 0;
    into.remoteWord = 0;
  } else {
    const local = hexAt(text, localAt, 8);
    const remote = hexAt(text, remoteAt, 8);
    if (local < 0 || remote < 0) return 'malformed';
    remoteUnspecified = remote === 0;
    into.localWord = byteSwap(local);
    into.remoteWord = byteSwap(remote);
  }

  let role: SocketRole;
  if (protocolOfTable(table) === 'TCP') {
    const name = TCP_STATES[state as keyof typeof TCP_STATES] as TcpState | undefined;
    if (name === undefined) return 'malformed';
    role = tcpRole(name);
  } else {
    const unbound = remotePort === 0 && remoteUnspecified;
    if (state === 0x07) role = unbound && localPort !== 0 ? 'listening' : 'idle';
    else if (state === 0x01) role = unbound ? 'idle' : 'connected';
    else return 'malformed';
  }
  into.localAt = localAt;
  into.remoteAt = remoteAt;
  into.localPort = localPort;
  into.remotePort = remotePort;
  into.state = state;
  into.role = role;
  return 'entry';
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** A field ends at `at`: the line ends there, or white space follows. */
function fieldEndsAt(text: string, at: number, end: number): boolean {
  return at === end || isSpace(text.charCodeAt(at));
}

function skipSpaces(text: string, at: number, end: number): number {
  while (at < end && isSpace(text.charCodeAt(at))) at += 1;
  return at;
}

function skipField(text: string, at: number, end: number): number {
  while (at < end && !isSpace(text.charCodeAt(at))) at += 1;
  return at;
}

/** Hex digit values by character code (-1: not one). */
const HEX_DIGITS = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit += 1) {
  HEX_DIGITS['0123456789ABCDEF'.charCodeAt(digit)] = digit;
  HEX_DIGITS['0123456789abcdef'.charCodeAt(digit)] = digit;
}

/** The value of `length` (≤ 8) hex digits at `at`, or -1 when one is not a hex digit. */
function hexAt(text: string, at: number, length: number): number {
  let value = 0;
  for (let i = at; i < at + length; i += 1) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? (HEX_DIGITS[code] ?? -1) : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** A little-endian kernel word → the address bytes in order, first octet highest. */
function byteSwap(word: number): number {
  return (((word & 0xff) << 24) | (((word >>> 8) & 0xff) << 16) | (((word >>> 16) & 0xff) << 8) | (word >>> 24)) >>> 0;
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

function endpoint(hex: string, port: number, cache: AddressCache | undefined): Endpoint | undefined {
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
