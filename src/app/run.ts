/**
 * The run use case: scenario files → preflight of all of them → live runs, one scenario after the
 * other → rendered report(s) → exit code. The cluster comes in through `connect`, so tests drive the
 * whole use case with a fake.
 */
import { randomBytes } from 'node:crypto';
import type { RunReport } from '../model/report.js';
import { everyCheck, type Check, type Defaults, type Scenario } from '../model/scenario.js';
import type { Clock } from '../probe/clock.js';
import type { TargetFacts } from '../probe/plan.js';
import type { ClusterPort } from '../probe/cluster-port.js';
import { preflight } from '../probe/preflight.js';
import { judgeScenario, type JudgedRun, type RunOptions, type RunProgress } from '../probe/runner.js';
import type { ObjectPort } from '../model/object-port.js';
import { describeRef } from '../model/objects.js';
import { configMapJournalStore, fileJournalStore, journalConfigMapName, JOURNAL_NAMESPACE } from './journal-store.js';
import { plannedChanges, runStepScenario, type StepRunDeps } from './run-steps.js';
import { requireWritePermissions } from './write-permissions.js';
import { describeLeftover } from '../probe/leftovers.js';
import { sweepLeftovers } from '../probe/sweep.js';
import { renderReports, type ReportFormat } from '../report/format.js';
import { htmlAssetsFor } from './html-assets.js';
import { loadScenarios, type InlineScenario } from '../scenario/load.js';
import type { EngineOptions, RawObject } from '../policy/index.js';
import { InfraError, InputError, describeError, formatIssue } from '../model/errors.js';
import { DEFAULT_SIZE_LIMITS, enforceSizeLimits, type SizeLimits } from './size-limits.js';
import { guardClusterPolicies, type ClusterPolicyScanner } from './cluster-policy-guard.js';
import { policyExpectations, type PolicyObjectSource } from './policy-expectations.js';
import { notStartedReport } from './not-started-report.js';
import { checkReportTarget, writeReportFile } from './report-file.js';
import { refuseOverwritingInputs } from './output-file.js';

/** Command-line settings that override a scenario's defaults for one run. */
export interface DefaultsOverride {
  readonly image?: string;
  readonly imagePullPolicy?: Defaults['pod']['imagePullPolicy'];
  readonly timeoutSeconds?: number;
  readonly attempts?: number;
  readonly concurrency?: number;
  readonly settleSeconds?: number;
}

export interface RunRequest {
  /** One or more scenario files, run in this order. */
  readonly files: readonly string[];
  /** Scenarios made in memory (`run --discover`), run after the files. */
  readonly inline?: readonly InlineScenario[];
  readonly overrides: DefaultsOverride;
  readonly output: ReportFormat;
  readonly reportFile?: string;
  readonly reportFormat: ReportFormat;
  readonly keep: boolean;
  /** Largest scenario run without asking; default DEFAULT_SIZE_LIMITS. */
  readonly limits?: SizeLimits;
  readonly clusterDomain: string;
  readonly runId?: string;
  readonly color: boolean;
  readonly width?: number;
  /** How `expect: policy` judges ipBlock peers against pod IPs (the CNI decides; Cilium does not match them). */
  readonly policyEngine?: EngineOptions;
  /** Derive `expect: policy` expectations even where cluster-scoped network policies exist. */
  readonly ignoreClusterPolicies?: boolean;
  /** Multi-step scenarios that change objects: go ahead without asking (`--yes`). */
  readonly yes?: boolean;
  /** Keep the journal of step changes in this file instead of a ConfigMap in `journalNamespace`. */
  readonly journalFile?: string;
  readonly journalNamespace?: string;
}

