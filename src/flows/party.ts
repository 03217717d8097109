/**
 * Flow parties in words and as sort keys, shared by the flows file, diff, discover and propose.
 *
 * API: `describeParty(party)`, `describeFlow(flow)`, `compareFlows(a, b)`, `sortFlows(flows)`.
 */
import { assertNever } from '../model/assert-never.js';
import type { Flow, FlowParty } from './types.js';

/** `obsdemo/app=backend`, `node kk-node1`, `external 203.0.113.9`: one line for messages and comments. */
export function describeParty(party: FlowParty | undefined): string {
  if (party === undefined) return 'unknown backend';
  switch (party.kind) {
    case 'workload':
      return party.identity;
    case 'node':
      return `node ${party.name}`;
    case 'external':
      return `external ${party.address}`;
    default:
      return assertNever(party, 'flow party');
  }
}

/** `obsdemo/app=backend → obsdemo/app=postgres:5432/TCP (via Service obsdemo/pg:5432)`. */
export function describeFlow(flow: Flow): string {
  const via = flow.via ? ` (via Service ${flow.via.namespace}/${flow.via.name}:${flow.via.port})` : '';
  return `${describeParty(flow.source)} → ${describeParty(flow.destination)}:${flow.port}/${flow.protocol}${via}`;
}

/** The document's order: source, destination, port, protocol (then the Service dialled, for a stable tie-break). */
export function compareFlows(a: Flow, b: Flow): number {
  return compareKeys(keysOf(a), keysOf(b));
}

/** Sorted as compareFlows sorts, each flow's keys made once (a window can hold tens of thousands of flows). */
export function sortFlows(flows: readonly Flow[]): Flow[] {
  return flows
    .map(keysOf)
    .sort(compareKeys)
    .map((keys) => keys.flow);
}

interface FlowKeys {
  readonly flow: Flow;
  readonly source: string;
  readonly destination: string;
  readonly via: string;
}

function keysOf(flow: Flow): FlowKeys {
  return { flow, source: partyKey(flow.source), destination: partyKey(flow.destination), via: viaKey(flow) };
}

function compareKeys(a: FlowKeys, b: FlowKeys): number {
  return compareText(a.source, b.source) || compareText(a.destination, b.destination) || a.flow.port - b.flow.port || compareText(a.flow.protocol, b.flow.protocol) || compareText(a.via, b.via);
}

function partyKey(party: FlowParty | undefined): string {
  if (party === undefined) return '~';
  switch (party.kind) {
    case 'workload':
      return `0 ${party.identity}`;
    case 'node':
      return `1 ${party.name}`;
    case 'external':
      return `2 ${party.address}`;
    default:
      return assertNever(party, 'flow party');
  }
}

function viaKey(flow: Flow): string {
  return flow.via ? `${flow.via.namespace}/${flow.via.name}:${flow.via.port}` : '';
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
