/**
 * The terminal and Markdown text of `kubeknock diff`: a one-line summary, then the connections the
 * candidate would CUT (allow → deny) and those it would OPEN (deny → allow), each with the policies
 * responsible, then what was left out. Large diffs stay readable: ports of one source → destination
 * share a row, every section counts its cells per policy and per namespace pair, and at most
 * `maxRows` rows are shown per section (the JSON output lists every cell).
 */
import type { CellChange, DiffResult, Party } from '../diff/index.js';
import { painter, type Paint } from './ansi.js';
import { countByNamespaces, countByPolicy, countsText, diffRows, plural, policyName, roleText, ROLES_LEGEND, type ChangeKind, type DiffRow } from './diff-rows.js';
import { graphOfDiff, groupedByNamespace } from './graph/from-diff.js';
import { renderMermaidSection } from './graph/mermaid.js';
import { mdInline } from './markdown-text.js';
import type { RenderOptions } from './render-options.js';
import { visible } from './sanitize.js';
import { wrapWords } from './wrap-words.js';
import { maxOf } from '../model/arrays.js';
import { cutFlowsLines, cutFlowsMarkdown, flowsHeadline, flowsSummaryLine, unplacedLines } from './diff-flows.js';

export interface DiffRenderOptions extends RenderOptions {
  /** Rows shown per section; 0 shows them all. */
  readonly maxRows: number;
}

const COUNTS_SHOWN = 8;
export const DIRECTIONS_LEGEND = 'in: the destination\'s ingress, eg: the source\'s egress';

export function renderDiffTable(result: DiffResult, options: DiffRenderOptions): string {
  const paint = painter(options.color);
  const { width } = options;
  const lines = [...wrapWords(summaryLine(result), width, '  '), ...wrapWords(visible(policiesLine(result)), width, '  '), ''];
  // Observed traffic a change would cut comes before every other cut: it is what breaks tomorrow.
  if (result.flows) lines.splice(1, 0, ...wrapWords(flowsSummaryLine(result.flows), width, '  '));
  if (result.flows) lines.push(...cutFlowsLines(result.flows, options.maxRows, paint, width), '');
  lines.push(...sectionLines('cut', result.diff.cut, result.parties, options.maxRows, paint, '', width), '');
  lines.push(...sectionLines('open', result.diff.opened, result.parties, options.maxRows, paint, '', width));
  if (result.flows && result.flows.unplaced.length > 0) lines.push('', ...unplacedLines(result.flows, options.maxRows, width));
  const notes = [...partyNotes(result), ...result.notes];
  if (result.diff.cut.length + result.diff.opened.length > 0) lines.push('', ...[DIRECTIONS_LEGEND, ROLES_LEGEND].flatMap((legend) => wrapWords(legend, width, '  ')).map((line) => paint('dim', line)));
  if (notes.length > 0) lines.push('', 'notes:', ...notes.flatMap((note) => wrapWords(`  - ${visible(note)}`, width, '    ')));
  return `${lines.join('\n')}\n`;
}

