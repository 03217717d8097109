/**
 * The graph as a Mermaid flowchart (GitHub renders it in Markdown). Ids are generated; labels are user
 * data, so every character outside a small safe set becomes a numeric entity (`#60;`), which Mermaid
 * decodes for display: no label can close its bracket, start a directive or inject HTML.
 */
import { oneLine } from '../sanitize.js';
import { edgeStyle } from './style.js';
import { namespacesOf, type GraphEdge, type GraphSection } from './types.js';

export interface MermaidOptions {
  /** Edges drawn at most; the rest are counted in a "N more" node. Absent: all. */
  readonly maxEdges?: number;
  /** Draw only nodes that some drawn edge touches (a diff's picture of what changed). */
  readonly connectedOnly?: boolean;
}

export function mermaidText(text: string): string {
  return `"${oneLine(text).replace(/[^A-Za-z0-9 ._:/,+=@()-]/gu, (char) => `#${char.codePointAt(0) ?? 63};`)}"`;
}

export function renderMermaidSection(section: GraphSection, options: MermaidOptions = {}): string {
  const limit = options.maxEdges ?? section.edges.length;
  const drawn: GraphEdge[] = section.edges.slice(0, limit);
  const more = section.edges.length - drawn.length + section.omittedEdges;
  const touched = new Set(drawn.flatMap((edge) => [edge.from, edge.to]));
  const nodes = options.connectedOnly ? section.nodes.filter((node) => touched.has(node.id)) : section.nodes;
  const ids = new Map(nodes.map((node, i) => [node.id, `n${i}`]));
  const lines = ['flowchart LR'];
  const nodeLine = (node: (typeof nodes)[number]): string => {
    const label = node.members.length > 0 ? `${node.label} (${node.members.length} members)` : node.label;
    const [open, close] = node.kind === 'dns' ? ['[(', ')]'] : node.kind === 'external' ? ['([', '])'] : node.kind === 'service' ? ['{{', '}}'] : ['[', ']'];
    return `${ids.get(node.id) ?? ''}${open}${mermaidText(label)}${close}`;
  };
  namespacesOf(nodes).forEach((namespace, group) => {
    lines.push(`  subgraph g${group}[${mermaidText(`namespace ${namespace}`)}]`);
    for (const node of nodes) if (node.namespace === namespace) lines.push(`    ${nodeLine(node)}`);
    lines.push('  end');
  });
  for (const node of nodes) if (node.namespace === undefined) lines.push(`  ${nodeLine(node)}`);
  const styles: string[] = [];
  drawn.forEach((edge, index) => {
    const style = edgeStyle(edge.result);
    const line = edge.expect === 'deny' && style.line === 'solid' ? 'dashed' : style.line;
    lines.push(`  ${ids.get(edge.from) ?? ''} -->|${mermaidText(`${edge.door} ${edge.result}`)}| ${ids.get(edge.to) ?? ''}`);
    styles.push(`  linkStyle ${index} stroke:${style.color},stroke-width:${style.width}px${line === 'solid' ? '' : ',stroke-dasharray:4 3'}`);
  });
  if (more > 0) lines.push(`  more[${mermaidText(`… ${more} more connection${more === 1 ? '' : 's'} not drawn`)}]`);
  return `${[...lines, ...styles].join('\n')}\n`;
}

/** Every section, one flowchart each, separated by a blank line (a multi-step run has several). */
export function renderMermaid(sections: readonly GraphSection[], options: MermaidOptions = {}): string {
  return sections.map((section) => renderMermaidSection(section, options)).join('\n');
}
