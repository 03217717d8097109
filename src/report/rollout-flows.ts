/**
 * The observed flows in a rollout's words: the plan's section that says, per step, which flows the
 * step protects (acts on and keeps open; verified live after it) and which it cuts; the flows no probe
 * pod can stand in for; and the refusal (or, with --allow-cut-flows, the warning) naming every flow
 * that would be cut, with the policy whose application cuts it.
 */
import { describeRef } from '../model/objects.js';
import { changeWhere, type RolloutChange } from '../rollout/changes.js';
import { describeFlow } from '../flows/party.js';
import { flowSeen, type FlowCheck, type UncheckedFlow } from '../rollout/flow-checks.js';
import type { CutFlow, FlowVerdict } from '../rollout/flow-verdicts.js';
import type { FlowsWindow } from '../flows/types.js';
import { painter } from './ansi.js';
import { plural } from './diff-rows.js';
import { visible } from './sanitize.js';

export interface FlowSection {
  /** The flows file as given. */
  readonly file: string;
  readonly window: FlowsWindow;
  readonly checked: readonly FlowCheck[];
  readonly unchecked: readonly UncheckedFlow[];
  readonly verdict: FlowVerdict;
  /** `--allow-cut-flows`: the cut flows are judged by the policies live instead of expected open. */
  readonly allowCut: boolean;
  readonly color: boolean;
}

export function renderFlowSection(section: FlowSection): string {
  const paint = painter(section.color);
  const { verdict } = section;
  const total = section.checked.length + section.unchecked.length;
  const lines = [
    paint('bold', `observed flows: ${plural(total, 'flow')} in ${visible(section.file)} (window ${section.window.start} – ${section.window.end}); ${section.checked.filter((flow) => flow.how === 'probe-pods').length} between workloads, checked by probe pods at every step; ${verdict.cut.length} cut by this plan`),
  ];
  const atStake = new Set<string>();
  for (const step of verdict.steps) {
    if (step.protects.length + step.cuts.length === 0) continue;
    lines.push(`  step ${step.step}: ${policiesText(step.policies)}`);
    for (const flow of step.cuts) {
      atStake.add(flow.check);
      lines.push(paint('red', `    ✗ cuts     ${flowText(flow)}`));
    }
    for (const flow of step.protects) {
      atStake.add(flow.check);
      lines.push(paint('green', `    ✓ protects ${flowText(flow)}`));
    }
  }
  const untouched = section.checked.filter((flow) => flow.how === 'probe-pods' && !atStake.has(flow.check)).length;
  if (untouched > 0) lines.push(`  ${plural(untouched, 'flow')} no step acts on (verified live all the same)`);
  const lookups = section.checked.filter((flow) => flow.how === 'dns-lookup');
  if (lookups.length > 0) {
    lines.push(`  to the cluster DNS, checked live by a DNS lookup at every step (the plan does not judge these):`);
    for (const flow of lookups) lines.push(`    - ${flowText(flow)}`);
  }
  if (section.unchecked.length > 0) {
    lines.push(paint('yellow', `  not verified live: no probe pod can stand in for ${section.unchecked.length === 1 ? 'this flow' : 'these flows'} (skipped, not faked):`));
    for (const { flow, reason } of section.unchecked) lines.push(`    - ${visible(describeFlow(flow))} (${flowSeen(flow)}): ${visible(reason)}`);
  }
  if (verdict.cut.length > 0 && section.allowCut) {
    lines.push(paint('yellow', `  --allow-cut-flows: the ${verdict.cut.length === 1 ? 'cut flow is' : `${verdict.cut.length} cut flows are`} verified as the policies say (denied), not expected open`));
  }
  return `${lines.join('\n')}\n`;
}

/** The refusal (exit 1), or with --allow-cut-flows the loud warning; one line per cut flow. */
export function cutFlowsText(cut: readonly CutFlow[], allowCut: boolean): string {
  const lines = allowCut
    ? [`WARNING: --allow-cut-flows: this rollout CUTS ${plural(cut.length, 'observed flow')}; the traffic below will be denied:`]
    : [`refusing to roll out: it would cut ${plural(cut.length, 'observed flow')}; nothing was changed`];
  for (const { flow, step, policies } of cut) lines.push(`  ✗ ${cutText(flow, step, policies)}`);
  if (!allowCut) {
    lines.push(
      '  add the allows these flows need to the policies (kubeknock diff --flows shows every cut), or, when the traffic must stop, run again with --allow-cut-flows',
    );
  }
  return lines.join('\n');
}

function cutText(flow: FlowCheck, step: number, policies: readonly RolloutChange[]): string {
  return `${visible(describeFlow(flow.flow))} (${flowSeen(flow.flow)}): cut by step ${step}, which applies ${policiesText(policies)}`;
}

function flowText(flow: FlowCheck): string {
  return `${visible(describeFlow(flow.flow))} (${flowSeen(flow.flow)})`;
}

function policiesText(policies: readonly RolloutChange[]): string {
  return policies.map((change) => `${visible(describeRef(change.ref))} (${visible(changeWhere(change))})`).join(', ');
}
