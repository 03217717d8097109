/**
 * A predicted truth table → graph. Pods that every other pod treats alike (same namespace, same row
 * and same column) form one class node listing its members, so a thousand replicas of
 * a few workloads draw as a few nodes. Only allowed cells become edges: in a policed cluster the
 * denied pairs are the background, and the matrix beside the graph still shows every cell.
 */
import { matrixCell, type PolicyMatrix } from '../../policy/index.js';
import type { EdgeCheck, Graph, GraphEdge, GraphNode } from './types.js';

/** Beyond this many edges the picture stops being readable; the rest are counted, not drawn. */
export const EDGE_CAP = 1500;

/** One picture of several truth tables (predict --port 80,443, --declared-ports): a section per port. */
export function graphOfMatrices(matrices: readonly PolicyMatrix[]): Graph {
  const graphs = matrices.map((matrix) => graphOfMatrix(matrix));
  const [only] = graphs;
  if (graphs.length === 1 && only !== undefined) return only;
  return {
    source: 'predict',
    title: `kubeknock predict: ${matrices.map((matrix) => `${matrix.protocol}/${matrix.port}`).join(', ')}`,
    sections: graphs.flatMap((graph) => graph.sections.map((section) => ({ ...section, title: graph.title.replace(/^kubeknock predict: /, '') }))),
  };
}

export function graphOfMatrix(matrix: PolicyMatrix, cap = EDGE_CAP): Graph {
  const classes = classesOf(matrix);
  const door = `${matrix.protocol}/${matrix.port}`;
  const nodes: GraphNode[] = classes.map((members, index) => {
    const first = matrix.pods[members[0] ?? 0] ?? '';
    const namespace = first.split('/')[0] ?? '';
    const names = members.map((pod) => matrix.pods[pod] ?? '');
    return {
      id: `c${index}`,
      label: names.length === 1 ? first.slice(namespace.length + 1) : `${first.slice(namespace.length + 1)} +${names.length - 1}`,
      kind: names.length === 1 ? 'workload' : 'class',
      namespace,
      members: names.length === 1 ? [] : names,
      details: names.length === 1 ? [first] : [`${names.length} pods the policies treat alike`],
      fullyOpen: fullyOpen(matrix, members[0] ?? 0),
    };
  });
  const edges: GraphEdge[] = [];
  let allowed = 0;
  classes.forEach((fromMembers, fromClass) => {
    classes.forEach((toMembers, toClass) => {
      const from = fromMembers[0] ?? 0;
      // Within a class, a pair of two members stands for the class (a lone member would be loopback).
      const to = fromClass === toClass ? toMembers[1] : toMembers[0];
      if (to === undefined) return;
      // --declared-ports: a destination that does not declare the port is not judged on it.
      if (matrix.destinations !== undefined && matrix.destinations[to] !== 1) return;
      const cell = matrixCell(matrix, from, to);
      if (cell.verdict !== 'allow') return;
      allowed += 1;
      if (edges.length >= cap) return;
      const check: EdgeCheck = {
        name: `${cell.from} → ${cell.to}`,
        kind: 'predicted',
        door,
        result: 'allow',
        facts: [['verdict', cell.verdict], ['egress of the source', cell.egress], ['ingress of the destination', cell.ingress], ['pairs', String(fromMembers.length * toMembers.length - (fromClass === toClass ? fromMembers.length : 0))]],
        attempts: [],
      };
      edges.push({ id: `e${edges.length}`, from: `c${fromClass}`, to: `c${toClass}`, door, result: 'allow', checks: [check] });
    });
  });
  const n = matrix.pods.length;
  return {
    source: 'predict',
    title: `kubeknock predict: ${door}`,
    sections: [
      {
        title: '',
        nodes,
        edges,
        summary: [
          ['Pods', String(n)],
          ['Classes', `${classes.length} (pods every policy treats alike are drawn as one node)`],
          ['Door', door],
          ['Allowed class pairs', String(allowed)],
        ],
        failures: [],
        notes: ['Edges are the allowed connections; a missing edge is a denied one.'],
        omittedEdges: allowed - edges.length,
      },
    ],
  };
}

/**
 * Whether every cell from and to a pod (its class shares its row and column) is allowed: a pod that
 * does not declare the port (--declared-ports) is judged only as a source.
 */
function fullyOpen(matrix: PolicyMatrix, pod: number): boolean {
  const n = matrix.pods.length;
  const judged = (destination: number): boolean => matrix.destinations === undefined || matrix.destinations[destination] === 1;
  const allowed = (cell: number): boolean => ((matrix.egress[cell] ?? 0) & (matrix.ingress[cell] ?? 0)) !== 0;
  for (let other = 0; other < n; other += 1) {
    if (other === pod) continue;
    if (judged(other) && !allowed(pod * n + other)) return false;
    if (judged(pod) && !allowed(other * n + pod)) return false;
  }
  return true;
}

/**
 * Pod indexes grouped by namespace, row and column, in first-seen order. The loopback cell is kept as
 * the engine judged it: policy does not single it out, so two look-alike pods have equal rows only
 * when it is.
 */
function classesOf(matrix: PolicyMatrix): number[][] {
  const n = matrix.pods.length;
  const groups = new Map<string, number[]>();
  for (let pod = 0; pod < n; pod += 1) {
    const namespace = (matrix.pods[pod] ?? '').split('/')[0] ?? '';
    let row = '';
    let column = '';
    for (let other = 0; other < n; other += 1) {
      const out = pod * n + other;
      const into = other * n + pod;
      row += (matrix.egress[out] ?? 0) & (matrix.ingress[out] ?? 0) ? '1' : '0';
      column += (matrix.egress[into] ?? 0) & (matrix.ingress[into] ?? 0) ? '1' : '0';
    }
    const key = `${namespace}\u0000${row}\u0000${column}`;
    const group = groups.get(key);
    if (group) group.push(pod);
    else groups.set(key, [pod]);
  }
  return [...groups.values()];
}
