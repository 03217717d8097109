/**
 * Every cell of a diff, as flat typed arrays rather than objects: 1,000 workloads with two ports each
 * make two million cells, judged once per policy state. Cells run source by source (a source's cells
 * are one contiguous row), then destination, then the destination's ports in order; a column index
 * lists each destination's cells, so the cells a policy can change are found without a scan.
 */
import { PROTOCOLS, type Protocol } from '../policy/index.js';
import type { Cell, Party } from './types.js';

export interface CellGrid {
  readonly size: number;
  /** Party index of the source and the destination of cell i. */
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly port: Uint16Array;
  /** Index into PROTOCOLS. */
  readonly protocol: Uint8Array;
  /** The cells of source s are rowStart[s] ≤ i < rowStart[s + 1]. */
  readonly rowStart: Int32Array;
  /** The cells to destination d are column[columnStart[d]] … column[columnStart[d + 1] - 1]. */
  readonly columnStart: Int32Array;
  readonly column: Int32Array;
}

export function buildGrid(parties: readonly Party[]): CellGrid {
  const receives = (source: number, destination: number): boolean => source !== destination || parties[source]?.selfCells === true;
  let size = 0;
  parties.forEach((source, s) => {
    if (!source.sends) return;
    parties.forEach((destination, d) => {
      if (receives(s, d)) size += destination.doors.length;
    });
  });
  const from = new Int32Array(size);
  const to = new Int32Array(size);
  const port = new Uint16Array(size);
  const protocol = new Uint8Array(size);
  const rowStart = new Int32Array(parties.length + 1);
  const perColumn = new Int32Array(parties.length + 1);
  let cell = 0;
  parties.forEach((source, s) => {
    rowStart[s] = cell;
    if (!source.sends) return;
    parties.forEach((destination, d) => {
      if (!receives(s, d)) return;
      for (const door of destination.doors) {
        from[cell] = s;
        to[cell] = d;
        port[cell] = door.port;
        protocol[cell] = PROTOCOLS.indexOf(door.protocol);
        cell += 1;
      }
      perColumn[d + 1] = (perColumn[d + 1] ?? 0) + destination.doors.length;
    });
  });
  rowStart[parties.length] = cell;
  const columnStart = new Int32Array(parties.length + 1);
  for (let d = 0; d < parties.length; d += 1) columnStart[d + 1] = (columnStart[d] ?? 0) + (perColumn[d + 1] ?? 0);
  const column = new Int32Array(size);
  const filled = columnStart.slice(0, parties.length);
  for (let i = 0; i < size; i += 1) {
    const d = to[i] ?? 0;
    column[filled[d] ?? 0] = i;
    filled[d] = (filled[d] ?? 0) + 1;
  }
  return { size, from, to, port, protocol, rowStart, columnStart, column };
}

export function protocolOf(grid: CellGrid, index: number): Protocol {
  return PROTOCOLS[grid.protocol[index] ?? 0] ?? 'TCP';
}

export function cellAt(grid: CellGrid, parties: readonly Party[], index: number): Cell {
  return {
    from: parties[grid.from[index] ?? 0]?.label ?? '',
    to: parties[grid.to[index] ?? 0]?.label ?? '',
    port: grid.port[index] ?? 0,
    protocol: protocolOf(grid, index),
  };
}

/** The cell from party `source` to port/protocol of party `destination`, or -1 when the destination does not serve it. */
export function findCell(grid: CellGrid, source: number, destination: number, port: number, protocol: Protocol): number {
  const wanted = PROTOCOLS.indexOf(protocol);
  for (let i = grid.rowStart[source] ?? 0; i < (grid.rowStart[source + 1] ?? 0); i += 1) {
    if (grid.to[i] === destination && grid.port[i] === port && grid.protocol[i] === wanted) return i;
  }
  return -1;
}
