/**
 * Check entries (top-level or a step's) → one Check per (from, to) cell: references resolved,
 * defaults applied, `except` cells overridden, every repeated cell refused.
 */
import { familyCheckId, familyLabel, type IpFamily } from '../model/family.js';
import type { Check, CheckExpectation, CheckKind, Defaults, Target } from '../model/scenario.js';
import type { CheckDocument, TargetRefDocument } from './document.js';
import { checkFamilies } from './families.js';
import { policyExpectProblem, resolveTargetRef, type ResolvedTarget, type TargetContext } from './targets.js';
import type { FieldPath } from './yaml-source.js';

export type Report = (path: FieldPath, message: string) => void;
export type Locate = (path: FieldPath) => Check['source'];

export interface CheckEntry {
  readonly doc: CheckDocument;
  readonly path: FieldPath;
}

export interface CheckContext {
  readonly targets: TargetContext;
  readonly defaults: Defaults;
  readonly report: Report;
  readonly locate: Locate;
}

/**
 * The checks of `entries`, with ids numbered on from `earlier` (a step's checks follow the top-level
 * ones, which run at every step, so one cell keeps one id across steps). A cell already checked among
 * `earlier` or these is refused: two checks of one cell would show two verdicts in one matrix cell.
 * The checks of one `family: both` cell share a number: `c3@ipv4` and `c3@ipv6`.
 */
export function collectChecks(entries: readonly CheckEntry[], earlier: readonly Check[], ctx: CheckContext): Check[] {
  const cells = new Map<string, string>(earlier.map((check) => [cellKey(check), `${check.source.path}, which runs at every step`]));
  const checks: Check[] = [];
  let number = new Set(earlier.map((check) => baseCheckId(check.id))).size;
  for (const { doc, path } of entries) {
    for (const group of expandCheck(doc, path, ctx.targets, ctx.defaults, ctx.report, ctx.locate)) {
      const fresh = group.filter((check) => {
        const key = cellKey(check);
        const first = cells.get(key);
        if (first) ctx.report(path, `${check.from} → ${check.toLabel} (${check.kind}) is already checked at ${first}; remove one`);
        else cells.set(key, check.source.path);
        return first === undefined;
      });
      if (fresh.length === 0) continue;
      number += 1;
      const id = `c${number}`;
      for (const check of fresh) checks.push({ ...check, id: group.length > 1 && check.family ? familyCheckId(id, check.family) : id });
    }
  }
  return checks;
}

/** `c3` of `c3@ipv6`. */
function baseCheckId(id: string): string {
  return id.split('@')[0] ?? id;
}

/** The label carries the family a check asked for, so one cell per family. */
function cellKey(check: Omit<Check, 'id'>): string {
  return `${check.from}\u0000${check.toLabel}\u0000${check.kind}`;
}

/**
 * One check entry → one group per (from, to) cell, with `except` overriding single cells. A group holds
 * one Check per address family the cell runs with (two for `family: both`, else one).
 */
function expandCheck(doc: CheckDocument, path: FieldPath, ctx: TargetContext, defaults: Defaults, report: Report, locate: Locate): Omit<Check, 'id'>[][] {
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

  const targets: { resolved: ResolvedTarget; kind: CheckKind; families: readonly (IpFamily | undefined)[]; path: FieldPath }[] = [];
  // Only a udp check knocks on an actor's UDP ports; every other kind that reaches an actor is TCP.
  const protocol = doc.kind === 'udp' ? 'UDP' : 'TCP';
  for (const { ref, path: refPath } of refs) {
    const result = resolveTargetRef(ref, ctx, protocol);
    if (!result.ok) {
      if (result.problem) report(refPath, result.problem);
      ok = false;
      continue;
    }
    const kind = pickKind(doc.kind, result.value, (message) => report([...path, 'kind'], message));
    const choice = checkFamilies(doc.family, defaults.family, result.value.target);
    if (!choice.ok) report([...path, 'family'], `${result.value.label}: ${choice.problem}`);
    if (!kind || !choice.ok) ok = false;
    else targets.push({ resolved: result.value, kind, families: choice.families, path: refPath });
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
    targets.flatMap(({ resolved, kind, families }) => {
      if (resolved.target.type === 'actor' && resolved.target.actor === from) {
        // CNIs disagree on whether policy applies to a pod talking to itself, so it is no test of
        // policy. In a many-by-many check that cell is simply left out; asked for alone, it is an error.
        if (!many) report(path, `${from} → ${resolved.label} is a probe pod talking to itself; CNIs differ on whether policy applies to that, so kubeknock does not judge it`);
        return [];
      }
      return [
        families.map((family) => {
          const label = familyLabel(resolved.label, family);
          const defaultName = `${from} → ${label}`;
          return {
            name: doc.name ? (many || families.length > 1 ? `${doc.name}: ${defaultName}` : doc.name) : defaultName,
            from,
            to: resolved.target,
            toLabel: label,
            kind,
            ...(family === undefined ? {} : { family }),
            expect: overrides.get(`${from}\u0000${resolved.label}`) ?? doc.expect,
            timeoutSeconds: doc.timeoutSeconds ?? defaults.timeoutSeconds,
            attempts: doc.attempts ?? defaults.attempts,
            source: locate(path),
          };
        }),
      ];
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
  if (requested === 'udp' && target.target.type !== 'actor') {
    problem(
      `kind "udp" needs a responder kubeknock runs, and ${target.label} is ${UDP_REFUSED[target.target.type]}: an unanswered datagram proves nothing against a peer kubeknock does not control (it may simply never reply); ` +
        'target an actor that listens on the port with "protocol: UDP" (listen: [{port: PORT, protocol: UDP}]), or check a DNS server with a dns check ("dns: NAME")',
    );
    return undefined;
  }
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

/** What a udp check may not target, in words: everything but an actor's probe pod. */
const UDP_REFUSED: Readonly<Record<Exclude<Target['type'], 'actor'>, string>> = {
  service: 'a Service',
  pods: 'a pods target',
  host: 'a host',
  url: 'a URL',
  dns: 'a DNS name',
};
