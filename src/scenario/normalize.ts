/**
 * Step two of reading a scenario: from the user's document (right shape) to the program's Scenario
 * (right meaning). Resolves references, applies defaults, expands many-by-many checks and collects
 * every problem with its location instead of stopping at the first.
 */
import type { InputIssue } from '../model/errors.js';
import { MANAGED_BY_LABEL, RUN_ID_LABEL } from '../model/labels.js';
import type { Actor, Check, CheckExpectation, CheckKind, Defaults, Scenario } from '../model/scenario.js';
import { DEFAULTS } from './defaults.js';
import type { CheckDocument, ScenarioDocument, TargetRefDocument } from './document.js';
import { dns1123SubdomainProblem, imageReferenceProblem, labelProblem, portNameProblem, tolerationProblems } from '../model/kube-rules.js';
import { policyExpectProblem, resolveTargetRef, type ResolvedTarget, type TargetContext } from './targets.js';
import type { BrokenParts } from './validate-shape.js';
import { formatPath, type FieldPath, type YamlSource } from './yaml-source.js';

const NOTHING_BROKEN: BrokenParts = { checks: new Set(), names: new Set() };

/** `broken` names the entries that already failed the schema: they are skipped, and not reported twice. */
export function normalizeScenario(doc: ScenarioDocument, source: YamlSource, broken: BrokenParts = NOTHING_BROKEN): { scenario?: Scenario; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const report = (path: FieldPath, message: string): void => {
    issues.push({ file: source.file, line: source.lineOf(path), path: formatPath(path), message });
  };
  const locate = (path: FieldPath) => ({ file: source.file, line: source.lineOf(path), path: formatPath(path) });

  const defaults = applyDefaults(doc, report);
  const actors = new Map<string, Actor>();
  for (const [name, actor] of Object.entries(doc.spec.actors)) {
    const path = ['spec', 'actors', name];
    for (const [key, value] of Object.entries(actor.labels ?? {})) {
      const problem = labelProblem(key, value) ?? reservedLabelProblem(key);
      if (problem) report([...path, 'labels', key], problem);
    }
    const listen = (actor.listen ?? []).map((l) => (typeof l === 'number' ? { port: l } : l));
    const seenPorts = new Set<number>();
    const seenNames = new Set<string>();
    listen.forEach((l, i) => {
      if (seenPorts.has(l.port)) report([...path, 'listen', i], `port ${l.port} is listed twice`);
      seenPorts.add(l.port);
      if (l.name === undefined) return;
      const problem = portNameProblem(l.name);
      if (problem) report([...path, 'listen', i, 'name'], problem);
      // The API server rejects a pod whose containers name two ports alike.
      else if (seenNames.has(l.name)) report([...path, 'listen', i, 'name'], `port name ${JSON.stringify(l.name)} is used twice; port names must be unique in a pod`);
      seenNames.add(l.name);
    });
    actors.set(name, { name, namespace: actor.namespace, labels: actor.labels ?? {}, listen, serve: actor.serve ?? false, source: locate(path) });
  }
  const namedTargets = doc.spec.targets ?? {};
  for (const name of Object.keys(namedTargets)) {
    if (actors.has(name)) report(['spec', 'targets', name], `"${name}" is also an actor's name; give the target another name so references are unambiguous`);
  }
  const ctx: TargetContext = { actors, namedTargets, broken: broken.names };

  const checks: Check[] = [];
  const cellKeys = new Map<string, string>();
  doc.spec.checks.forEach((checkDoc, index) => {
    if (broken.checks.has(index)) return;
    for (const check of expandCheck(checkDoc, index, ctx, defaults, report, locate)) {
      const key = `${check.from}\u0000${check.toLabel}\u0000${check.kind}`;
      const earlier = cellKeys.get(key);
      if (earlier) {
        report(['spec', 'checks', index], `${check.from} → ${check.toLabel} (${check.kind}) is already checked at ${earlier}; remove one`);
        continue;
      }
      cellKeys.set(key, check.source.path);
      checks.push({ ...check, id: `c${checks.length + 1}` });
    }
  });

  if (issues.length > 0) return { issues };
  return { scenario: { name: doc.metadata.name, file: source.file, defaults, actors, checks }, issues };
}

function reservedLabelProblem(key: string): string | undefined {
  if (key !== MANAGED_BY_LABEL && key !== RUN_ID_LABEL) return undefined;
  return `"${key}" is set by kubeknock on every probe pod (it is how leftovers are found); remove it from the actor`;
}

type Report = (path: FieldPath, message: string) => void;
type Locate = (path: FieldPath) => Check['source'];

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
    pod: { ...DEFAULTS.pod, ...pod },
  };
}