/** One section of changed cells, as text lines: also used by the rollout plan for each step. */
export function sectionLines(kind: ChangeKind, changes: readonly CellChange[], parties: readonly Party[], maxRows: number, paint: Paint, indent = '', width?: number): string[] {
  const title = kind === 'cut' ? paint('red', 'CUT') : paint('green', 'OPEN');
  const arrow = kind === 'cut' ? 'allow → deny' : 'deny → allow';
  if (changes.length === 0) return [`${indent}${title} (${arrow}): none`];
  const lines = [`${indent}${title} (${arrow}): ${plural(changes.length, 'connection')}`];
  lines.push(...wrapWords(`${indent}  by policy: ${countsText(countByPolicy(changes), COUNTS_SHOWN, visible)}`, width, `${indent}    `));
  const namespaces = countByNamespaces(changes, parties);
  if (namespaces.length > 1) lines.push(...wrapWords(`${indent}  by namespace: ${countsText(namespaces, COUNTS_SHOWN, visible)}`, width, `${indent}    `));
  const rows = diffRows(kind, changes);
  const shown = maxRows > 0 ? rows.slice(0, maxRows) : rows;
  const scenario = shown.some((row) => row.expected !== undefined);
  const table = [['from', 'to', 'port', kind === 'cut' ? 'denied by' : 'opened by', ...(scenario ? ['scenario'] : []), 'policies'], ...shown.map((row) => cells(row, scenario))];
  const widths = table[0]?.map((_, column) => maxOf(table.map((cellsOfRow) => (cellsOfRow[column] ?? '').length))) ?? [];
  // The last column (the policies) wraps under itself when a width is given; the others keep their width.
  const lead = `${indent}  `.length + widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  table.forEach((row, index) => {
    const fixed = row.slice(0, -1).map((cell, column) => cell.padEnd(widths[column] ?? 0));
    const [first, ...more] = fitLastColumn(row[row.length - 1] ?? '', width === undefined ? undefined : Math.max(width - lead, 1));
    const texts = [[...fixed, first ?? ''].join('  '), ...more.map((line) => `${' '.repeat(lead - `${indent}  `.length)}${line}`)];
    const contradicts = index > 0 && shown[index - 1]?.expected?.agrees === false;
    for (const text of texts) lines.push(`${indent}  ${index === 0 ? paint('bold', text) : contradicts ? paint('yellow', text) : text}`);
  });
  if (shown.length < rows.length) lines.push(...wrapWords(`${indent}  … and ${plural(rows.length - shown.length, 'more row')} (${plural(rows.length, 'row')} in all; -o json lists every cell)`, width, `${indent}    `));
  return lines;
}

export function renderDiffMarkdown(result: DiffResult, options: DiffRenderOptions): string {
  const { cut, opened } = result.diff;
  const counts = `${plural(cut.length, 'connection')} cut, ${opened.length} opened`;
  const title = result.flows ? `### kubeknock diff: ${flowsHeadline(result.flows)} — ${counts}` : `### kubeknock diff: ${counts}`;
  const flowsLine = result.flows ? [`${mdInline(flowsSummaryLine(result.flows))}  `] : [];
  const lines = [title, '', `${mdInline(summaryLine(result))}  `, ...flowsLine, mdInline(policiesLine(result)), ''];
  if (result.flows) lines.push(...cutFlowsMarkdown(result.flows, options.maxRows), '');
  lines.push(...changesPicture(result));
  lines.push(...markdownSection('cut', cut, result.parties, options.maxRows), '');
  lines.push(...markdownSection('open', opened, result.parties, options.maxRows));
  const notes = [...partyNotes(result), ...result.notes];
  if (notes.length > 0) lines.push('', `<details><summary>Notes (${notes.length})</summary>`, '', ...notes.map((note) => `- ${mdInline(note)}`), '', '</details>');
  return `${lines.join('\n')}\n`;
}

/** Source → destination pairs drawn at most in the Mermaid picture; the tables below list every one. */
export const PICTURE_EDGES = 40;

/**
 * A Mermaid graph of what changed, which GitHub draws in a pull-request comment: one edge per changed
 * source → destination pair (its ports on the label), cut red, opened amber, only the parties they
 * touch; past PICTURE_EDGES pairs, one edge per namespace pair with its count (and past that many
 * namespace pairs, a node that counts the rest).
 */
function changesPicture(result: DiffResult): string[] {
  const [drawn] = graphOfDiff(result).sections;
  // Only the changes: a pull-request comment is read for what moves.
  const section = drawn && { ...drawn, edges: drawn.edges.filter((edge) => edge.result !== 'unchanged') };
  if (!section || section.edges.length === 0) return [];
  const grouped = section.edges.length > PICTURE_EDGES;
  const picture = grouped ? groupedByNamespace(section) : section;
  const caption = grouped ? [`_${section.edges.length} changed source → destination pairs, grouped by namespace:_`, ''] : [];
  return [...caption, '```mermaid', renderMermaidSection(picture, { connectedOnly: true, maxEdges: PICTURE_EDGES }).trimEnd(), '```', ''];
}

