/** CIDR blocks as bigints, for `ipBlock` matching; addresses are parsed by src/model/ip-address.ts. Pure: the engine imports no I/O module. */

import { parseIp, type IpVersion, type ParsedIp } from '../model/ip-address.js';

export { parseIp, type IpVersion, type ParsedIp };

export interface Cidr {
  readonly family: IpVersion;
  readonly base: bigint;
  readonly prefix: number;
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