/** One check entry → one Check per (from, to) cell, with `except` overriding single cells. */
function expandCheck(doc: CheckDocument, index: number, ctx: TargetContext, defaults: Defaults, report: Report, locate: Locate): Omit<Check, 'id'>[] {
  const path: FieldPath = ['spec', 'checks', index];
  const froms = typeof doc.from === 'string' ? [doc.from] : [...doc.from];
  let ok = true;
  froms.forEach((from, i) => {
    if (ctx.broken.has(from)) ok = false;
    else if (!ctx.actors.has(from)) {
      report(typeof doc.from === 'string' ? [...path, 'from'] : [...path, 'from', i], `unknown actor "${from}" (actors: ${[...ctx.actors.keys()].join(', ')})`);
      ok = false;
    }
  });

  const destinations = [doc.to !== undefined, doc.dns !== undefined, doc.url !== undefined].filter(Boolean).length;
  if (destinations !== 1) {
    report(path, destinations === 0 ? 'say where to knock: give "to", "dns" or "url"' : 'give only one of "to", "dns" and "url"');
    return [];
  }
  const refs: { ref: TargetRefDocument; path: FieldPath }[] =
    doc.dns !== undefined
      ? [{ ref: { dns: doc.dns }, path: [...path, 'dns'] }]
      : doc.url !== undefined
        ? [{ ref: { url: doc.url }, path: [...path, 'url'] }]
        : Array.isArray(doc.to)
          ? (doc.to as TargetRefDocument[]).map((ref, i) => ({ ref, path: [...path, 'to', i] }))
          : [{ ref: doc.to as TargetRefDocument, path: [...path, 'to'] }];

  const targets: { resolved: ResolvedTarget; kind: CheckKind; path: FieldPath }[] = [];
  for (const { ref, path: refPath } of refs) {
    const result = resolveTargetRef(ref, ctx);
    if (!result.ok) {
      if (result.problem) report(refPath, result.problem);
      ok = false;
      continue;
    }
    const kind = pickKind(doc.kind, result.value, (message) => report([...path, 'kind'], message));
    if (!kind) ok = false;
    else targets.push({ resolved: result.value, kind, path: refPath });
  }
  if (!ok) return [];

  const overrides = new Map<string, CheckExpectation>();
  (doc.except ?? []).forEach((cell, i) => {
    const known = froms.includes(cell.from) && targets.some((t) => t.resolved.label === cell.to);
    if (!known) {
      report([...path, 'except', i], `${cell.from} → ${cell.to} is not a cell of this check (from: ${froms.join(', ')}; to: ${targets.map((t) => t.resolved.label).join(', ')})`);
    }
    overrides.set(`${cell.from}\u0000${cell.to}`, cell.expect);
  });
  if (!policyExpectationsFit(doc, froms, targets, overrides, path, report)) return [];

  const many = froms.length * targets.length > 1;
  return froms.flatMap((from) =>
    targets.flatMap(({ resolved, kind }) => {
      if (resolved.target.type === 'actor' && resolved.target.actor === from) {
        // CNIs disagree on whether policy applies to a pod talking to itself, so it is no test of
        // policy. In a many-by-many check that cell is simply left out; asked for alone, it is an error.
        if (!many) report(path, `${from} → ${resolved.label} is a probe pod talking to itself; CNIs differ on whether policy applies to that, so kubeknock does not judge it`);
        return [];
      }
      const defaultName = `${from} → ${resolved.label}`;
      return {
        name: doc.name ? (many ? `${doc.name}: ${defaultName}` : doc.name) : defaultName,
        from,
        to: resolved.target,
        toLabel: resolved.label,
        kind,
        expect: overrides.get(`${from}\u0000${resolved.label}`) ?? doc.expect,
        timeoutSeconds: doc.timeoutSeconds ?? defaults.timeoutSeconds,
        attempts: doc.attempts ?? defaults.attempts,
        source: locate(path),
      };
    }),
  );
}

/**
 * `expect: policy` only where the engine can judge (see policyExpectProblem): reported on the target
 * when the check says it, on the `except` entry when a cell says it.
 */
function policyExpectationsFit(
  doc: CheckDocument,
  froms: readonly string[],
  targets: readonly { resolved: ResolvedTarget; path: FieldPath }[],
  overrides: ReadonlyMap<string, CheckExpectation>,
  path: FieldPath,
  report: Report,
): boolean {
  let fits = true;
  for (const { resolved, path: refPath } of targets) {
    const problem = policyExpectProblem(resolved.target);
    if (problem === undefined) continue;
    if (doc.expect === 'policy' && froms.some((from) => !overrides.has(`${from}\u0000${resolved.label}`))) {
      report(refPath, problem);
      fits = false;
    }
    (doc.except ?? []).forEach((cell, i) => {
      if (cell.expect !== 'policy' || cell.to !== resolved.label) return;
      report([...path, 'except', i, 'expect'], `${resolved.label}: ${problem}`);
      fits = false;
    });
  }
  return fits;
}

function pickKind(requested: CheckKind | undefined, target: ResolvedTarget, problem: (message: string) => void): CheckKind | undefined {
  if (target.impliedKind) {
    if (requested && requested !== target.impliedKind) {
      problem(`kind "${requested}" does not fit ${target.label}, which is probed with "${target.impliedKind}"; remove "kind"`);
      return undefined;
    }
    return target.impliedKind;
  }
  if (requested === 'dns') {
    problem(`kind "dns" needs a DNS name: use "dns: NAME" (or a {dns: NAME} target) instead of "to: ${target.label}"`);
    return undefined;
  }
  return requested ?? 'tcp';
}
