/** Renderers for a predicted truth table: the JSON object of `predict -o json`, and the terminal table. */
import Table from 'cli-table3';
import { matrixCell, type MatrixCell, type PolicyMatrix } from '../policy/index.js';
import { painter } from './ansi.js';
import type { RenderOptions } from './render-options.js';
import { visible } from './sanitize.js';

/**
 * Exactly one JSON object: `{"port":80,"protocol":"TCP","results":[{"from","to","verdict","ingress","egress","loopback"}…]}`,
 * one result per ordered pair of pods. Written row by row so a 1,000-pod table never sits in memory as text.
 */
export function writeMatrixJson(matrix: PolicyMatrix, write: (text: string) => void): void {
  write(`{"port":${matrix.port},"protocol":${JSON.stringify(matrix.protocol)},"results":[`);
  const n = matrix.pods.length;
  for (let from = 0; from < n; from += 1) {
    const row: string[] = [];
    for (let to = 0; to < n; to += 1) row.push(JSON.stringify(matrixCell(matrix, from, to)));
    write(`${from === 0 ? '\n' : ',\n'}${row.join(',\n')}`);
  }
  write(']}\n');
}

export const MATRIX_LEGEND = '✓ allow   ✗ deny (in: the destination\'s ingress, eg: the source\'s egress)   ↺ loopback: CNIs differ, report apart';

export function renderMatrixTable(matrix: PolicyMatrix, options: RenderOptions): string {
  const paint = painter(options.color);
  if (matrix.pods.length === 0) return 'No pods in the input: nothing to predict.\n';
  // Pod names come from the manifests: shown with their control characters made visible.
  const pods = matrix.pods.map(visible);
  const table = new Table({
    head: [`from \\ to  (${matrix.protocol}/${matrix.port})`, ...pods].map((text) => paint('bold', text)),
    style: { head: [], border: [] },
  });
  pods.forEach((from, i) => {
    table.push([from, ...matrix.pods.map((_to, j) => cellText(matrixCell(matrix, i, j), paint))]);
  });
  return `${table.toString()}\n${paint('dim', MATRIX_LEGEND)}\n`;
}

function cellText(cell: MatrixCell, paint: ReturnType<typeof painter>): string {
  const loop = cell.loopback ? ' ↺' : '';
  if (cell.verdict === 'allow') return paint(cell.loopback ? 'dim' : 'green', `✓${loop}`);
  const which = cell.ingress === 'deny' && cell.egress === 'deny' ? 'in+eg' : cell.ingress === 'deny' ? 'in' : 'eg';
  return paint(cell.loopback ? 'dim' : 'red', `✗ ${which}${loop}`);
}
