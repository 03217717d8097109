/**
 * What the scenarios expect of the cells: each actor → actor check with a written `allow` or `deny`
 * lands on its cell. Other checks are left out, with a note that counts them: a Service, URL or DNS
 * name is resolved by the cluster at run time (the DNS pods' own cells stand for DNS), and host and
 * pod-selector targets need addresses and pods that only a live run has.
 */
import { assertNever } from '../model/assert-never.js';
import { checkProtocol, type Scenario, type Target } from '../model/scenario.js';
import { findCell, type CellGrid } from './grid.js';
import type { ExpectedVerdict } from './types.js';

export interface CellExpectations {
  readonly expected: ReadonlyMap<number, readonly ExpectedVerdict[]>;
  readonly notes: readonly string[];
}

export function scenarioExpectations(scenarios: readonly Scenario[], actorParty: readonly ReadonlyMap<string, number>[], grid: CellGrid): CellExpectations {
  const expected = new Map<number, ExpectedVerdict[]>();
  const notes: string[] = [];
  scenarios.forEach((scenario, index) => {
    const parties = actorParty[index] ?? new Map<string, number>();
    const leftOut = new Map<string, number>();
    for (const check of scenario.checks) {
      const target = check.to;
      if (target.type !== 'actor') {
        leftOut.set(target.type, (leftOut.get(target.type) ?? 0) + 1);
        continue;
      }
      if (check.expect === 'policy') continue;
      // The loader only accepts a check on a port its actor listens on, so only an actor's check on
      // itself has no cell: loopback, which CNIs treat differently.
      const cell = findCell(grid, parties.get(check.from) ?? -1, parties.get(target.actor) ?? -1, target.port, checkProtocol(check.kind));
      if (cell < 0) {
        leftOut.set('loopback', (leftOut.get('loopback') ?? 0) + 1);
        continue;
      }
      const list = expected.get(cell) ?? [];
      list.push({ scenario: scenario.name, check: check.name, expect: check.expect, file: check.source.file, line: check.source.line });
      expected.set(cell, list);
    }
    if (leftOut.size > 0) {
      const total = [...leftOut.values()].reduce((sum, count) => sum + count, 0);
      const counts = [...leftOut].map(([type, count]) => `${count} ${type === 'loopback' ? 'actor to itself' : describeType(type as Target['type'])}`).join(', ');
      const dns = leftOut.has('dns') ? '; the cells to the DNS pods stand for the dns checks' : '';
      notes.push(`scenario ${scenario.name}: ${total} check${total === 1 ? '' : 's'} left out (${counts}): diff judges actor → actor checks only${dns}`);
    }
  });
  return { expected, notes };
}

function describeType(type: Target['type']): string {
  switch (type) {
    case 'dns':
      return 'dns';
    case 'service':
      return 'Service';
    case 'url':
      return 'url';
    case 'host':
      return 'host';
    case 'pods':
      return 'pod-selector';
    case 'actor':
      return 'actor';
    default:
      return assertNever(type, 'target type');
  }
}
