/** A flow in one comment line: who, where, how often, when last (the facts a reviewer weighs). */
import { familyText } from '../../model/family.js';
import { assertNever } from '../../model/assert-never.js';
import type { Flow, FlowParty } from '../types.js';

/** `name` gives a workload party's short name (`obsdemo/postgres`). */
export function flowText(flow: Flow, name: (party: Extract<FlowParty, { kind: 'workload' }>) => string): string {
  const to = flow.destination === undefined ? 'an unknown backend' : partyText(flow.destination, name);
  const via = flow.via === undefined ? '' : ` via Service ${flow.via.namespace}/${flow.via.name}:${flow.via.port}`;
  const port = `${flow.port}/${flow.protocol}${flow.portName === undefined ? '' : ` (${flow.portName})`}`;
  const families = flow.families.map(familyText).join('+');
  return `${partyText(flow.source, name)} → ${to} ${port}${via}: ${flow.samples} sample${flow.samples === 1 ? '' : 's'}${families === '' ? '' : `, ${families}`}, last seen ${flow.lastSeen}`;
}

export function partyText(party: FlowParty, name: (party: Extract<FlowParty, { kind: 'workload' }>) => string): string {
  switch (party.kind) {
    case 'workload':
      return name(party);
    case 'node':
      return `node ${party.name}`;
    case 'external':
      return party.address;
    default:
      return assertNever(party, 'flow party');
  }
}
