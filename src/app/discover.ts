/**
 * discover: manifests (or, later, the live cluster: any PolicySource) → a scenario that knocks on every
 * door of the selected workloads, with the plan summary for stderr. The scenario goes to stdout or a file.
 */
import { actorNames, buildEngine, findWorkloads, planDiscovery, planSummary, renderScenarioYaml, type DiscoveryPlan, type PlanOptions, type Selection } from '../discover/index.js';
import { describeRef } from '../discover/find-workloads.js';
import { leftOutText } from '../discover/summary.js';
import { PlanTooBig } from '../discover/plan.js';
import { addObservedFlows, type ObservedSummary } from '../discover/observed.js';
import type { FlowsDocument } from '../flows/types.js';
import type { EngineOptions } from '../policy/index.js';
import { InputError } from '../model/errors.js';
import { loadInventory, type PolicySource } from './policy-input.js';
import { refuseOverwritingInputs, writeOutputFile } from './output-file.js';
import { MAX_SCENARIO_BYTES, sizeLimitProblem } from '../scenario/yaml-limits.js';

export interface DiscoverOptions {
  readonly source: PolicySource;
  /** How the input is named in the scenario's header, e.g. the -f paths. */
  readonly inputs: readonly string[];
  readonly selection: Selection;
  readonly plan: PlanOptions;
  readonly engine: EngineOptions;
  readonly scenarioName: string;
  /** Write the scenario here instead of returning it for stdout. */
  readonly outputFile?: string;
  /**
   * The scenario becomes a file (the discover command: stdout or -o), so it must fit the size a
   * scenario file may have; run --discover and rollout --discover keep it in memory and leave this out.
   */
  readonly asFile?: boolean;
  /** Observed flows (discover --flows, read and checked by the caller): they become expect: allow checks. */
  readonly flows?: { readonly document: FlowsDocument; readonly file: string };
}

export interface DiscoverResult {
  readonly plan: DiscoveryPlan;
  /** The scenario text (also when written to a file). */
  readonly yaml: string;
  readonly summary: readonly string[];
}

export async function discover(options: DiscoverOptions): Promise<DiscoverResult> {
  if (options.outputFile !== undefined && options.source.type === 'files') await refuseOverwritingInputs('-o', options.outputFile, options.source.paths, options.source.cwd);
  const inventory = await loadInventory(options.source);
  const discovery = findWorkloads(inventory, options.selection);
  if (discovery.identities.length === 0) {
    throw new InputError(
      `discover found no workload to probe in ${discovery.searched}${discovery.leftOut.map((left) => `; ${leftOutText(left)}`).join('')}${discovery.skipped.length > 0 ? `; ${discovery.skipped.length} skipped:` : ''}`,
      discovery.skipped.map((skipped) => ({ file: skipped.workload.file ?? options.inputs.join(', '), line: skipped.workload.line ?? 0, path: '', message: `${describeRef(skipped.workload)}: ${skipped.note}` })),
    );
  }
  const names = actorNames(discovery.identities);
  const engine = buildEngine(inventory, discovery.identities, names, options.engine);
  const planned = planOrRefuse(() => planDiscovery(discovery, engine, names, options.plan));
  const withFlows = options.flows ? addObservedFlows(planned, engine, options.flows.document, options.flows.file) : undefined;
  const plan = withFlows?.plan ?? planned;
  const yaml = renderScenarioYaml(plan, { inputs: options.inputs, scenarioName: options.scenarioName, snapshot: options.plan.snapshot, ...(withFlows ? { observed: withFlows.observed } : {}) });
  if (options.asFile === true || options.outputFile !== undefined) refuseOverFileLimit(yaml, plan);
  if (options.outputFile !== undefined) {
    try {
      await writeOutputFile(options.outputFile, yaml);
    } catch (error) {
      throw new InputError(`cannot write the scenario to ${options.outputFile}: ${(error as Error).message}`);
    }
  }
  return { plan, yaml, summary: [...planSummary(plan), ...(withFlows ? [observedLine(withFlows.observed)] : [])] };
}

function observedLine(observed: ObservedSummary): string {
  return `observed flows: ${observed.checks} check${observed.checks === 1 ? '' : 's'} expect allow, ${observed.notChecked.length} flow${observed.notChecked.length === 1 ? '' : 's'} not checked, ${observed.quietDoors.length} declared door${observed.quietDoors.length === 1 ? '' : 's'} saw no traffic (listed at the end of the scenario)`;
}

/**
 * A scenario file over the size every reader accepts would be refused by validate and run, so it is not
 * written. The limit is not raised for discovered files: a reader cannot tell them from any other file,
 * and the cap is what keeps a huge file from exhausting memory.
 */
function refuseOverFileLimit(yaml: string, plan: DiscoveryPlan): void {
  const bytes = Buffer.byteLength(yaml, 'utf8');
  const problem = sizeLimitProblem(bytes, MAX_SCENARIO_BYTES, 'a scenario');
  if (problem === undefined) return;
  const pods = plan.actors.filter((actor) => actor.probed).length;
  throw new InputError(
    `the discovered scenario (${pods} probe pods, ${plan.checks.length} checks) would not fit a scenario file: ${problem.replace('; split it into smaller files', '')}, so validate and run would refuse it; nothing was written. ` +
      'Narrow the selection (-n, -l, --exclude-namespace) into several scenarios, or for a live cluster let run --discover or rollout --discover make it in memory, where no file limit applies',
  );
}

function planOrRefuse(plan: () => DiscoveryPlan): DiscoveryPlan {
  try {
    return plan();
  } catch (error) {
    if (!(error instanceof PlanTooBig)) throw error;
    const narrower = error.exhaustive ? 'leave out --exhaustive, or narrow' : 'narrow';
    throw new InputError(`${error.message}; nothing was planned: ${narrower} the selection (-n, -l, --exclude-namespace) into several scenarios`);
  }
}
