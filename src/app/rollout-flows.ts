/**
 * `rollout --flows FILE`: the observed flows join the rollout as a scenario of `allow` checks between
 * probe pods standing in for their ends (src/rollout/flow-checks.ts), so the planner judges every step
 * against them and every step verifies them live. After planning, the gate: a rollout that would cut
 * an observed flow is refused before anything is applied, unless `--allow-cut-flows`; then the cut
 * flows are judged by the policies live (denied, as the user chose) instead of expected open, and the
 * rollout says loudly which they are.
 */
import type { FlowsDocument } from '../flows/types.js';
import { InputError } from '../model/errors.js';
import type { Scenario } from '../model/scenario.js';
import { cutFlowsText, renderFlowSection } from '../report/rollout-flows.js';
import { flowChecks, type FlowChecks } from '../rollout/flow-checks.js';
import { judgeFlows, type FlowVerdict } from '../rollout/flow-verdicts.js';
import type { RolloutPlan } from '../rollout/plan.js';
import { checkScenarioText } from '../scenario/load.js';

export interface RolloutFlowsRequest {
  /** The flows file as given (`--flows`). */
  readonly file: string;
  /** `--allow-cut-flows`. */
  readonly allowCut: boolean;
}

/**
 * Reads and validates a flows file (src/app/flows/read-flows.ts): one observed on another cluster than
 * `server`, too old or malformed is an InputError (exit 2).
 */
export type ReadFlows = (file: string, server: string) => Promise<FlowsDocument>;

export interface RolloutFlows {
  readonly request: RolloutFlowsRequest;
  readonly document: FlowsDocument;
  readonly checks: FlowChecks;
  /** Undefined when no flow is between two workloads (nothing a probe pod can check). */
  readonly scenario: Scenario | undefined;
}

export async function loadRolloutFlows(request: RolloutFlowsRequest, server: string, read: ReadFlows, clusterDomain: string): Promise<RolloutFlows> {
  const document = await read(request.file, server);
  const checks = flowChecks(document, { file: request.file, clusterDomain });
  if (checks.checks.length === 0) return { request, document, checks, scenario: undefined };
  const parsed = checkScenarioText(`the flows of ${request.file}`, checks.yaml);
  if (!parsed.ok) throw new InputError(`the checks made from the flows of ${request.file} are not a valid scenario (a bug: please report it)`, parsed.issues);
  return { request, document, checks, scenario: parsed.scenario };
}

export interface FlowGate {
  readonly verdict: FlowVerdict;
  /** The plan's flows section. */
  readonly text: string;
  readonly plainText: string;
  /** Set when the rollout must not go on: the refusal, for stderr. */
  readonly refusal?: string;
  /** Set when flows are cut and --allow-cut-flows lets it go on: the warning, for stderr. */
  readonly warning?: string;
}

export function gateFlows(flows: RolloutFlows, plan: RolloutPlan, color: boolean): FlowGate {
  const verdict = judgeFlows(plan, flows.checks.checks);
  const section = { file: flows.request.file, window: flows.document.window, checked: flows.checks.checks, unchecked: flows.checks.unchecked, verdict, allowCut: flows.request.allowCut };
  const plainText = renderFlowSection({ ...section, color: false });
  const text = color ? renderFlowSection({ ...section, color: true }) : plainText;
  if (verdict.cut.length === 0) return { verdict, text, plainText };
  const message = cutFlowsText(verdict.cut, flows.request.allowCut);
  return flows.request.allowCut ? { verdict, text, plainText, warning: message } : { verdict, text, plainText, refusal: message };
}

/**
 * The flows scenario as the steps verify it: with --allow-cut-flows, the checks of the flows the
 * rollout cuts are judged by the policies at every phase (open before, denied once cut), not expected
 * open, or the step that cuts them would fail and roll back what the user allowed.
 */
export function verifiedFlowsScenario(scenario: Scenario, verdict: FlowVerdict): Scenario {
  const cut = new Set(verdict.cut.map((entry) => entry.flow.check));
  if (cut.size === 0) return scenario;
  return { ...scenario, checks: scenario.checks.map((check) => (cut.has(check.name) ? { ...check, expect: 'policy' } : check)) };
}
