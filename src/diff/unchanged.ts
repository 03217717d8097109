/**
 * What a diff leaves open: the source → destination pairs with a port allowed in both states. A
 * picture of the changes reads only against them (a cut among twenty open connections of a workload
 * is not a cut of its only one); the table and JSON of a diff list changes only and do not use this.
 */
import { protocolOf } from './grid.js';
import type { Universe } from './universe.js';
import { ALLOWED } from './verdicts.js';

export interface UnchangedPair {
  readonly from: string;
  readonly to: string;
  /** The ports allowed before and after, `TCP/80` in the destination's order. */
  readonly doors: readonly string[];
}

export interface UnchangedAllowed {
  /** In grid order (source, then destination), at most the cap given. */
  readonly pairs: readonly UnchangedPair[];
  /** Every such pair, listed or not, so a picture can say how many more there are. */
  readonly total: number;
}

/** The pairs with a cell allowed in both states; a cell unknown in either state is left out, as compareStates does. */
export function unchangedAllowed(universe: Universe, beforeBits: Uint8Array, afterBits: Uint8Array, cap: number): UnchangedAllowed {
  const { grid, parties } = universe;
  const pairs: UnchangedPair[] = [];
  let total = 0;
  let last = -1;
  // Past the cap only counted: a million open pairs must not make a million lists.
  let doors: string[] | undefined;
  // A pair's cells are contiguous in the grid (one source row, destination by destination).
  for (let cell = 0; cell < grid.size; cell += 1) {
    if (beforeBits[cell] !== ALLOWED || afterBits[cell] !== ALLOWED) continue;
    const from = grid.from[cell] ?? 0;
    const to = grid.to[cell] ?? 0;
    const pair = from * parties.length + to;
    if (pair !== last) {
      last = pair;
      total += 1;
      doors = pairs.length < cap ? [] : undefined;
      if (doors) pairs.push({ from: parties[from]?.label ?? '', to: parties[to]?.label ?? '', doors });
    }
    doors?.push(`${protocolOf(grid, cell)}/${grid.port[cell] ?? 0}`);
  }
  return { pairs, total };
}
