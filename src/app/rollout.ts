/**
 * `kubeknock rollout`: NetworkPolicy files → server-side dry run of every one → a plan that orders
 * them so no expected-open connection closes on the way (allows first, default-deny last) → the plan
 * on stdout (`--dry-run` stops there) → confirmation → each step applied (journaled) and verified live
 * with kept probe pods → rolled back when a step breaks an expectation. Nothing is changed before the
 * plan was shown and confirmed, and every change can be undone from the journal (`--undo`).
 */
import type { ClusterPort } from '../probe/cluster-port.js';
import type { Clock } from '../probe/clock.js';
import type { RunProgress } from '../probe/runner.js';
import { preflight } from '../probe/preflight.js';
import type { TargetFacts } from '../probe/plan.js';
import type { ObjectPort } from '../model/object-port.js';
import { InputError } from '../model/errors.js';
import type { RunReport } from '../model/report.js';
import type { EngineOptions, RawObject } from '../policy/index.js';
import { renderReports, type ReportFormat } from '../report/format.js';
import { htmlAssetsFor } from './html-assets.js';
import { loadScenarios } from '../scenario/load.js';
import type { DiscoverOptions } from './discover.js';
import { discoverForRollout } from './rollout-discover.js';
import { gateFlows, loadRolloutFlows, verifiedFlowsScenario, type ReadFlows, type RolloutFlowsRequest } from './rollout-flows.js';
import { guardClusterPolicies, type ClusterPolicyScanner } from './cluster-policy-guard.js';
import { configMapJournalStore, fileJournalStore, journalConfigMapName, type JournalStore } from './journal-store.js';
import { policyExpectations } from './policy-expectations.js';
import { executeRollout, type ExecuteOutcome } from './rollout-execute.js';
import { readRolloutFiles, validateOnServer } from './rollout-input.js';
import { planRolloutSteps, type PlannedRollout } from './rollout-plan.js';
import { describeOutcome, rolloutExitCode } from './rollout-outcome.js';
import { newRunId, onceEach, sweepBeforeRun, withOverrides, type DefaultsOverride } from './run.js';
import { requireWritePermissions } from './write-permissions.js';
import { refOf } from '../model/objects.js';

export interface RolloutRequest {
  readonly files: readonly string[];
  readonly cwd: string;
  /** -n: where policies that name no namespace go (refused without it). */
  readonly namespaces?: readonly string[];
  readonly scenarios: readonly string[];
  /** `--discover`: also verify the workloads' doors (src/app/rollout-discover.ts). */
  readonly discovery?: DiscoverOptions;
  /** `--flows FILE`: the observed flows are protected by the plan and verified live (src/app/rollout-flows.ts). */
  readonly flows?: RolloutFlowsRequest;
  readonly overrides: DefaultsOverride;
  readonly dryRun: boolean;
  /** `--yes`: no question asked. */
  readonly yes: boolean;
  readonly rollback: boolean;
  readonly journalFile?: string;
  readonly journalNamespace: string;
  readonly id?: string;
  readonly clusterDomain: string;
  readonly output: ReportFormat;
  readonly color: boolean;
  readonly width?: number;
  readonly engine: EngineOptions;
  readonly ignoreClusterPolicies: boolean;
}

export interface RolloutDeps {
  readonly connect: () => ClusterPort;
  readonly objects: () => ObjectPort;
  /** The live Namespaces, Pods, Services and NetworkPolicies. */
  readonly readPolicyObjects: () => Promise<readonly RawObject[]>;
  readonly scanClusterPolicies?: ClusterPolicyScanner;
  /** Reads a flows file (needed with `flows`). */
  readonly readFlows?: ReadFlows;
  /** Asks on the terminal; absent when stdin is not a terminal. */
  readonly confirm?: (question: string) => Promise<boolean>;
  readonly progress: RunProgress & { finish(ok: boolean, text: string): void };
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly write: (text: string) => void;
  readonly note: (text: string) => void;
  readonly toolVersion: string;
}

