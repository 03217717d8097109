/**
 * Picking the address of the family a check asked for, among what the cluster gave a pod
 * (`status.podIPs`) or a Service (`spec.clusterIPs`). A family the cluster does not give is an error
 * of the run, never a failed or skipped check: it says nothing about NetworkPolicy.
 */
import { familyOfAddress, familyText, type IpFamily, type ResultFamily } from '../model/family.js';
import { everyCheck, type Check, type Scenario } from '../model/scenario.js';

/** The cluster has no address of the family a check asked for. */
export class FamilyUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FamilyUnavailableError';
  }
}

export function addressOfFamily(addresses: readonly string[], family: IpFamily): string | undefined {
  return addresses.find((address) => (familyOfAddress(address) ?? placeholderFamily(address)) === family);
}

/** `<backend-pod-ipv6>`: the stand-in addresses of a dry run (src/app/dry-run.ts) say their family in their name. */
function placeholderFamily(address: string): IpFamily | undefined {
  const match = /^<.*-(ipv4|ipv6)>$/.exec(address);
  return match?.[1] === 'ipv4' || match?.[1] === 'ipv6' ? match[1] : undefined;
}

/** The family a probe knocking on `host` uses: the one asked for, else the literal's, else none (a name). */
export function familyOfProbe(check: Pick<Check, 'family'>, host: string): ResultFamily {
  return check.family ?? familyOfAddress(host) ?? 'unspecified';
}

/** `no IPv6 address (its addresses: 10.244.0.5)`, for the messages of the error above. */
export function missingFamilyText(family: IpFamily, addresses: readonly string[]): string {
  return `no ${familyText(family)} address (its addresses: ${addresses.length > 0 ? addresses.join(', ') : 'none'})`;
}

/** `c3 (shop.yaml:12)`: the check that asked. */
export function checkAt(check: Pick<Check, 'id' | 'source'>): string {
  return `${check.id} (${check.source.file}:${check.source.line})`;
}

/**
 * Actors some check (of any step) knocks on over IPv6: their probe pods must listen on `::`. Besides
 * the actors named as targets, that is every serving actor (`serve: true`) in the namespace of a
 * Service reached over IPv6: it may be one of the Service's backends, and the Service's selector is
 * the cluster's to apply.
 */
export function actorsReachedOverIpv6(scenario: Scenario): ReadonlySet<string> {
  const servingIn = (namespace: string): string[] => [...scenario.actors.values()].filter((a) => a.serve && a.namespace === namespace).map((a) => a.name);
  return new Set(
    everyCheck(scenario).flatMap((check) => {
      if (check.family !== 'ipv6') return [];
      if (check.to.type === 'actor') return [check.to.actor];
      if (check.to.type === 'service') return servingIn(check.to.namespace);
      return [];
    }),
  );
}
