/**
 * Strict checks for every value that ends up on a probe's command line. The probe commands quote their
 * arguments too, but a scenario should never carry anything shell-like at all. Names and labels that
 * go into a pod spec follow the API's rules in src/model/kube-rules.ts.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}$/i;
const URL_CHARS = /^[A-Za-z0-9._~:/?#[\]@!$&()*+,;=%-]+$/;

export function isIPv4(value: string): boolean {
  return IPV4.test(value);
}

export function isIP(value: string): boolean {
  return IPV4.test(value) || (value.includes(':') && IPV6.test(value));
}

/** A DNS name (RFC 1123 labels), optionally fully qualified with a trailing dot. */
export function isDnsName(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => DNS_LABEL.test(label));
}

export function hostProblem(value: string): string | undefined {
  if (isIP(value) || isDnsName(value)) return undefined;
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
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return hostProblem(host);
}
