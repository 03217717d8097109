/**
 * The graph as Graphviz DOT: namespaces as clusters, edges coloured by result. Every id is generated
 * (n0, n1, …); user data appears only inside quoted labels, escaped, so a `"` or a newline in a label
 * cannot end the string or start a statement.
 */
import { oneLine } from '../sanitize.js';
import { edgeStyle } from './style.js';
import { namespacesOf, type Graph, type GraphNode, type GraphSection } from './types.js';

/** A DOT string literal: backslash and quote escaped, control characters made visible first. */
export function dotString(...lines: readonly string[]): string {
  return `"${lines.map((text) => oneLine(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('\\n')}"`;
}

export function renderDot(graph: Graph): string {
  return graph.sections.map((section, index) => sectionDot(graph, section, index)).join('\n');
}

const SHAPE: Readonly<Record<GraphNode['kind'], string>> = {
  workload: 'box',
  actor: 'box',
  class: 'box3d',
  service: 'hexagon',
  dns: 'cylinder',
  external: 'ellipse',
};

function sectionDot(graph: Graph, section: GraphSection, index: number): string {
  const ids = new Map(section.nodes.map((node, i) => [node.id, `n${i}`]));
  const title = section.title ? `${graph.title} · ${section.title}` : graph.title;
  const lines = [`digraph kubeknock${index} {`, `  label=${dotString(title)};`, '  labelloc=t;', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11, style="rounded,filled", fillcolor="#f8f9fa"];', '  edge [fontname="Helvetica", fontsize=9];'];
  const nodeLine = (node: GraphNode, indent: string): string => {
    const label = node.members.length > 0 ? dotString(node.label, `(${node.members.length} members)`) : dotString(node.label);
    return `${indent}${ids.get(node.id) ?? ''} [label=${label}, shape=${SHAPE[node.kind]}];`;
  };
  namespacesOf(section.nodes).forEach((namespace, group) => {
    lines.push(`  subgraph cluster_${group} {`, `    label=${dotString(`namespace ${namespace}`)};`, '    style="rounded"; color="#adb5bd";');
    for (const node of section.nodes) if (node.namespace === namespace) lines.push(nodeLine(node, '    '));
    lines.push('  }');
  });
  for (const node of section.nodes) if (node.namespace === undefined) lines.push(nodeLine(node, '  '));
  for (const edge of section.edges) {
    const style = edgeStyle(edge.result);
    const line = edge.expect === 'deny' && style.line === 'solid' ? 'dashed' : style.line;
    lines.push(`  ${ids.get(edge.from) ?? ''} -> ${ids.get(edge.to) ?? ''} [label=${dotString(edge.door)}, color="${style.color}", fontcolor="${style.color}", penwidth=${style.width}, style=${line}, tooltip=${dotString(style.text)}];`);
  }
  if (section.omittedEdges > 0) lines.push(`  more [label=${dotString(`${section.omittedEdges} more connections not drawn`)}, shape=note];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
