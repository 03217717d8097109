/**
 * The one parser of IP address literals, for everything that takes one: scenario hosts and DNS
 * servers, URLs, and the policy engine's ipBlock matching. Strict as the API server is: dotted-quad
 * IPv4 without leading zeros, IPv6 with at most one "::" (standing for at least one zero group) and
 * an optional dotted IPv4 tail (`::ffff:10.1.2.3`, `64:ff9b::192.0.2.1`).
 */

/** 4 or 6: an address family as the engine counts it. */
export type IpVersion = 4 | 6;

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
