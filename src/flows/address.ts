/**
 * IP addresses as the fold compares them: one canonical text per address, whatever wrote it. The
 * kernel's socket tables print hex words, conntrack prints fully expanded IPv6, the API server prints
 * RFC 5952 text; an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, what a dual-stack listener bound to
 * `::` sees for an IPv4 peer) is the IPv4 address, family ipv4, because that is the packet on the wire.
 */
import type { IpFamily } from '../model/family.js';

export interface Address {
  /** Canonical: dotted quad, or lower-case RFC 5952 IPv6 (longest zero run compressed). */
  readonly text: string;
  readonly family: IpFamily;
}

/**
 * An address of a /proc/net/{tcp,udp} table: 8 hex digits (IPv4) or 32 (IPv6), each 32-bit word in
 * the host's byte order. Kubernetes nodes are little-endian (x86-64, arm64), so each word's bytes are
 * reversed. undefined when the text is not hex of that length.
 */
export function addressFromKernelHex(hex: string): Address | undefined {
  if (hex.length === 8) {
    const word = parseHexWord(hex);
    return word === undefined ? undefined : { text: quad(word), family: 'ipv4' };
  }
  if (hex.length !== 32) return undefined;
  const groups: number[] = [];
  for (let i = 0; i < 32; i += 8) {
    const word = parseHexWord(hex.slice(i, i + 8));
    if (word === undefined) return undefined;
    groups.push(word >>> 16, word & 0xffff);
  }
  return fromGroups(groups);
}

/** One little-endian 32-bit word → the address bytes in order, packed big-endian into a number. */
function parseHexWord(hex: string): number | undefined {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return undefined;
  const raw = Number.parseInt(hex, 16);
  return (((raw & 0xff) << 24) | (((raw >>> 8) & 0xff) << 16) | (((raw >>> 16) & 0xff) << 8) | ((raw >>> 24) & 0xff)) >>> 0;
}

function quad(word: number): string {
  return `${word >>> 24}.${(word >>> 16) & 0xff}.${(word >>> 8) & 0xff}.${word & 0xff}`;
}

function fromGroups(groups: readonly number[]): Address {
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const word = (((groups[6] ?? 0) << 16) | (groups[7] ?? 0)) >>> 0;
    return { text: quad(word), family: 'ipv4' };
  }
  return { text: ipv6Text(groups), family: 'ipv6' };
}

/** RFC 5952: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`, the first on a tie. */
function ipv6Text(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLength < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** A textual address (API server, conntrack): canonical form, or undefined when it is not an IP literal. */
export function parseAddress(text: string): Address | undefined {
  if (!text.includes(':')) {
    const parts = text.split('.');
    if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
    return { text: parts.map(Number).join('.'), family: 'ipv4' };
  }
  const groups = ipv6Groups(text);
  return groups === undefined ? undefined : fromGroups(groups);
}

function ipv6Groups(text: string): number[] | undefined {
  const halves = text.toLowerCase().split('::');
  if (halves.length > 2) return undefined;
  const side = (part: string | undefined): number[] | undefined => {
    if (part === undefined || part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (const [index, piece] of pieces.entries()) {
      if (index === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseAddress(piece);
        if (v4?.family !== 'ipv4') return undefined;
        const [a, b, c, d] = v4.text.split('.').map(Number) as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-f]{1,4}$/.test(piece)) out.push(Number.parseInt(piece, 16));
      else return undefined;
    }
    return out;
  };
  const head = side(halves[0]);
  const tail = side(halves[1]);
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** Loopback (127/8, ::1) and unspecified (0.0.0.0, ::) addresses: a pod talking to itself, or nobody. */
export function isLocalOnly(address: Address): boolean {
  if (address.family === 'ipv4') return address.text.startsWith('127.') || address.text === '0.0.0.0';
  return address.text === '::1' || address.text === '::';
}

/** A CIDR as the fold tests membership: family, prefix bits, and the network as a big integer. */
export interface Cidr {
  readonly family: IpFamily;
  readonly bits: number;
  readonly network: bigint;
}

export function parseCidr(text: string): Cidr | undefined {
  const [base, prefix] = text.split('/');
  const address = base === undefined ? undefined : parseAddress(base);
  const bits = Number(prefix);
  if (address === undefined || !Number.isInteger(bits) || bits < 0 || bits > (address.family === 'ipv4' ? 32 : 128)) return undefined;
  return { family: address.family, bits, network: maskTo(addressValue(address), address.family, bits) };
}

export function cidrContains(cidr: Cidr, address: Address): boolean {
  return cidr.family === address.family && maskTo(addressValue(address), address.family, cidr.bits) === cidr.network;
}

function addressValue(address: Address): bigint {
  if (address.family === 'ipv4') return address.text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(part), 0n);
  return (ipv6Groups(address.text) ?? []).reduce((acc, group) => (acc << 16n) | BigInt(group), 0n);
}

function maskTo(value: bigint, family: IpFamily, bits: number): bigint {
  const width = family === 'ipv4' ? 32n : 128n;
  const host = width - BigInt(bits);
  return (value >> host) << host;
}
