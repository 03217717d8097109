/**
 * The text of a rollout plan: numbered steps, each with its NetworkPolicies (namespace/name and
 * file:line) and what it cuts and opens; why changes were moved (a default deny given first is applied
 * after the allows it would otherwise cut); the warnings.
 */
import type { Cell } from '../diff/index.js';
import { cellKey } from '../diff/index.js';
import { describeRef } from '../model/objects.js';
import { changeWhere, type RolloutChange } from '../rollout/changes.js';
import type { Deferral, RolloutPlan } from '../rollout/plan.js';
import { painter } from './ansi.js';
import { plural } from './diff-rows.js';
import type { RenderOptions } from './render-options.js';
import { visible } from './sanitize.js';
import { sectionLines } from './verdict-diff.js';

export interface PlanRenderOptions extends RenderOptions {
  /** Rows shown per section of each step; 0 shows them all. */
  readonly maxRows: number;
}

const EXAMPLES_SHOWN = 3;

export function renderRolloutPlan(plan: RolloutPlan, options: PlanRenderOptions): string {
  const paint = painter(options.color);
  const changes = plan.steps.reduce((sum, step) => sum + step.changes.length, 0);
  const { total } = plan;
  const lines = [
    `rollout plan: ${plural(changes, 'NetworkPolicy', 'NetworkPolicies')} in ${plural(plan.steps.length, 'step')}${plan.reordered ? ', in another order than given (see "order" below)' : ', in the order given'}`,
    `in all: ${plural(total.cut.length, 'connection')} cut, ${total.opened.length} opened, of ${plural(total.judged, 'cell')}`,
  ];
  plan.steps.forEach((step, index) => {
    lines.push('');
    const together = step.changes.length > 1 ? ' (together: none of them is safe alone, each cuts connections that another one allows)' : '';
    if (step.changes.length === 1 && step.changes[0]) lines.push(paint('bold', `step ${index + 1}: ${changeText(step.changes[0])}`));
    else lines.push(paint('bold', `step ${index + 1}${together}:`), ...step.changes.map((change) => `  ${changeText(change)}`));
    if (step.diff.cut.length + step.diff.opened.length === 0) lines.push('  no verdict changes');
    if (step.diff.cut.length > 0) lines.push(...sectionLines('cut', step.diff.cut, plan.parties, options.maxRows, paint, '  '));
    if (step.diff.opened.length > 0) lines.push(...sectionLines('open', step.diff.opened, plan.parties, options.maxRows, paint, '  '));
    if (step.cutsExpectedOpen.length > 0) {
      lines.push(paint('yellow', `  ⚠ cuts ${plural(step.cutsExpectedOpen.length, 'connection')} expected open: ${examples(step.cutsExpectedOpen)} (see warnings)`));
    }
  });
  if (plan.reordered) {
    lines.push('', 'order:');
    for (const deferral of plan.deferred) lines.push(`  - ${deferralText(deferral)}`);
    lines.push(
      '  - changes that cut nothing go first, then fewer cuts before more, then the order given: policies are additive, so an allow',
      '    applied early cuts nothing, while an isolating policy (a default deny) cuts every connection its allows do not yet admit;',
      '    no step cuts a connection that must stay open: open at the end, or a scenario\'s allow that a later change still admits',
    );
  }
  if (plan.warnings.length > 0) lines.push('', paint('yellow', 'warnings:'), ...plan.warnings.map((warning) => `  - ${visible(warning)}`));
  return `${lines.join('\n')}\n`;
}

function changeText(change: RolloutChange): string {
  return `${visible(describeRef(change.ref))} (${visible(changeWhere(change))})`;
}

function deferralText(deferral: Deferral): string {
  const waits = deferral.waitsFor.length > 0 ? ` until ${deferral.waitsFor.map((ref) => visible(describeRef(ref))).join(', ')} ${deferral.waitsFor.length === 1 ? 'is' : 'are'} in place` : '';
  return (
    `you gave ${visible(describeRef(deferral.change.ref))} as change ${deferral.given + 1}; it is applied in step ${deferral.step + 1}, because applied first it would cut ` +
    `${plural(deferral.wouldCut, 'connection')} that must stay open (${examples(deferral.examples, deferral.wouldCut)})${waits}`
  );
}

function examples(cells: readonly Cell[], total = cells.length): string {
  const shown = cells.slice(0, EXAMPLES_SHOWN).map((cell) => visible(cellKey(cell)));
  return `${total > shown.length ? 'e.g. ' : ''}${shown.join(', ')}${total > shown.length ? ', …' : ''}`;
}
