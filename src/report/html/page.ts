/**
 * The self-contained HTML report: the summary and the failure list rendered on the server (they work
 * without JavaScript), the graph data as JSON, and the bundled viewer (cytoscape + dagre + viewer.js),
 * all in one file. The Content-Security-Policy allows nothing but that one script (by hash), inline
 * styles and data: images, so the page can make no request of any kind when opened.
 */
import { collapseOpen, LARGE_GRAPH_EDGES } from '../graph/collapse-open.js';
import { edgeStyle, type EdgeStyle } from '../graph/style.js';
import { EDGE_RESULTS, type EdgeResult, type Graph, type GraphSection } from '../graph/types.js';
import { cleanText } from '../sanitize.js';

/** What the build bundles (scripts/build-html-assets.mjs writes it to dist/report/html-assets.json). */
export interface HtmlAssets {
  readonly script: string;
  readonly scriptSha256: string;
  readonly style: string;
}

export function escapeHtml(text: string): string {
  return cleanText(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * JSON for a `<script type="application/json">` block: every `<` becomes `\u003c` (so no `</script>`
 * or `<!--` in a label can end the block or change the parser's state), and U+2028/U+2029 are escaped
 * as well. JSON.parse reads all of them back unchanged.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function renderHtml(graph: Graph, assets: HtmlAssets): string {
  // Scripts: only the bundle, by hash. Styles: inline, because cytoscape injects a <style> element of
  // its own at run time; that is harmless here, since a style sheet could only leak data through a
  // request (a font, an image) and default-src 'none' with img-src data: forbids every one of them.
  const csp = `default-src 'none'; script-src 'sha256-${assets.scriptSha256}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  const failures = graph.sections.reduce((sum, section) => sum + section.edges.filter((edge) => isBad(edge.result)).length, 0);
  const verdict = verdictChip(graph, failures);
  const styles = Object.fromEntries(EDGE_RESULTS.map((result): [EdgeResult, EdgeStyle] => [result, edgeStyle(result)]));
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(graph.title)}</title>`,
    `<style>${assets.style}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${escapeHtml(graph.title)}${verdict}</h1></header>`,
    '<main>',
    graph.plan === undefined ? '' : planHtml(graph.plan),
    ...graph.sections.map((section, index) => sectionHtml(section, index)),
    '<div id="viewer"></div>',
    '<noscript><p>The interactive graph needs JavaScript; the summary and the failure list above do not.</p></noscript>',
    '</main>',
    `<script type="application/json" id="kk-data">${scriptJson({ source: graph.source, title: graph.title, styles, sections: graph.sections.map(withOpenCollapsed) })}</script>`,
    `<script>${assets.script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * A large section carries a second view with its fully open workloads folded (the viewer starts with
 * it and a checkbox expands them). A diff marks no node fully open: its grey unchanged edges are the background.
 */
function withOpenCollapsed(section: GraphSection): GraphSection & { readonly openCollapsed?: ReturnType<typeof collapseOpen> } {
  if (section.edges.length <= LARGE_GRAPH_EDGES) return section;
  const collapsed = collapseOpen(section);
  return collapsed ? { ...section, openCollapsed: collapsed } : section;
}

/** The plan as the terminal shows it, rendered here so it reads without JavaScript; the slider below walks its steps. */
function planHtml(plan: string): string {
  return `<section class="plan"><details open><summary>The plan</summary><pre>${escapeHtml(plan.trimEnd())}</pre></details></section>`;
}

function isBad(result: EdgeResult): boolean {
  return result === 'failed-allow' || result === 'failed-deny' || result === 'error';
}

function verdictChip(graph: Graph, failures: number): string {
  if (graph.source === 'run') return failures > 0 ? `<span class="verdict bad">${failures} failing</span>` : '<span class="verdict ok">all checks met</span>';
  if (graph.source === 'diff') {
    const changes = graph.sections.reduce((sum, section) => sum + section.failures.length, 0);
    return changes > 0 ? `<span class="verdict bad">${changes} changed</span>` : '<span class="verdict ok">no change</span>';
  }
  return '<span class="verdict info">prediction</span>';
}

function sectionHtml(section: GraphSection, index: number): string {
  const rows = section.summary.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`).join('');
  const failures =
    section.failures.length === 0
      ? ''
      : `<h3>${escapeHtml(section.failures.length === 1 ? '1 to look at' : `${section.failures.length} to look at`)}</h3><ul class="failures">${section.failures.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`;
  const notes = section.notes.length === 0 ? '' : `<ul class="notes">${section.notes.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`;
  const labels = new Map(section.nodes.map((node) => [node.id, node.label]));
  const edges = section.edges.map((edge) => `<li>${escapeHtml(`${labels.get(edge.from) ?? edge.from} → ${labels.get(edge.to) ?? edge.to} ${edge.door}: ${edgeStyle(edge.result).text}`)}</li>`).join('');
  return [
    `<section class="part" data-section="${index}">`,
    section.title ? `<h2>${escapeHtml(section.title)}</h2>` : '',
    `<table class="summary">${rows}</table>`,
    failures,
    notes,
    `<details class="part-text"><summary>All ${section.edges.length} connections as text</summary><ul>${edges}</ul></details>`,
    '</section>',
  ].join('');
}