export interface RunDeps {
  /** Builds the cluster connection; called only once input is known to be valid. */
  readonly connect: () => ClusterPort;
  readonly progress: RunProgress & { finish(ok: boolean, text: string): void };
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly write: (text: string) => void;
  readonly toolVersion: string;
  /**
   * The live Namespaces, Pods and NetworkPolicies, for `expect: policy` checks; read only when the
   * scenario has such checks (it needs cluster-wide list on those kinds).
   */
  readonly readPolicyObjects?: PolicyObjectSource;
  /** Looks for AdminNetworkPolicy & co. before a run with `expect: policy` checks creates anything. */
  readonly scanClusterPolicies?: ClusterPolicyScanner;
  /** Warnings that are not progress (stderr). */
  readonly warn?: (text: string) => void;
  /** Writes objects for the steps of multi-step scenarios (NetworkPolicies, Namespace labels). */
  readonly objects?: () => ObjectPort;
  /** Asks on the terminal before steps change the cluster; absent when stdin is not a terminal. */
  readonly confirm?: (question: string) => Promise<boolean>;
}

export interface RunOutcome {
  /** One report per scenario that started; an interrupt leaves the later scenarios out. */
  readonly reports: readonly RunReport[];
  readonly exitCode: number;
}

export async function runCommand(request: RunRequest, deps: RunDeps): Promise<RunOutcome> {
  const started = deps.clock.now();
  // Every file is read and checked against the cluster before the first pod exists: a typo in the
  // third scenario must not surface after the first two have run.
  const scenarios = (await loadScenarios(request.files, request.inline)).map((loaded) => withOverrides(loaded, request.overrides));
  // Read before anything runs: a missing bundle must not cost a finished run its report.
  const assets = await htmlAssetsFor([request.output, request.reportFormat]);
  enforceSizeLimits(scenarios, request.limits ?? DEFAULT_SIZE_LIMITS);
  const changing = scenarios.filter((s) => plannedChanges(s.steps ?? []).length > 0);
  if (changing.length > 0 && !request.yes && deps.confirm === undefined) {
    throw new InputError(
      `${changing.map((s) => s.file).join(', ')} change${changing.length === 1 ? 's' : ''} NetworkPolicies or Namespace labels in its steps (and puts them back afterwards); ` +
        'stdin is not a terminal, so nobody can confirm: look at the steps with --dry-run, then run again with --yes',
    );
  }
  if (request.reportFile) {
    await checkReportTarget(request.reportFile);
    // Scenario paths are as given (relative to the working directory), like the report's.
    await refuseOverwritingInputs('--report', request.reportFile, request.files, process.cwd());
  }
  const runIdOf = (index: number): string => (request.runId !== undefined && scenarios.length > 1 ? `${request.runId}-${index + 1}` : (request.runId ?? newRunId()));
  const prepared: { scenario: Scenario; facts: TargetFacts; runId: string }[] = [];
  let cluster: ClusterPort | undefined;
  let tiers: readonly RawObject[] = [];
  // Several scenarios, one cluster: a warning about its nodes is said once.
  const warnOnce = onceEach(deps.warn ?? ((text) => deps.progress.step(text)));
  try {
    cluster = deps.connect();
    for (const [index, scenario] of scenarios.entries()) {
      deps.progress.step(`checking that ${scenario.file} matches the cluster at ${cluster.server}`);
      prepared.push({ scenario, facts: await preflight(scenario, cluster, { warn: warnOnce }), runId: runIdOf(index) });
    }
    if (deps.scanClusterPolicies && scenarios.some((s) => everyCheck(s).some((c) => c.expect === 'policy'))) {
      // Read once, before anything is created: a run's steps change NetworkPolicies and Namespace labels, never these.
      tiers = await guardClusterPolicies(deps.scanClusterPolicies, {
        ignore: request.ignoreClusterPolicies ?? false,
        doing: 'deriving the expectations of expect: policy checks',
        warn: deps.warn ?? ((text) => deps.progress.step(text)),
        tiers: 'model',
      });
    }
    if (changing.length > 0) await prepareStepChanges(changing, cluster, request, deps);
  } catch (error) {
    // Nothing was created; the report file still says why, so CI never reads a stale or missing one.
    if (request.reportFile) {
      // The scenario whose preflight threw; none when a check across all of them did.
      const failed = cluster ? scenarios[prepared.length] : undefined;
      const reports = scenarios.map((scenario, index) =>
        notStartedReport(scenario, {
          runId: prepared[index]?.runId ?? runIdOf(index),
          toolVersion: deps.toolVersion,
          at: deps.clock.now(),
          ...(cluster ? { server: cluster.server } : {}),
          error: { kind: 'preflight', message: !failed || index === prepared.length ? errorText(error) : `not started because the preflight of ${failed.file} failed` },
        }),
      );
      await writeReportFile(request.reportFile, renderReports(request.reportFormat, reports, { color: false, ...assets }));
    }
    throw error;
  }
  await sweepBeforeRun(cluster, prepared.map((p) => p.scenario), deps);

  const readPolicyObjects = deps.readPolicyObjects;
  const reports: RunReport[] = [];
  // The last scenario's probe pods are deleted after its verdict is out (see finishRun).
  let pending: JudgedRun | undefined;
  for (const [index, { scenario, facts, runId }] of prepared.entries()) {
    // The first run always starts: on an early interrupt it returns the report that says so.
    if (deps.signal?.aborted && reports.length > 0) break;
    const position = prepared.length > 1 ? `scenario ${index + 1}/${prepared.length} ${scenario.name}, ` : '';
    const steps = scenario.steps?.length ?? 0;
    deps.progress.step(`${position}run ${runId}: ${everyCheck(scenario).length} check(s)${steps > 0 ? ` in ${steps} step(s)` : ''} from ${scenario.actors.size} actor(s), image ${scenario.defaults.pod.image}`);
    const options: RunOptions = {
      runId,
      clusterDomain: request.clusterDomain,
      keep: request.keep,
      progress: deps.progress,
      clock: deps.clock,
      toolVersion: deps.toolVersion,
      facts,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(readPolicyObjects && everyCheck(scenario).some((c) => c.expect === 'policy')
        ? { resolveExpectations: policyExpectations(async () => [...(await readPolicyObjects()), ...tiers], request.policyEngine) }
        : {}),
    };
    if (scenario.steps && scenario.steps.length > 0) {
      reports.push(...(await runStepScenario(scenario, cluster, options, stepDeps(request, deps, runId))));
    } else {
      const judged = await judgeScenario(scenario, cluster, options);
      // Earlier scenarios clear their pods before the next one starts, so runs never overlap.
      if (index === prepared.length - 1) pending = judged;
      reports.push(index === prepared.length - 1 ? judged.verdict : await judged.tearDown());
    }
  }
  return finishRun(reports, pending, { prepared: prepared.length, started, assets }, request, deps);
}

