/** Renderers for a predicted truth table: the JSON object of `predict -o json`, and the terminal table. */
import Table from 'cli-table3';
import { matrixCell, type MatrixCell, type PolicyMatrix } from '../policy/index.js';
import { painter } from './ansi.js';
import { layoutGrid, widestLine, wrapEntries } from './compact-grid.js';
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
    for (let to = 0; to < n; to += 1) if (judged(matrix, to)) row.push(JSON.stringify(matrixCell(matrix, from, to)));
    write(`${from === 0 ? '\n' : ',\n'}${row.join(',\n')}`);
  }
  write(']}\n');
}

/** One port: the object above, unchanged. Several: exactly one object all the same, `{"tables":[{…},{…}]}`, one per port. */
export function writeMatricesJson(matrices: readonly PolicyMatrix[], write: (text: string) => void): void {
  const [only] = matrices;
  if (matrices.length === 1 && only) return writeMatrixJson(only, write);
  write('{"tables":[\n');
  matrices.forEach((matrix, index) => {
    if (index > 0) write(',\n');
    writeMatrixJson(matrix, (text) => write(text.endsWith(']}\n') ? text.slice(0, -1) : text));
  });
  write(']}\n');
}

export const MATRIX_LEGEND = '✓ allow   ✗ deny (in: the destination\'s ingress, eg: the source\'s egress)   ↺ loopback: CNIs differ, report apart';

/**
 * The full table when it fits `options.width` (or no width is given); else the compact form: pods
 * grouped by namespace, columns keyed `A1`, `A2`, `B1`… (namespace letter, pod number) as the rows say.
 */
export function renderMatrixTable(matrix: PolicyMatrix, options: RenderOptions): string {
  if (matrix.pods.length === 0) return 'No pods in the input: nothing to predict.\n';
  const full = renderFullTable(matrix, options);
  if (options.width === undefined || widestLine(full) <= options.width) return full;
  return renderCompactTable(matrix, options);
}

function renderFullTable(matrix: PolicyMatrix, options: RenderOptions): string {
  const paint = painter(options.color);
  const pods = visiblePods(matrix);
  const table = new Table({
    head: [`from \\ to  (${matrix.protocol}/${matrix.port})`, ...pods].map((text) => paint('bold', text)),
    style: { head: [], border: [] },
  });
  pods.forEach((from, i) => {
    table.push([from, ...matrix.pods.map((_to, j) => (judged(matrix, j) ? cellText(matrixCell(matrix, i, j), paint) : NOT_DECLARED))]);
  });
  const legend = hasUnknown(matrix) ? `${MATRIX_LEGEND}\n${UNKNOWN_LEGEND}` : MATRIX_LEGEND;
  const declared = matrix.destinations ? `\n${paint('dim', DECLARED_LEGEND)}` : '';
  return `${table.toString()}\n${paint('dim', legend)}${declared}\n`;
}

function renderCompactTable(matrix: PolicyMatrix, options: RenderOptions): string {
  const paint = painter(options.color);
  const pods = visiblePods(matrix);
  const groups = byNamespace(pods);
  const order = groups.flatMap((group) => group.pods);
  const columns = groups.flatMap((group) => group.pods.map((pod) => ({ key: pod.key, group: group.namespace })));
  const rows = groups.map((group) => ({
    title: paint('bold', `${group.letter} ${group.namespace}`),
    rows: group.pods.map((from) => ({
      label: `${from.key} ${from.name}`,
      cells: order.map((to) => (judged(matrix, to.index) ? compactCell(matrixCell(matrix, from.index, to.index), paint) : NOT_DECLARED)),
    })),
  }));
  const grid = layoutGrid(paint('bold', `from \\ to (${matrix.protocol}/${matrix.port})`), columns, rows);
  const first = groups[0]?.pods[0];
  const keys = first === undefined ? [] : [`columns are keyed as the rows (${first.key} = ${pods[first.index] ?? ''})`];
  const legend = [
    '✓ allow',
    '✗ deny by i: the destination\'s ingress, e: the source\'s egress, ie: both',
    '↺ loopback: CNIs differ, report apart',
    ...(hasUnknown(matrix) ? [UNKNOWN_LEGEND] : []),
    ...(matrix.destinations ? [DECLARED_LEGEND] : []),
    ...keys,
    '--wide: the full table',
  ];
  return `${[...grid, ...wrapEntries(legend, options.width).map((line) => paint('dim', line))].join('\n')}\n`;
}

