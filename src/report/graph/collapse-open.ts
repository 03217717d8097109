/**
 * Large pictures: the workloads nothing isolates are the bulk of most clusters and say nothing a
 * reader looks for (every door to and from them is open), so they are drawn as one node per namespace,
 * their edges merged by result. The page starts collapsed past LARGE_GRAPH_EDGES and can expand them.
 */
import type { EdgeResult, GraphEdge, GraphNode, GraphSection } from './types.js';

/** Past this many edges a page starts with expected denies hidden and fully open workloads collapsed (viewer.js uses the same number). */
export const LARGE_GRAPH_EDGES = 80;

const ALLOWED_RESULTS: ReadonlySet<EdgeResult> = new Set(['met-allow', 'allow']);
const WORKLOAD_KINDS: ReadonlySet<GraphNode['kind']> = new Set(['workload', 'actor', 'class']);

export interface CollapsedView {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/**
 * The nodes of a run whose every edge, in and out, was allowed and seen allowed, marked fullyOpen: a
 * run knows no policies, only what it knocked on, so this is as far as it can tell.
 */
export function markOpenByEdges(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): GraphNode[] {
  const touched = new Set<string>();
  const closed = new Set<string>();
  for (const edge of edges) {
    for (const end of [edge.from, edge.to]) {
      touched.add(end);
      if (!ALLOWED_RESULTS.has(edge.result)) closed.add(end);
    }
  }
  return nodes.map((node) => (WORKLOAD_KINDS.has(node.kind) && touched.has(node.id) && !closed.has(node.id) ? { ...node, fullyOpen: true } : node));
}

/** The section with its fully open workloads collapsed, or undefined when no namespace has two of them. */
export function collapseOpen(section: GraphSection): CollapsedView | undefined {
  const byNamespace = new Map<string, GraphNode[]>();
  for (const node of section.nodes) {
    if (node.fullyOpen !== true || node.namespace === undefined || !WORKLOAD_KINDS.has(node.kind)) continue;
    const list = byNamespace.get(node.namespace);
    if (list) list.push(node);
    else byNamespace.set(node.namespace, [node]);
  }
  const into = new Map<string, string>();
  const groups: GraphNode[] = [];
  for (const [namespace, members] of byNamespace) {
    if (members.length < 2) continue;
    const id = `open:${namespace}`;
    for (const member of members) into.set(member.id, id);
    groups.push({
      id,
      label: `${members.length} fully open workloads`,
      kind: 'class',
      namespace,
      members: members.flatMap((member) => (member.members.length > 0 ? member.members : [`${namespace}/${member.label}`])),
      details: [`${members.length} nodes nothing isolates: every door to and from them is allowed`, 'untick "collapse fully open workloads" to draw them one by one'],
    });
  }
  if (groups.length === 0) return undefined;
  const merged = new Map<string, { edge: GraphEdge; doors: string[]; checks: GraphEdge['checks'][number][] }>();
  for (const edge of section.edges) {
    const from = into.get(edge.from) ?? edge.from;
    const to = into.get(edge.to) ?? edge.to;
    if (from === edge.from && to === edge.to) {
      merged.set(`edge\u0000${edge.id}`, { edge, doors: [], checks: [] });
      continue;
    }
    const key = `${from}\u0000${to}\u0000${edge.result}\u0000${edge.expect ?? ''}`;
    const group = merged.get(key) ?? { edge: { ...edge, id: `open-e${merged.size}`, from, to }, doors: [], checks: [] };
    for (const door of edge.door.split(', ')) if (!group.doors.includes(door)) group.doors.push(door);
    group.checks.push(...edge.checks);
    merged.set(key, group);
  }
  return {
    nodes: [...section.nodes.filter((node) => !into.has(node.id)), ...groups],
    edges: [...merged.values()].map(({ edge, doors, checks }) => (doors.length === 0 ? edge : { ...edge, door: doors.join(', '), checks })),
  };
}
