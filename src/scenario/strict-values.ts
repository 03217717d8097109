/**
 * Strict checks for every value that ends up on a probe's command line. The probe commands quote their
 * arguments too, but a scenario should never carry anything shell-like at all. Names and labels that
 * go into a pod spec follow the API's rules in src/model/kube-rules.ts.
 */

import { parseIp } from '../model/ip-address.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/i;
const URL_CHARS = /^[A-Za-z0-9._~:/?#[\]@!$&()*+,;=%-]+$/;

export function isIPv4(value: string): boolean {
  return parseIp(value)?.family === 4;
}

export function isIP(value: string): boolean {
  return parseIp(value) !== undefined;
}

/**
 * A DNS name (RFC 1123 labels), optionally fully qualified with a trailing dot. A name of digits and
 * dots only is none: resolvers read `1.2.3` as the address 1.2.0.3 (BusyBox nc does) and `999.1.1.1`
 * is a mistyped address, not a host anyone named.
 */
export function isDnsName(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (labels.every((label) => /^\d+$/.test(label))) return false;
  return labels.every((label) => DNS_LABEL.test(label));
}

export function hostProblem(value: string): string | undefined {
  if (isIP(value) || isDnsName(value)) return undefined;
  if (/^[\d.]+$/.test(value)) return `"${value}" is not an IPv4 address (four numbers from 0 to 255, e.g. 10.1.2.3) and a name of digits only is no DNS name`;
  return `"${value}" is not an IP address or DNS name (letters, digits, '-' and '.', no spaces or shell characters)`;
}

export function urlProblem(value: string): string | undefined {
  if (!URL_CHARS.test(value)) return `"${value}" has characters a URL does not need (spaces, quotes, backticks, …); percent-encode them`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an absolute URL; write it as http://host[:port]/path`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `"${value}": only http:// and https:// URLs can be probed`;
  if (url.username || url.password) return `"${value}": credentials in URLs are not supported`;
  // The URL parser rewrites a numeric host ("1.2.3" becomes 1.2.0.3): the host as written must be one.
  const written = /^[a-z][a-z0-9+.-]*:\/\/([^/?#[\]:]*)/i.exec(value)?.[1];
  if (written) {
    const problem = hostProblem(written);
    if (problem) return problem;
  }
  // The URL parser drops a default port (":80" of http) but keeps ":0", which no server listens on.
  if (url.port === '0') return `"${value}": port 0 is no port a server listens on; write a port from 1 to 65535`;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return hostProblem(host);
}
