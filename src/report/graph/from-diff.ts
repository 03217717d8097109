/**
 * A verdict diff → graph: every party a node (a party no change touches stays, drawn grey, so the
 * reader sees the whole picture), one edge per source → destination pair that changed, its ports
 * listed: cut (allow → deny) or opened (deny → allow). A pair with both cut and opened ports gives
 * one edge of each. The pairs allowed before and after follow as grey edges, so the changes are read
 * against what stays open; past the cap they are the first left out (changes come first).
 */
import type { CellChange, DiffResult, Party, UnchangedPair } from '../../diff/index.js';
import type { EdgeCheck, Graph, GraphEdge, GraphNode, GraphSection } from './types.js';

export function graphOfDiff(result: DiffResult, cap = 1500): Graph {
  const nodes: GraphNode[] = result.parties.map(partyNode);
  const changed = [...pairs('cut', result.diff.cut), ...pairs('opened', result.diff.opened)];
  const all = [...changed, ...result.unchanged.pairs.map(unchangedEdge)];
  const edges = all.slice(0, cap).map((edge, index) => ({ ...edge, id: `e${index}` }));
  // The diff keeps a capped list of unchanged pairs; the ones it did not keep are left out as well.
  const omittedEdges = all.length - edges.length + (result.unchanged.total - result.unchanged.pairs.length);
  const { cut, opened, judged } = result.diff;
  const policies = result.policies;
  return {
    source: 'diff',
    title: `kubeknock diff: ${cut.length} cut, ${opened.length} opened`,
    sections: [
      {
        title: '',
        nodes,
        edges,
        summary: [
          ['Connections judged', String(judged)],
          ['Cut (allow → deny)', String(cut.length)],
          ['Opened (deny → allow)', String(opened.length)],
          ['Unchanged', String(judged - cut.length - opened.length)],
          ['Pairs with a port open before and after (grey)', String(result.unchanged.total)],
          ['Policies', `${policies.current} current; ${policies.added.length} added, ${policies.replaced.length} replaced, ${policies.unchanged.length} unchanged`],
        ],
        failures: [...cut.map((change) => `cut: ${changeText(change)}`), ...opened.map((change) => `opened: ${changeText(change)}`)],
        notes: result.notes,
        omittedEdges,
      },
    ],
  };
}

function partyNode(party: Party): GraphNode {
  const labels = Object.entries(party.labels).map(([key, value]) => `${key}=${value}`).join(',');
  const name = party.label.startsWith(`${party.namespace}/`) ? party.label.slice(party.namespace.length + 1) : party.label;
  const kind = party.kind === 'dns' ? 'dns' : party.kind === 'actor' ? 'actor' : party.standsFor.length > 1 ? 'class' : 'workload';
  return {
    id: party.label,
    label: party.kind === 'dns' ? 'DNS' : name,
    kind,
    ...(party.kind === 'dns' ? {} : { namespace: party.namespace }),
    members: party.standsFor.length > 1 ? [...party.standsFor] : [],
    details: [...party.standsFor, ...(labels ? [`labels ${labels}`] : []), `doors ${party.doors.map((door) => `${door.protocol}/${door.port}`).join(', ') || 'none'}`],
  };
}

function pairs(result: 'cut' | 'opened', changes: readonly CellChange[]): Omit<GraphEdge, 'id'>[] {
  const byPair = new Map<string, CellChange[]>();
  for (const change of changes) {
    const key = `${change.cell.from}\u0000${change.cell.to}`;
    const list = byPair.get(key);
    if (list) list.push(change);
    else byPair.set(key, [change]);
  }
  return [...byPair.values()].map((list) => {
    const first = list[0] as CellChange;
    return {
      from: first.cell.from,
      to: first.cell.to,
      door: list.map((change) => `${change.cell.protocol}/${change.cell.port}`).join(', '),
      result,
      checks: list.map((change) => changeCheck(result, change)),
    };
  });
}

function unchangedEdge(pair: UnchangedPair): Omit<GraphEdge, 'id'> {
  const door = pair.doors.join(', ');
  return {
    from: pair.from,
    to: pair.to,
    door,
    result: 'unchanged',
    checks: [{ name: `${pair.from} → ${pair.to} ${door}`, kind: 'unchanged', door, result: 'unchanged', facts: [['verdict', 'allow before and after']], attempts: [] }],
  };
}

function changeCheck(result: 'cut' | 'opened', change: CellChange): EdgeCheck {
  const door = `${change.cell.protocol}/${change.cell.port}`;
  return {
    name: `${change.cell.from} → ${change.cell.to} ${door}`,
    kind: result,
    door,
    result,
    facts: [
      ['egress of the source', `${change.egress.before} → ${change.egress.after}`],
      ['ingress of the destination', `${change.ingress.before} → ${change.ingress.after}`],
      ['responsible', change.responsible.map((ref) => `${ref.namespace}/${ref.name}${ref.file ? ` (${ref.file}:${ref.line ?? 0})` : ''}`).join(', ') || 'none'],
      ...change.expected.map((expected): [string, string] => [`scenario ${expected.scenario}`, `${expected.check} expects ${expected.expect} (${expected.file}:${expected.line})`]),
    ],
    attempts: [],
  };
}

function changeText(change: CellChange): string {
  const by = change.responsible.map((ref) => `${ref.namespace}/${ref.name}`).join(', ');
  return `${change.cell.from} → ${change.cell.to} ${change.cell.protocol}/${change.cell.port}${by ? ` (${by})` : ''}`;
}

/**
 * The same changes with one node per namespace and one edge per namespace pair and result, labelled
 * with its count: a diff too large to draw pair by pair still reads at a glance.
 */
export function groupedByNamespace(section: GraphSection): GraphSection {
  const namespaceOf = new Map(section.nodes.map((node) => [node.id, node.namespace ?? node.label]));
  const groups = new Map<string, { from: string; to: string; result: GraphEdge['result']; connections: number }>();
  for (const edge of section.edges) {
    const from = namespaceOf.get(edge.from) ?? edge.from;
    const to = namespaceOf.get(edge.to) ?? edge.to;
    const key = `${from}\u0000${to}\u0000${edge.result}`;
    const group = groups.get(key) ?? { from, to, result: edge.result, connections: 0 };
    group.connections += edge.checks.length;
    groups.set(key, group);
  }
  const names = [...new Set([...groups.values()].flatMap((group) => [group.from, group.to]))].sort();
  return {
    ...section,
    nodes: names.map((name) => ({ id: `ns:${name}`, label: name, kind: 'class', members: [], details: [] })),
    edges: [...groups.values()].map((group, index) => ({
      id: `g${index}`,
      from: `ns:${group.from}`,
      to: `ns:${group.to}`,
      door: `${group.connections} connection${group.connections === 1 ? '' : 's'}`,
      result: group.result,
      checks: [],
    })),
  };
}
