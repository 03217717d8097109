/** IPv4 and IPv6 addresses and CIDR blocks as bigints, for `ipBlock` matching. Parsed here: the engine imports no I/O module. */

/** 4 or 6: an address family as the engine counts it. */
export type IpVersion = 4 | 6;

export interface Cidr {
  readonly family: IpVersion;
  readonly base: bigint;
  readonly prefix: number;
}

export interface ParsedIp {
  readonly family: IpVersion;
  readonly value: bigint;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

export function parseIp(text: string): ParsedIp | undefined {
  const v4 = IPV4.exec(text);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    // Leading zeros are ambiguous (octal in some parsers) and rejected by the API server.
    if (octets.some((octet, i) => octet > 255 || (v4[i + 1] ?? '').length > String(octet).length)) return undefined;
    return { family: 4, value: octets.reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n) };
  }
  return text.includes(':') ? parseIpv6(text) : undefined;
}

/** `10.0.0.0/8`, `fd00::/64`. A bare address is not a CIDR (the API server requires the prefix). */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = ip.family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  return { family: ip.family, base: ip.value & mask(prefix, bits), prefix };
}

export function cidrContains(cidr: Cidr, ip: ParsedIp): boolean {
  if (cidr.family !== ip.family) return false;
  const bits = cidr.family === 4 ? 32 : 128;
  return (ip.value & mask(cidr.prefix, bits)) === cidr.base;
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.family === outer.family && inner.prefix >= outer.prefix && cidrContains(outer, { family: inner.family, value: inner.base });
}

function mask(prefix: number, bits: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return prefix === 0 ? 0n : (all >> BigInt(bits - prefix)) << BigInt(bits - prefix);
}

function parseIpv6(text: string): ParsedIp | undefined {
  let head = text;
  let v4tail: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseIp(text.slice(lastColon + 1));
    if (!v4 || v4.family !== 4) return undefined;
    v4tail = v4.value;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const [left = '', right] = halves;
  const leftGroups = left === '' ? [] : left.split(':');
  const rightGroups = right === undefined || right === '' ? [] : right.split(':');
  const missing = 8 - leftGroups.length - rightGroups.length;
  // `::` stands for at least one zero group.
  if (right !== undefined && missing < 1) return undefined;
  const groups = right === undefined ? leftGroups : [...leftGroups, ...Array<string>(missing).fill('0'), ...rightGroups];
  if (groups.length !== 8 || !groups.every((group) => HEX_GROUP.test(group))) return undefined;
  let value = groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
  if (v4tail !== undefined) value = (value & ~0xffffffffn) | v4tail;
  return { family: 6, value };
}
