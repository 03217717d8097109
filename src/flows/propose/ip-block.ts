/**
 * An observed outside address as an `ipBlock` CIDR of that one address (/32 or /128), written the way
 * the API server stores it: IPv6 in its short form (RFC 5952), whatever form the flows file used
 * (conntrack writes IPv6 fully expanded: `fd00:0010:0244:…`).
 */
import { parseIp } from '../../model/ip-address.js';

/** Undefined when `address` is no IP address. */
export function singleAddressCidr(address: string): string | undefined {
  const ip = parseIp(address);
  if (ip === undefined) return undefined;
  if (ip.family === 4) return `${[24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join('.')}/32`;
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt((7 - i) * 16)) & 0xffffn));
  return `${shortIpv6(groups)}/128`;
}

/** The longest run of two or more zero groups (the first of equals) becomes `::`; hex in lower case, no leading zeros. */
function shortIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
