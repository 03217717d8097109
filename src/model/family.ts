/**
 * IP address families. A check may ask for one (`family: ipv4 | ipv6`) or for each (`both`, expanded
 * into one check per family by the loader); without one it uses the primary address, as the cluster
 * lists it first (`status.podIP`, `spec.clusterIP`), whatever family that is.
 */

export const IP_FAMILIES = ['ipv4', 'ipv6'] as const;

export type IpFamily = (typeof IP_FAMILIES)[number];

/** What a scenario may write: one family, or `both` (the check runs once per family). */
export type FamilyRequest = IpFamily | 'both';

/**
 * The family a result's probe used. `unspecified`: kubeknock gave the probe a name and chose no family
 * (the pod's resolver did, as getaddrinfo with AF_UNSPEC), or the check never got an address.
 */
export type ResultFamily = IpFamily | 'unspecified';

/** `ipv4` for a dotted quad, `ipv6` for anything with a colon, undefined for a name. Literals only: no parsing beyond that. */
export function familyOfAddress(text: string): IpFamily | undefined {
  if (text.includes(':')) return 'ipv6';
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(text) ? 'ipv4' : undefined;
}

/** `IPv6`, as prose writes it. */
export function familyText(family: IpFamily): string {
  return family === 'ipv4' ? 'IPv4' : 'IPv6';
}

/**
 * A matrix column (and so every test name) says the family when the scenario asked for one, so the
 * two checks of `family: both` are two columns; without one the label is what it always was.
 */
export function familyLabel(label: string, family: IpFamily | undefined): string {
  return family === undefined ? label : `${label} (${family})`;
}

/** `c3@ipv6`: the id of one family's check of a `family: both` entry. */
export function familyCheckId(id: string, family: IpFamily): string {
  return `${id}@${family}`;
}