export interface RolloutOutcome {
  readonly exitCode: number;
  readonly plan?: PlannedRollout;
  readonly execution?: ExecuteOutcome;
}

export async function rollout(request: RolloutRequest, deps: RolloutDeps): Promise<RolloutOutcome> {
  // Read before anything changes: a missing bundle must not cost a finished rollout its report.
  const assets = await htmlAssetsFor([request.output]);
  // Refused before anything is read from the cluster: an unattended rollout must say so itself.
  if (!request.dryRun && !request.yes && deps.confirm === undefined) {
    throw new InputError('refusing to change the cluster without --yes: stdin is not a terminal, so nobody can confirm the plan; look at it with --dry-run, then run again with --yes');
  }
  const input = await readRolloutFiles(request.files, request.cwd, deps.note, request.namespaces ?? []);
  if (request.scenarios.length === 0 && request.discovery === undefined && request.flows === undefined) {
    throw new InputError('a rollout verifies every step live: give --scenario FILE with the connections that must work and those that must not, or --discover to knock on every door of your workloads, or --flows FILE to keep the observed traffic flowing');
  }
  const cluster = deps.connect();
  // Read before anything is asked of the cluster: a flows file of another cluster is refused first.
  const flows = request.flows ? await loadRolloutFlows(request.flows, cluster.server, readFlowsOf(deps), request.clusterDomain) : undefined;
  if (flows && flows.scenario === undefined && request.scenarios.length === 0 && request.discovery === undefined) {
    throw new InputError(`${flows.request.file} has no flow between two workloads, so no probe pod can verify a step; give --scenario FILE or --discover as well`);
  }
  const written = request.scenarios.length > 0 ? await loadScenarios(request.scenarios) : [];
  const discovered = request.discovery ? [await discoverForRollout(request.discovery, input, deps.note)] : [];
  const observed = flows?.scenario ? [flows.scenario] : [];
  const scenarios = [...written, ...discovered, ...observed].map((s) => withOverrides(s, request.overrides));
  const flowsAt = observed.length > 0 ? scenarios.length - 1 : -1;
  const stepped = scenarios.find((s) => s.steps !== undefined && s.steps.length > 0);
  if (stepped) throw new InputError(`${stepped.file} has steps: a rollout makes its own steps from the policy files; give a scenario without "steps"`);

  const id = request.id ?? newRunId();
  const objects = deps.objects();
  const store: JournalStore = request.journalFile ? fileJournalStore(request.journalFile) : configMapJournalStore(objects, request.journalNamespace, journalConfigMapName(id));

  deps.progress.step(`checking permissions and the ${input.policies.length} policies against the cluster at ${cluster.server}`);
  // A dry run writes no journal: it needs neither the journal namespace nor the right to write there.
  const journalNamespace = request.journalFile || request.dryRun ? undefined : request.journalNamespace;
  await requireWritePermissions((q) => cluster.canI(q), { refs: input.policies.map((p) => refOf(p.object)), ...(journalNamespace === undefined ? {} : { journalNamespace }) }, cluster.server);
  if (journalNamespace !== undefined && (await cluster.namespacePhase(journalNamespace)) !== 'Active') {
    throw new InputError(
      `the journal namespace "${request.journalNamespace}" does not exist: a rollout keeps its journal there (a ConfigMap) so it can be undone from anywhere. ` +
        `Create it (kubectl create namespace ${request.journalNamespace}), pick another with --journal-namespace, or keep the journal in a local file with --journal FILE`,
    );
  }
  await validateOnServer(objects, input);
  if (deps.scanClusterPolicies) {
    // The planner orders NetworkPolicies by a verdict of its own that knows no tiers: a cluster with tier objects is refused, never planned wrong.
    await guardClusterPolicies(deps.scanClusterPolicies, { ignore: request.ignoreClusterPolicies, doing: 'planning and verifying a rollout', warn: deps.note, tiers: 'refuse' });
  }
  const facts: TargetFacts[] = [];
  const warnOnce = onceEach(deps.note);
  for (const scenario of scenarios) {
    deps.progress.step(`checking that ${scenario.file} matches the cluster`);
    facts.push(await preflight(scenario, cluster, { warn: warnOnce }));
  }

  deps.progress.step('reading the live Namespaces, Pods and NetworkPolicies to plan the order');
  const planned = planRolloutSteps({ current: await deps.readPolicyObjects(), input, scenarios, engine: request.engine, color: request.color });
  const gate = flows ? gateFlows(flows, planned.plan, request.color) : undefined;
  const plan = gate ? { ...planned, text: `${planned.text}\n${gate.text}`, plainText: `${planned.plainText}\n${gate.plainText}` } : planned;
  deps.progress.finish(gate?.refusal === undefined, `plan: ${plan.steps.length} step(s) for ${input.policies.length} polic${input.policies.length === 1 ? 'y' : 'ies'}`);
  const planText = plan.text.endsWith('\n') ? plan.text : `${plan.text}\n`;
  // The plan is what --dry-run prints; before a real rollout whose reports are machine-read (-o json),
  // it is shown on stderr, so stdout stays one format.
  if (request.dryRun || request.output === 'table' || request.output === 'markdown') deps.write(planText);
  else deps.note(planText.trimEnd());
  // Refused before the question, the sweep and the journal: nothing is written (a dry run says the same).
  if (gate?.refusal !== undefined) {
    deps.note(gate.refusal);
    return { exitCode: 1, plan };
  }
  if (gate?.warning !== undefined) deps.note(gate.warning);
  if (request.dryRun) return { exitCode: 0, plan };

  if (!request.yes) {
    const yes = await deps.confirm?.(`Apply these ${plan.steps.length} step(s) to ${cluster.server}? [y/N] `);
    if (!yes) {
      deps.note('not confirmed: nothing was changed');
      return { exitCode: 1, plan };
    }
  }

  await sweepBeforeRun(cluster, scenarios, deps);
  // Every scenario's session asks for the live objects at the same moment of each step: one read.
  const readOnce = coalesced(deps.readPolicyObjects);
  const execution = await executeRollout(
    {
      id,
      sources: input.sources,
      steps: plan.steps.map((step) => ({ name: step.name, objects: step.policies.map((p) => p.object) })),
      scenarios: scenarios.map((scenario, index) => ({
        scenario: gate && index === flowsAt ? verifiedFlowsScenario(scenario, gate.verdict) : scenario,
        options: {
          runId: scenarios.length > 1 ? `${id}-${index + 1}` : id,
          clusterDomain: request.clusterDomain,
          keep: false,
          progress: deps.progress,
          clock: deps.clock,
          toolVersion: deps.toolVersion,
          facts: facts[index] ?? { services: new Map(), selectedPods: new Map() },
          ...(deps.signal ? { signal: deps.signal } : {}),
          resolveExpectations: policyExpectations(readOnce, request.engine),
          explainAll: true,
        },
      })),
      rollback: request.rollback,
    },
    { cluster, objects, store, progress: deps.progress, now: () => deps.clock.now(), ...(deps.signal ? { signal: deps.signal } : {}) },
  );
  const exitCode = rolloutExitCode(execution, deps.signal);
  const outcome = describeOutcome(execution, store);
  deps.progress.finish(exitCode === 0, outcome.headline);
  deps.write(renderReports(request.output, execution.reports as RunReport[], { color: request.color, ...(request.width ? { width: request.width } : {}), ...assets, plan: plan.plainText }));
  if (request.output === 'table' || request.output === 'markdown') deps.write(`\n${outcome.text}\n`);
  else deps.note(outcome.text);
  return { exitCode, plan, execution };
}

function readFlowsOf(deps: RolloutDeps): ReadFlows {
  if (deps.readFlows === undefined) throw new Error('rollout --flows needs a flows reader (a wiring bug)');
  return deps.readFlows;
}

/** Calls made while one is in flight share its answer; the next call after it reads afresh. */
function coalesced<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= read().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
