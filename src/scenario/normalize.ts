/**
 * Step two of reading a scenario: from the user's document (right shape) to the program's Scenario
 * (right meaning). Resolves references, applies defaults, expands many-by-many checks and collects
 * every problem with its location instead of stopping at the first.
 */
import type { InputIssue } from '../model/errors.js';
import type { Actor, Defaults, ListenPort, Scenario } from '../model/scenario.js';
import { collectChecks, type CheckContext, type Report } from './checks.js';
import { DEFAULTS } from './defaults.js';
import type { ScenarioDocument } from './document.js';
import { dns1123SubdomainProblem, imageReferenceProblem, labelProblem, portNameProblem, tolerationProblems } from '../model/kube-rules.js';
import { reservedLabelProblem } from './reserved-labels.js';
import { checkPlacements, readPlacement } from './placement.js';
import { normalizeSteps, type StepFiles } from './steps.js';
import type { TargetContext } from './targets.js';
import type { BrokenParts } from './validate-shape.js';
import { formatPath, type FieldPath, type YamlSource } from './yaml-source.js';

const NOTHING_BROKEN: BrokenParts = { checks: new Set(), names: new Set(), steps: new Set(), stepChecks: new Map() };

/**
 * `broken` names the entries that already failed the schema: they are skipped, and not reported twice.
 * `files` holds what the loader read for the files steps name; without it (a scenario made in memory)
 * steps may only write their objects inline.
 */
export function normalizeScenario(
  doc: ScenarioDocument,
  source: YamlSource,
  broken: BrokenParts = NOTHING_BROKEN,
  files?: StepFiles,
): { scenario?: Scenario; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  // Issues inside the manifests steps name follow the scenario's own (inline objects' are the scenario's):
  // the file a person opens first.
  const elsewhere: InputIssue[] = [];
  const report = (path: FieldPath, message: string): void => {
    issues.push({ file: source.file, line: source.lineOf(path), path: formatPath(path), message });
  };
  const locate = (path: FieldPath) => ({ file: source.file, line: source.lineOf(path), path: formatPath(path) });

  const defaults = applyDefaults(doc, report);
  const actors = new Map<string, Actor>();
  for (const [name, actor] of Object.entries(doc.spec.actors)) {
    const path = ['spec', 'actors', name];
    for (const [key, value] of Object.entries(actor.labels ?? {})) {
      const problem = labelProblem(key, value) ?? reservedLabelProblem(key, 'remove it from the actor');
      if (problem) report([...path, 'labels', key], problem);
    }
    const listen = (actor.listen ?? []).map((l): ListenPort => (typeof l === 'number' ? { port: l, protocol: 'TCP' } : { ...l, protocol: l.protocol ?? 'TCP' }));
    // One port number may be open on TCP and on UDP at once, as a container may declare both.
    const seenPorts = new Set<string>();
    const seenNames = new Set<string>();
    listen.forEach((l, i) => {
      const key = `${l.port}/${l.protocol}`;
      if (seenPorts.has(key)) report([...path, 'listen', i], l.protocol === 'TCP' ? `port ${l.port} is listed twice` : `port ${l.port} (UDP) is listed twice`);
      seenPorts.add(key);
      if (l.name === undefined) return;
      const problem = portNameProblem(l.name);
      if (problem) report([...path, 'listen', i, 'name'], problem);
      // The API server rejects a pod whose containers name two ports alike.
      else if (seenNames.has(l.name)) report([...path, 'listen', i, 'name'], `port name ${JSON.stringify(l.name)} is used twice; port names must be unique in a pod`);
      seenNames.add(l.name);
    });
    const placement = readPlacement(actor, path, report, locate);
    actors.set(name, { name, namespace: actor.namespace, labels: actor.labels ?? {}, listen, serve: actor.serve ?? false, ...(placement ? { placement } : {}), source: locate(path) });
  }
  checkPlacements(actors, broken.names, (at, message) => issues.push({ ...at, message }));
  const namedTargets = doc.spec.targets ?? {};
  for (const name of Object.keys(namedTargets)) {
    if (actors.has(name)) report(['spec', 'targets', name], `"${name}" is also an actor's name; give the target another name so references are unambiguous`);
  }
  const ctx: TargetContext = { actors, namedTargets, broken: broken.names };

  const checkContext: CheckContext = { targets: ctx, defaults, report, locate };
  const checkEntries = (doc.spec.checks ?? []).flatMap((checkDoc, index) => (broken.checks.has(index) ? [] : [{ doc: checkDoc, path: ['spec', 'checks', index] }]));
  const checks = collectChecks(checkEntries, [], checkContext);
  const steps = doc.spec.steps === undefined ? undefined : normalizeSteps(doc.spec.steps, { checks, written: doc.spec.checks !== undefined }, { ...checkContext, source, broken, push: (issue) => (issue.file === source.file ? issues : elsewhere).push(issue), ...(files ? { files } : {}) });
  if (doc.spec.checks === undefined && doc.spec.steps === undefined) {
    report(['spec'], 'missing "checks": say what to check, or give "steps" that each change the cluster and check');
  }

  if (issues.length + elsewhere.length > 0) return { issues: [...issues, ...elsewhere] };
  return { scenario: { name: doc.metadata.name, file: source.file, defaults, actors, checks, ...(steps ? { steps } : {}) }, issues };
}

function applyDefaults(doc: ScenarioDocument, report: Report): Defaults {
  const d = doc.spec.defaults ?? {};
  const pod = d.pod ?? {};
  const at = ['spec', 'defaults', 'pod'];
  if (pod.image !== undefined) {
    const problem = imageReferenceProblem(pod.image);
    if (problem) report([...at, 'image'], problem);
  }
  (pod.imagePullSecrets ?? []).forEach((secret, i) => {
    const problem = dns1123SubdomainProblem(secret);
    if (problem) report([...at, 'imagePullSecrets', i], `Secret name ${problem}`);
  });
  for (const [key, value] of Object.entries(pod.nodeSelector ?? {})) {
    const problem = labelProblem(key, value);
    if (problem) report([...at, 'nodeSelector', key], problem);
  }
  (pod.tolerations ?? []).forEach((toleration, i) => {
    for (const { field, message } of tolerationProblems(toleration)) report([...at, 'tolerations', i, field], message);
  });
  return {
    timeoutSeconds: d.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
    attempts: d.attempts ?? DEFAULTS.attempts,
    retryDelaySeconds: d.retryDelaySeconds ?? DEFAULTS.retryDelaySeconds,
    settleSeconds: d.settleSeconds ?? DEFAULTS.settleSeconds,
    concurrency: d.concurrency ?? DEFAULTS.concurrency,
    denyOutcomes: d.denyOutcomes ?? DEFAULTS.denyOutcomes,
    ...(d.family === undefined ? {} : { family: d.family }),
    pod: { ...DEFAULTS.pod, ...pod },
  };
}

