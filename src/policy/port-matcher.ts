/** Whether a rule's `ports` list admits a port and protocol on a given destination. */
import type { CompiledPod } from './compiled.js';
import type { PortSpec, Protocol } from './types.js';
import { assertNever } from '../model/assert-never.js';

/**
 * Index of the first `ports` entry that admits (port, protocol) on `destination`, or -1.
 * Kubernetes rules: protocol defaults to TCP (applied when decoding); an entry without a port admits
 * every port of its protocol; `endPort` makes an inclusive range; a named port is looked up on the
 * DESTINATION pod's container ports by name and protocol, so it never matches an address outside the
 * cluster, nor a pod that does not declare it.
 */
export function matchingPortEntry(
  ports: readonly PortSpec[],
  port: number,
  protocol: Protocol,
  destination: CompiledPod | undefined,
): number {
  return ports.findIndex((entry) => portEntryMatches(entry, port, protocol, destination));
}

export function portEntryMatches(entry: PortSpec, port: number, protocol: Protocol, destination: CompiledPod | undefined): boolean {
  if (entry.protocol !== protocol) return false;
  switch (entry.type) {
    case 'all-ports':
      return true;
    case 'number':
      return entry.endPort === undefined ? port === entry.port : port >= entry.port && port <= entry.endPort;
    case 'named':
      return destination?.namedPorts.get(`${protocol}/${entry.name}`) === port;
    default:
      return assertNever(entry, 'port entry');
  }
}

export function describePortEntry(entry: PortSpec): string {
  switch (entry.type) {
    case 'all-ports':
      return `any ${entry.protocol} port`;
    case 'number':
      return `${entry.protocol} ${entry.endPort === undefined ? entry.port : `${entry.port}-${entry.endPort}`}`;
    case 'named':
      return `${entry.protocol} named port "${entry.name}"`;
    default:
      return assertNever(entry, 'port entry');
  }
}