const UNKNOWN_LEGEND = '? unknown: only an ipBlock could decide and a pod\'s IP is not in the input (explain names it)';

/** Cells the policies cannot decide without a pod's IP (value 2 in either direction). */
function hasUnknown(matrix: PolicyMatrix): boolean {
  return matrix.egress.includes(2) || matrix.ingress.includes(2);
}

const NOT_DECLARED = '·';
const DECLARED_LEGEND = '· the destination does not declare this port (--declared-ports)';

/** Whether column `to` is judged: every pod, or with --declared-ports only the pods declaring the port. */
function judged(matrix: PolicyMatrix, to: number): boolean {
  return matrix.destinations === undefined || matrix.destinations[to] === 1;
}

/** Pod names come from the manifests: shown with their control characters made visible. */
function visiblePods(matrix: PolicyMatrix): string[] {
  return matrix.pods.map(visible);
}

interface KeyedPod {
  readonly index: number;
  readonly key: string;
  readonly name: string;
}

interface NamespaceGroup {
  readonly letter: string;
  readonly namespace: string;
  readonly pods: KeyedPod[];
}

/** Namespaces in order of first appearance, lettered A, B, … Z, AA, AB…; each pod numbered within its namespace. */
function byNamespace(pods: readonly string[]): NamespaceGroup[] {
  const groups = new Map<string, NamespaceGroup>();
  pods.forEach((pod, index) => {
    const slash = pod.indexOf('/');
    const namespace = slash < 0 ? '' : pod.slice(0, slash);
    const name = pod.slice(slash + 1);
    let group = groups.get(namespace);
    if (group === undefined) {
      group = { letter: letters(groups.size), namespace, pods: [] };
      groups.set(namespace, group);
    }
    group.pods.push({ index, key: `${group.letter}${group.pods.length + 1}`, name });
  });
  return [...groups.values()];
}

function letters(n: number): string {
  const letter = String.fromCharCode(65 + (n % 26));
  return n < 26 ? letter : `${letters(Math.floor(n / 26) - 1)}${letter}`;
}

function cellText(cell: MatrixCell, paint: ReturnType<typeof painter>): string {
  const loop = cell.loopback ? ' ↺' : '';
  if (cell.verdict === 'allow') return paint(cell.loopback ? 'dim' : 'green', `✓${loop}`);
  if (cell.verdict === 'unknown') return paint(cell.loopback ? 'dim' : 'yellow', `?${loop}`);
  const which = cell.ingress === 'deny' && cell.egress === 'deny' ? 'in+eg' : cell.ingress === 'deny' ? 'in' : 'eg';
  return paint(cell.loopback ? 'dim' : 'red', `✗ ${which}${loop}`);
}

function compactCell(cell: MatrixCell, paint: ReturnType<typeof painter>): string {
  const loop = cell.loopback ? '↺' : '';
  if (cell.verdict === 'allow') return paint(cell.loopback ? 'dim' : 'green', `✓${loop}`);
  if (cell.verdict === 'unknown') return paint(cell.loopback ? 'dim' : 'yellow', `?${loop}`);
  const which = cell.ingress === 'deny' && cell.egress === 'deny' ? 'ie' : cell.ingress === 'deny' ? 'i' : 'e';
  return paint(cell.loopback ? 'dim' : 'red', `✗${which}${loop}`);
}
