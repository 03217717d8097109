/**
 * Deterministic policy names: `kubeknock-proposed-<workload>`, a DNS label of at most 63 characters
 * (a longer one keeps its start plus a hash of the whole, so two long names stay apart); a clash gets
 * `-2`, `-3` in the order the caller gives (sorted identity keys). Same flows, same names.
 */
import { dnsLabel, shortenName, uniqueName } from '../../discover/names.js';

export const NAME_PREFIX = 'kubeknock-proposed-';
export const DEFAULT_DENY_NAME = `${NAME_PREFIX}default-deny`;
export const DNS_NAME = `${NAME_PREFIX}dns`;
const MAX_NAME = 63;

export function policyNames(bases: readonly string[]): string[] {
  const used = new Set([DEFAULT_DENY_NAME, DNS_NAME]);
  return bases.map((base) => uniqueName(shortenName(`${NAME_PREFIX}${dnsLabel(base, 'workload')}`, MAX_NAME), MAX_NAME, used));
}