export function markdownSection(kind: ChangeKind, changes: readonly CellChange[], parties: readonly Party[], maxRows: number, heading = '####'): string[] {
  const title = kind === 'cut' ? 'Cut: allow → deny' : 'Opened: deny → allow';
  if (changes.length === 0) return [`${heading} ${title}: none`];
  const lines = [`${heading} ${title} (${changes.length})`, ''];
  lines.push(`By policy: ${countsText(countByPolicy(changes), COUNTS_SHOWN, (name) => `\`${name.replace(/`/g, "'")}\``)}  `);
  const namespaces = countByNamespaces(changes, parties);
  if (namespaces.length > 1) lines.push(`By namespace: ${countsText(namespaces, COUNTS_SHOWN, mdInline)}  `);
  lines.push('');
  const rows = diffRows(kind, changes);
  const shown = maxRows > 0 ? rows.slice(0, maxRows) : rows;
  const scenario = shown.some((row) => row.expected !== undefined);
  lines.push(`| from | to | port | ${kind === 'cut' ? 'denied by' : 'opened by'} |${scenario ? ' scenario |' : ''} policies |`);
  lines.push(`|---|---|---|---|${scenario ? '---|' : ''}---|`);
  for (const row of shown) {
    const expected = scenario ? ` ${row.expected ? `${row.expected.agrees ? '' : '⚠️ '}${mdInline(row.expected.text)}` : ''} |` : '';
    lines.push(`| ${mdInline(row.from)} | ${mdInline(row.to)} | ${row.ports} | ${directionsText(row)} |${expected} ${roleText(row.policies, mdInline)} |`);
  }
  if (shown.length < rows.length) lines.push('', `… and ${plural(rows.length - shown.length, 'more row')} (${plural(rows.length, 'row')} in all; \`kubeknock diff -o json\` lists every cell).`);
  return lines;
}

/** The policies column within `room`: each group (`isolated by: …;`) on a line of its own, when the whole does not fit. */
function fitLastColumn(text: string, room: number | undefined): string[] {
  if (room === undefined || text.length <= room) return [text];
  const groups = text.split('; ');
  return groups.flatMap((group, index) => wrapWords(index < groups.length - 1 ? `${group};` : group, room, '  '));
}

function cells(row: DiffRow, scenario: boolean): string[] {
  const expected = row.expected ? `${row.expected.agrees ? '' : '⚠ '}${row.expected.text}` : '';
  return [visible(row.from), visible(row.to), row.ports, row.directions, ...(scenario ? [visible(expected)] : []), visible(roleText(row.policies))];
}

function directionsText(row: DiffRow): string {
  return row.directions === 'in+eg' ? 'ingress and egress' : row.directions === 'in' ? 'ingress' : 'egress';
}

function summaryLine(result: DiffResult): string {
  const { cut, opened, judged, unknown } = result.diff;
  const sources = result.parties.filter((party) => party.sends).length;
  const undecided = unknown > 0 ? `, ${unknown} unknown (an ipBlock decides, the parties have no IPs)` : '';
  return `diff: ${plural(cut.length, 'connection')} cut, ${opened.length} opened, ${judged - cut.length - opened.length - unknown} unchanged${undecided}, of ${plural(judged, 'cell')} (${plural(sources, 'source')}, ${plural(result.parties.length, 'party', 'parties')}, every declared port)`;
}

function policiesLine(result: DiffResult): string {
  const { current, added, replaced, unchanged } = result.policies;
  const names = (refs: readonly { namespace: string; name: string }[]): string => (refs.length > 0 && refs.length <= COUNTS_SHOWN ? ` (${refs.map(policyName).join(', ')})` : '');
  return `policies: ${current} current; the candidate adds ${added.length}${names(added)}, replaces ${replaced.length}${names(replaced)}, repeats ${unchanged.length} unchanged`;
}

/** What the stand-ins mean, when a change names one. */
function partyNotes(result: DiffResult): string[] {
  const named = new Set([...result.diff.cut, ...result.diff.opened].flatMap((change) => [change.cell.from, change.cell.to]));
  return result.parties.filter((party) => party.kind === 'dns' && named.has(party.label)).map((party) => `${party.label}: ${party.standsFor.join('; ')}`);
}