/**
 * The verdict first (report file, then stdout), the last scenario's pod deletion after it, on every
 * path: deleting pods takes seconds that tell the user nothing. Once the pods are gone the report
 * file is written again with the teardown in it (its time, a cleanup failure), and the summary line
 * on stderr says both times.
 */
async function finishRun(
  verdicts: readonly RunReport[],
  pending: JudgedRun | undefined,
  run: { readonly prepared: number; readonly started: number; readonly assets: Awaited<ReturnType<typeof htmlAssetsFor>> },
  request: RunRequest,
  deps: RunDeps,
): Promise<RunOutcome> {
  const { assets } = run;
  // A report file that cannot be written is said with the run's own result (reportError); anything
  // else that fails while writing the verdict is rethrown as it is (outputError).
  let reportError: unknown;
  let outputError: unknown;
  let reports = verdicts;
  try {
    // The file first: a stdout reader that stops early (`| head`) must not cost the report.
    if (request.reportFile) {
      await writeReportFile(request.reportFile, renderReports(request.reportFormat, reports, { color: false, ...assets })).catch((error: unknown) => (reportError = error));
    }
    const rendered = renderReports(request.output, reports, { color: request.color, ...(request.width ? { width: request.width } : {}), ...assets });
    deps.write(rendered.endsWith('\n') ? rendered : `${rendered}\n`);
  } catch (error) {
    outputError ??= error;
  }
  const verdictMs = deps.clock.now() - run.started;
  if (pending) {
    reports = [...verdicts.slice(0, -1), await pending.tearDown()];
    if (request.reportFile && reportError === undefined && outputError === undefined) {
      await writeReportFile(request.reportFile, renderReports(request.reportFormat, reports, { color: false, ...assets })).catch((error: unknown) => (reportError = error));
    }
  }
  const exitCode = exitCodeOfAll(reports, deps.signal);
  const passed = reports.reduce((sum, r) => sum + r.summary.passed, 0);
  const total = reports.reduce((sum, r) => sum + r.summary.total, 0);
  const skippedScenarios = run.prepared - reports.length;
  deps.progress.finish(
    exitCode === 0,
    `${passed}/${total} checks passed${run.prepared > 1 ? ` in ${reports.length} scenario(s)` : ''}${skippedScenarios > 0 ? `; ${skippedScenarios} scenario(s) not started` : ''}` +
      timesText(verdictMs, pending ? reports.at(-1) : undefined, request.keep, deps.clock.now() - run.started),
  );
  if (outputError !== undefined) throw outputError;
  // The run's own verdict still reaches the reader: a lost file must not hide that a check failed.
  if (reportError !== undefined) throw new InfraError(`${errorText(reportError)}; the run itself finished with exit code ${exitCode} (${passed}/${total} checks passed)`, { cause: reportError, causeSummarized: true });
  return { reports, exitCode };
}

