/**
 * What a planned rollout does to the observed flows (pure): per step, the flows it acts on and keeps
 * open (it protects them: they are verified live after it) and those it cuts, with the policies the
 * step applies. The planner already judges every step by the policy engine, with the flows as
 * `allow` checks of the scenario FLOWS_SCENARIO (flow-checks.ts); this only reads its answer back by
 * check name, so the refusal and the plan say the same thing the planner decided.
 *
 * API: `judgeFlows(plan, checks)` → `FlowVerdict`.
 */
import type { RolloutChange } from './changes.js';
import { FLOWS_SCENARIO, type FlowCheck } from './flow-checks.js';
import type { RolloutPlan } from './plan.js';

export interface StepFlows {
  /** 1-based, as the plan numbers its steps. */
  readonly step: number;
  readonly policies: readonly RolloutChange[];
  readonly protects: readonly FlowCheck[];
  readonly cuts: readonly FlowCheck[];
}

export interface CutFlow {
  readonly flow: FlowCheck;
  readonly step: number;
  /** The policies of the step that cuts it (one, unless no policy of the step was safe alone). */
  readonly policies: readonly RolloutChange[];
}

export interface FlowVerdict {
  readonly steps: readonly StepFlows[];
  /** Every flow some step cuts, in step order, each once (the first step that cuts it). */
  readonly cut: readonly CutFlow[];
}

export function judgeFlows(plan: RolloutPlan, checks: readonly FlowCheck[]): FlowVerdict {
  const byName = new Map(checks.map((check) => [check.check, check]));
  const ours = (entries: readonly { readonly scenario: string; readonly check: string }[]): FlowCheck[] => {
    const names = new Set(entries.filter((entry) => entry.scenario === FLOWS_SCENARIO).map((entry) => entry.check));
    return checks.filter((check) => names.has(check.check));
  };
  const seen = new Set<string>();
  const cut: CutFlow[] = [];
  const steps = plan.steps.map((planned, index): StepFlows => {
    const policies = planned.changes;
    const cuts = ours(planned.expectedAllow.cut);
    for (const flow of cuts) {
      if (seen.has(flow.check) || !byName.has(flow.check)) continue;
      seen.add(flow.check);
      cut.push({ flow, step: index + 1, policies });
    }
    return { step: index + 1, policies, protects: ours(planned.expectedAllow.kept), cuts };
  });
  return { steps, cut };
}
