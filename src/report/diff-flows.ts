/**
 * What `diff --flows` adds to the diff's text: the cut connections that carried observed traffic,
 * listed before everything else (`CUT — carried traffic: N samples, last seen …`), a count for the
 * summary, and the observed flows the diff has no cell for, with the reason. Table, Markdown and JSON.
 *
 * API: `flowsSummaryLine`, `cutFlowsLines`, `cutFlowsMarkdown`, `flowsHeadline`, `flowsJson`.
 */
import type { CutFlow, FlowsOnDiff } from '../diff/index.js';
import { describeFlow } from '../flows/party.js';
import type { Paint } from './ansi.js';
import { diffRows, plural, roleText } from './diff-rows.js';
import { mdInline } from './markdown-text.js';
import { visible } from './sanitize.js';
import { wrapWords } from './wrap-words.js';

/** `CUT — carried traffic: 12 samples, last seen 2026-12-07T10:03:05Z`. */
export function carriedText(cut: CutFlow): string {
  return `CUT — carried traffic: ${plural(cut.samples, 'sample')}, last seen ${cut.lastSeen}`;
}

/** For the summary: `flows: 1 cut connection carried observed traffic (9 samples); 3 of 4 observed flows placed on the diff, 1 not`. */
export function flowsSummaryLine(flows: FlowsOnDiff): string {
  const samples = flows.cut.reduce((sum, cut) => sum + cut.samples, 0);
  const cut = flows.cut.length === 0 ? 'no cut connection carried observed traffic' : `${plural(flows.cut.length, 'cut connection')} carried observed traffic (${plural(samples, 'sample')})`;
  return `flows: ${cut}; ${flows.placed} of ${plural(flows.observed, 'observed flow')} placed on the diff's cells${flows.unplaced.length > 0 ? `, ${flows.unplaced.length} not (listed below)` : ''}`;
}

/** The Markdown title: a pull-request comment says first whether observed traffic breaks. */
export function flowsHeadline(flows: FlowsOnDiff): string {
  return flows.cut.length === 0 ? 'no observed flow cut' : `⚠️ ${plural(flows.cut.length, 'cut connection')} carried observed traffic`;
}

export function cutFlowsLines(flows: FlowsOnDiff, maxRows: number, paint: Paint, width?: number): string[] {
  if (flows.cut.length === 0) return [`${paint('green', 'CUT FLOWS')}: none of the ${plural(flows.observed, 'observed flow')} is cut`];
  const lines = [`${paint('red', 'CUT FLOWS')} (observed traffic the candidate would deny): ${plural(flows.cut.length, 'connection')}`];
  const shown = maxRows > 0 ? flows.cut.slice(0, maxRows) : flows.cut;
  for (const cut of shown) {
    lines.push(...wrapWords(`  ${paint('red', carriedText(cut))}: ${visible(cellText(cut))}`, width, '      '));
  }
  if (shown.length < flows.cut.length) lines.push(`  … and ${plural(flows.cut.length - shown.length, 'more')} (-o json lists every one)`);
  return lines;
}

export function unplacedLines(flows: FlowsOnDiff, maxRows: number, width?: number): string[] {
  if (flows.unplaced.length === 0) return [];
  const lines = [`observed flows the diff cannot place: ${flows.unplaced.length}`];
  const shown = maxRows > 0 ? flows.unplaced.slice(0, maxRows) : flows.unplaced;
  for (const { flow, reason } of shown) lines.push(...wrapWords(`  - ${visible(describeFlow(flow))}: ${visible(reason)}`, width, '    '));
  if (shown.length < flows.unplaced.length) lines.push(`  … and ${plural(flows.unplaced.length - shown.length, 'more')} (-o json lists every one)`);
  return lines;
}

export function cutFlowsMarkdown(flows: FlowsOnDiff, maxRows: number): string[] {
  const lines: string[] = [];
  if (flows.cut.length === 0) lines.push(`#### Cut flows: none of the ${plural(flows.observed, 'observed flow')} is cut`);
  else {
    lines.push(`#### Cut flows: observed traffic the candidate would deny (${flows.cut.length})`, '', '| | from | to | port | denied by | policies |', '|---|---|---|---|---|---|');
    const shown = maxRows > 0 ? flows.cut.slice(0, maxRows) : flows.cut;
    for (const cut of shown) {
      const [row] = diffRows('cut', [cut.change]);
      const { cell } = cut.change;
      lines.push(`| **${mdInline(carriedText(cut))}** | ${mdInline(cell.from)} | ${mdInline(cell.to)} | ${cell.protocol}/${cell.port} | ${row ? directionWords(row.directions) : ''} | ${row ? roleText(row.policies, mdInline) : ''} |`);
    }
    if (shown.length < flows.cut.length) lines.push('', `… and ${plural(flows.cut.length - shown.length, 'more')} (\`kubeknock diff -o json\` lists every one).`);
  }
  if (flows.unplaced.length > 0) {
    lines.push('', `<details><summary>Observed flows the diff cannot place (${flows.unplaced.length})</summary>`, '');
    const shown = maxRows > 0 ? flows.unplaced.slice(0, maxRows) : flows.unplaced;
    for (const { flow, reason } of shown) lines.push(`- ${mdInline(describeFlow(flow))}: ${mdInline(reason)}`);
    if (shown.length < flows.unplaced.length) lines.push(`- … and ${plural(flows.unplaced.length - shown.length, 'more')}`);
    lines.push('', '</details>');
  }
  return lines;
}

/** The `flows` member of `diff -o json`. */
export function flowsJson(flows: FlowsOnDiff): object {
  return {
    observed: flows.observed,
    placed: flows.placed,
    cutConnections: flows.cut.length,
    cut: flows.cut.map((cut) => ({ ...cut.change.cell, samples: cut.samples, lastSeen: cut.lastSeen, responsible: cut.change.responsible, flows: cut.flows.map(describeFlow) })),
    unplaced: flows.unplaced.map(({ flow, reason }) => ({ flow: describeFlow(flow), reason })),
  };
}

function cellText(cut: CutFlow): string {
  const { cell } = cut.change;
  const [row] = diffRows('cut', [cut.change]);
  const why = row ? ` (denied by ${directionWords(row.directions)}; ${roleText(row.policies)})` : '';
  return `${cell.from} → ${cell.to} ${cell.protocol}/${cell.port}${why}`;
}

function directionWords(directions: 'in' | 'eg' | 'in+eg'): string {
  return directions === 'in+eg' ? 'ingress and egress' : directions === 'in' ? 'ingress' : 'egress';
}