/** `; verdict after 9.4s, probe pods removed after 12.1s`: when the user had the answer, and when the cluster was clean. */
function timesText(verdictMs: number, last: RunReport | undefined, keep: boolean, endMs: number): string {
  const verdict = `; verdict after ${formatSeconds(verdictMs)}`;
  if (last === undefined || last.teardownMs === undefined) return keep ? `${verdict}, probe pods kept (--keep)` : verdict;
  if (last.errors.some((e) => e.kind === 'cleanup')) return `${verdict}, removing the probe pods failed after ${formatSeconds(endMs)}`;
  return `${verdict}, probe pods removed after ${formatSeconds(endMs)}`;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Before the first pod of a run whose steps change objects: the authorizer is asked for every write,
 * the journal's namespace must exist, and the user confirms on a terminal (or gave --yes).
 */
async function prepareStepChanges(changing: readonly Scenario[], cluster: ClusterPort, request: RunRequest, deps: RunDeps): Promise<void> {
  const journalNamespace = request.journalNamespace ?? JOURNAL_NAMESPACE;
  const changes = changing.flatMap((s) => plannedChanges(s.steps ?? []));
  await requireWritePermissions((q) => cluster.canI(q), { refs: changes.map((c) => c.ref), ...(request.journalFile ? {} : { journalNamespace }) }, cluster.server);
  if (!request.journalFile && (await cluster.namespacePhase(journalNamespace)) !== 'Active') {
    throw new InputError(
      `the journal namespace "${journalNamespace}" does not exist: steps that change objects keep a journal there (a ConfigMap), so the changes can be undone even if kubeknock dies. ` +
        `Create it (kubectl create namespace ${journalNamespace}), pick another with --journal-namespace, or use --journal FILE`,
    );
  }
  if (request.yes) return;
  const lines = changing.flatMap((s) => (s.steps ?? []).map((step, i) => `  ${s.name} step ${i + 1}: ${step.name}: ${plannedChanges([step]).map((c) => `${c.action} ${describeRef(c.ref)}`).join(', ') || 'no object changes'}`));
  deps.warn?.(`the steps change these objects (and put them back at the end):\n${lines.join('\n')}`);
  if (!(await deps.confirm?.(`Make these ${changes.length} change(s) in ${cluster.server}? [y/N] `))) throw new InputError('not confirmed: nothing was created or changed');
}

function stepDeps(request: RunRequest, deps: RunDeps, runId: string): StepRunDeps {
  if (!deps.objects) throw new Error('a multi-step run needs an object writer (RunDeps.objects)');
  const objects = deps.objects();
  const store = request.journalFile ? fileJournalStore(request.journalFile) : configMapJournalStore(objects, request.journalNamespace ?? JOURNAL_NAMESPACE, journalConfigMapName(runId));
  return { objects, store };
}

/** The whole message of an error, located issues included, on one line for a report. */
function errorText(error: unknown): string {
  if (error instanceof InputError && error.issues.length > 0) return `${error.message}: ${error.issues.map(formatIssue).join('; ')}`;
  return describeError(error);
}

/**
 * Every run removes, in the namespaces it is about to use, the probe pods that earlier runs left
 * behind and that can serve nobody any more (a CLI killed with SIGKILL leaves them `Failed` at their
 * deadline, forever). A sweep that fails does not stop the run: it is housekeeping, said on stderr.
 */
export async function sweepBeforeRun(cluster: ClusterPort, scenarios: readonly Scenario[], deps: Pick<RunDeps, 'progress' | 'clock'>): Promise<void> {
  const namespaces = [...new Set(scenarios.flatMap((s) => [...s.actors.values()].map((actor) => actor.namespace)))].sort();
  try {
    const { removed, live } = await sweepLeftovers(cluster, namespaces, deps.clock);
    if (removed.length > 0) {
      deps.progress.step(`removed ${removed.length} probe pod(s) that earlier runs left behind: ${removed.map(describeLeftover).join('; ')}`);
    }
    if (live.length > 0) {
      const runs = [...new Set(live.map((l) => l.runId ?? '?'))].sort();
      deps.progress.step(`left alone ${live.length} probe pod(s) of other run(s) still within their deadline (${runs.map((r) => `run ${r}`).join(', ')}); "kubeknock cleanup --run-id ID" removes them`);
    }
  } catch (error) {
    deps.progress.step(`could not remove the probe pods earlier runs left behind (${describeError(error)}); "kubeknock cleanup" does it`);
  }
}

/** The exit code of several runs: an interrupt wins, then a broken run (2), then a failed check (1). */
export function exitCodeOfAll(reports: readonly RunReport[], signal?: AbortSignal): number {
  if (signal?.aborted) return String(signal.reason ?? '').includes('SIGTERM') ? 143 : 130;
  return Math.max(0, ...reports.map((report) => exitCodeOf(report, signal)));
}

/**
 * 0 every expectation met; 1 some expectation failed; 2 the run itself broke (pods could not start,
 * cleanup failed); 130/143 interrupted by SIGINT/SIGTERM.
 */
export function exitCodeOf(report: RunReport, signal?: AbortSignal): number {
  if (report.interrupted) return String(signal?.reason ?? '').includes('SIGTERM') ? 143 : 130;
  if (report.errors.length > 0) return 2;
  return report.summary.failed > 0 || report.summary.skipped > 0 ? 1 : 0;
}

export function reportFormatForFile(file: string, fallback: ReportFormat): ReportFormat {
  if (/\.json$/i.test(file)) return 'json';
  if (/\.xml$/i.test(file)) return 'junit';
  if (/\.tap$/i.test(file)) return 'tap';
  if (/\.md$/i.test(file)) return 'markdown';
  if (/\.txt$/i.test(file)) return 'table';
  if (/\.html?$/i.test(file)) return 'html';
  if (/\.(dot|gv)$/i.test(file)) return 'dot';
  if (/\.mmd$/i.test(file)) return 'mermaid';
  return fallback;
}

export function withOverrides(scenario: Scenario, o: DefaultsOverride): Scenario {
  const d = scenario.defaults;
  const defaults: Defaults = {
    ...d,
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
    ...(o.settleSeconds !== undefined ? { settleSeconds: o.settleSeconds } : {}),
    pod: { ...d.pod, ...(o.image ? { image: o.image } : {}), ...(o.imagePullPolicy ? { imagePullPolicy: o.imagePullPolicy } : {}) },
  };
  const override = (checks: readonly Check[]): Check[] =>
    checks.map((c) => ({
      ...c,
      ...(o.timeoutSeconds ? { timeoutSeconds: o.timeoutSeconds } : {}),
      ...(o.attempts ? { attempts: o.attempts } : {}),
    }));
  // A step's checks are copies of the top-level ones plus its own: every copy gets the flags.
  const steps = scenario.steps?.map((step) => ({ ...step, checks: override(step.checks) }));
  return { ...scenario, defaults, checks: override(scenario.checks), ...(steps ? { steps } : {}) };
}

/** `say`, but each text only the first time. */
export function onceEach(say: (text: string) => void): (text: string) => void {
  const said = new Set<string>();
  return (text) => {
    if (said.has(text)) return;
    said.add(text);
    say(text);
  };
}

/** Short, lower-case, label-safe: it goes into a label value and into pod names' neighbourhood. */
export function newRunId(): string {
  return randomBytes(4).toString('hex');
}
