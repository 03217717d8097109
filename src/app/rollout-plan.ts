/**
 * The rollout's plan: the live objects and the files' policies → the planner's order
 * (src/rollout/plan.ts) → steps of objects to apply, with the plan's text. The planner reads the
 * policies as decoded RawObjects; the steps carry the same objects as JSON for the API server.
 */
import type { Scenario } from '../model/scenario.js';
import { describeRef } from '../model/objects.js';
import { decodeObjects, type EngineOptions, type RawObject } from '../policy/index.js';
import { renderRolloutPlan } from '../report/rollout-plan.js';
import { planRollout, type RolloutPlan } from '../rollout/plan.js';
import type { RolloutInput, RolloutPolicy } from './rollout-input.js';
import { InputError, formatIssue } from '../model/errors.js';
import { toInputIssue } from '../policy/index.js';

export interface PlannedRollout {
  readonly steps: readonly { readonly name: string; readonly policies: readonly RolloutPolicy[] }[];
  readonly plan: RolloutPlan;
  readonly text: string;
  /** The same text without colour, for a file (the HTML report shows it). */
  readonly plainText: string;
}

export interface PlanRequest {
  /** The live Namespaces, Pods, Services and NetworkPolicies. */
  readonly current: readonly RawObject[];
  readonly input: RolloutInput;
  readonly scenarios: readonly Scenario[];
  readonly engine: EngineOptions;
  readonly color?: boolean;
}

/** Rows of each step's diff shown in the plan; the JSON reports list every cell checked live. */
const PLAN_ROWS = 8;

export function planRolloutSteps(request: PlanRequest): PlannedRollout {
  const decoded = decodeObjects(request.current);
  if (decoded.issues.length > 0) {
    // The API server refuses what the decoder flags, so this means a cluster kubeknock cannot read.
    throw new InputError(`the cluster's objects could not be read as policies (${decoded.issues.length} problem(s)): ${decoded.issues.slice(0, 3).map((i) => formatIssue(toInputIssue(i))).join('; ')}`);
  }
  const byRef = new Map(request.input.policies.map((p) => [`${p.object.metadata.namespace}/${p.object.metadata.name}`, p]));
  const plan = planRollout({
    current: decoded.inventory,
    changes: request.input.policies.map((p) => ({ object: p.raw, ref: { apiVersion: p.object.apiVersion, kind: 'NetworkPolicy', namespace: p.object.metadata.namespace ?? '', name: p.object.metadata.name } })),
    scenarios: request.scenarios,
    engine: request.engine,
  });
  const steps = plan.steps.map((step) => {
    const policies = step.changes.map((change) => {
      const policy = byRef.get(`${change.ref.namespace}/${change.ref.name}`);
      if (!policy) throw new Error(`the planner returned ${describeRef(change.ref)}, which is not among the files' policies`);
      return policy;
    });
    return { name: `apply ${step.changes.map((c) => describeRef(c.ref)).join(', ')}`, policies };
  });
  const plainText = renderRolloutPlan(plan, { color: false, maxRows: PLAN_ROWS });
  return { steps, plan, text: request.color === true ? renderRolloutPlan(plan, { color: true, maxRows: PLAN_ROWS }) : plainText, plainText };
}
