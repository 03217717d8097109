/**
 * Which address families one check runs with. Every kind takes a family: tcp, http and udp connect to
 * the target's address of that family, a dns check asks for that family's records (A or AAAA; the
 * DNS server itself may be reached over either). What decides whether a family can be honoured is the
 * target: kubeknock can pick the address of an actor, of selected pods and of a Service (its
 * ClusterIPs), but not of a name the probe resolves itself, since BusyBox nc and wget have no -4/-6.
 */
import { assertNever } from '../model/assert-never.js';
import { familyOfAddress, familyText, IP_FAMILIES, type FamilyRequest, type IpFamily } from '../model/family.js';
import type { Target } from '../model/scenario.js';

export type FamilyChoice =
  /** One entry per check to make: `undefined` is the primary address (no family asked). */
  | { readonly ok: true; readonly families: readonly (IpFamily | undefined)[] }
  | { readonly ok: false; readonly problem: string };

const NO_FAMILY: FamilyChoice = { ok: true, families: [undefined] };

/**
 * `written` is the check's own `family`; `inherited` is spec.defaults.family. The default only applies
 * where kubeknock picks the address: a host or URL check keeps the family of the address written in
 * it, so one scenario-wide default never contradicts a literal.
 */
export function checkFamilies(written: FamilyRequest | undefined, inherited: FamilyRequest | undefined, target: Target): FamilyChoice {
  if (written === undefined) {
    if (inherited === undefined || writtenAddress(target) !== undefined) return NO_FAMILY;
    return { ok: true, families: expand(inherited) };
  }
  const address = writtenAddress(target);
  if (address === undefined) return { ok: true, families: expand(written) };
  const own = familyOfAddress(address);
  if (own === undefined) {
    return {
      ok: false,
      problem:
        `family: ${written} needs an address kubeknock picks, and "${address}" is a name the probe resolves itself (BusyBox nc and wget cannot be told a family); ` +
        'write the IP address of the family you mean, or remove "family"',
    };
  }
  if (written === 'both') {
    return { ok: false, problem: `family: both needs a target with an address of each family, and ${address} is an ${familyText(own)} address; write one check per address, or remove "family"` };
  }
  if (written !== own) {
    return { ok: false, problem: `family: ${written} contradicts ${address}, an ${familyText(own)} address; write an ${familyText(written)} address, or "family: ${own}"` };
  }
  return { ok: true, families: [written] };
}

function expand(request: FamilyRequest): readonly IpFamily[] {
  return request === 'both' ? IP_FAMILIES : [request];
}

/** The host written in the check (a `host` target, a URL's host), or undefined when kubeknock picks the address. */
function writtenAddress(target: Target): string | undefined {
  switch (target.type) {
    case 'host':
      return target.host;
    case 'url':
      return new URL(target.url).hostname.replace(/^\[(.*)\]$/, '$1');
    case 'actor':
    case 'pods':
    case 'service':
    case 'dns':
      return undefined;
    default:
      return assertNever(target, 'target');
  }
}
