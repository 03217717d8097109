/**
 * The steps of a multi-step scenario: each one's changes and checks. A step's changes come in a fixed
 * order, apply → delete → labels, whatever order the YAML keys are written in: applying first lets a
 * step replace a policy (apply the new one, delete the old one) with no moment when neither exists.
 * Its checks are the top-level checks (run at every step) followed by its own.
 */
import { assertNever } from '../model/assert-never.js';
import type { InputIssue } from '../model/errors.js';
import { labelProblem, qualifiedNameProblem } from '../model/kube-rules.js';
import { describeRef, refOf, type KubeObject, type ObjectRef } from '../model/objects.js';
import type { Check, Step, StepChange } from '../model/scenario.js';
import type { RawObject } from '../policy/index.js';
import { collectChecks, type CheckContext } from './checks.js';
import type { ObjectRefDocument, StepDocument } from './document.js';
import { reservedLabelProblem } from './reserved-labels.js';
import { checkApplyObject, checkDeleteObject, refOfFields, unpackLists, type Checked, type StepObject } from './step-objects.js';
import type { BrokenParts } from './validate-shape.js';
import { formatPath, type FieldPath, type YamlSource } from './yaml-source.js';

/** What the loader read for one file or directory a step names. */
export interface StepFile {
  /** The reference resolved against the scenario file's directory, as messages show it. */
  readonly path: string;
  readonly objects: readonly RawObject[];
  /** Problems reading it: file-level ones (line 0) and YAML ones (located in the file). */
  readonly issues: readonly InputIssue[];
}

/** By the reference as the scenario writes it (`policies/deny.yaml`). */
export type StepFiles = ReadonlyMap<string, StepFile>;

export interface StepContext extends CheckContext {
  readonly source: YamlSource;
  readonly broken: BrokenParts;
  /** For issues an object locates itself: in a step's manifest, or inline in the scenario. */
  readonly push: (issue: InputIssue) => void;
  /** Absent for a scenario made in memory: it has no directory to resolve files against. */
  readonly files?: StepFiles;
}

export interface EveryStepChecks {
  readonly checks: readonly Check[];
  /** The scenario has top-level checks, even if all of them were refused (then no step is "without checks"). */
  readonly written: boolean;
}

/**
 * A file named by several steps (or under apply and delete both) is checked once per verb, and its
 * problems are reported once.
 */
interface FileCache {
  readonly checked: Map<string, readonly (KubeObject | ObjectRef)[]>;
  readonly reported: Set<string>;
}

/** A change with the path of the entry it came from, to report conflicts at. */
interface LocatedChange {
  readonly change: StepChange;
  readonly path: FieldPath;
}

export function normalizeSteps(docs: readonly StepDocument[], everyStep: EveryStepChecks, ctx: StepContext): Step[] {
  const names = new Map<string, string>();
  const cache: FileCache = { checked: new Map(), reported: new Set() };
  return docs.flatMap((doc, index): Step[] => {
    if (ctx.broken.steps.has(index)) return [];
    const at: FieldPath = ['spec', 'steps', index];
    const first = names.get(doc.name);
    if (first !== undefined) ctx.report([...at, 'name'], `step name ${JSON.stringify(doc.name)} is already the name of ${first}; give each step its own name (reports tell the steps apart by it)`);
    else names.set(doc.name, formatPath(at));

    const located = [...applyChanges(doc, at, ctx, cache), ...deleteChanges(doc, at, ctx, cache)];
    refuseConflicts(located, ctx);
    const changes = [...located.map(({ change }) => change), ...labelChanges(doc, at, ctx)];
    const broken = ctx.broken.stepChecks.get(index) ?? new Set<number>();
    const entries = (doc.checks ?? []).flatMap((checkDoc, i) => (broken.has(i) ? [] : [{ doc: checkDoc, path: [...at, 'checks', i] }]));
    const own = collectChecks(entries, everyStep.checks, ctx);
    if (doc.checks === undefined && !everyStep.written) {
      ctx.report(at, `step ${JSON.stringify(doc.name)} has no checks: give it "checks", or give the scenario top-level "checks", which run at every step`);
    }
    return [{ name: doc.name, changes, checks: [...everyStep.checks, ...own], source: ctx.locate(at) }];
  });
}

function applyChanges(doc: StepDocument, at: FieldPath, ctx: StepContext, cache: FileCache): LocatedChange[] {
  return (doc.apply ?? []).flatMap((entry, j): LocatedChange[] => {
    const path = [...at, 'apply', j];
    const objects = entryValues(entry, path, 'apply', ctx, cache, checkApplyObject);
    return objects.length === 0 ? [] : [{ change: { type: 'apply', objects, source: ctx.locate(path) }, path }];
  });
}

function deleteChanges(doc: StepDocument, at: FieldPath, ctx: StepContext, cache: FileCache): LocatedChange[] {
  return (doc.delete ?? []).flatMap((entry, j): LocatedChange[] => {
    const path = [...at, 'delete', j];
    const refs = typeof entry === 'string' ? entryValues(entry, path, 'delete', ctx, cache, checkDeleteObject) : deleteRef(entry, path, ctx);
    return refs.length === 0 ? [] : [{ change: { type: 'delete', refs, source: ctx.locate(path) }, path }];
  });
}

/** `{kind, namespace, name}` (apiVersion optional): the problems sit on the entry's own fields. */
function deleteRef(entry: ObjectRefDocument, path: FieldPath, ctx: StepContext): ObjectRef[] {
  const { ref, problems } = refOfFields({ apiVersion: entry.apiVersion, kind: entry.kind, namespace: entry.namespace, name: entry.name }, 'delete', false);
  for (const problem of problems) ctx.report([...path, problem.field], problem.message);
  return ref === undefined ? [] : [ref];
}

/**
 * The checked values of one apply or delete entry: a file or directory the loader read (checked once
 * per reference and verb), or an object written inline.
 */
function entryValues<T extends KubeObject | ObjectRef>(
  entry: string | Readonly<Record<string, unknown>>,
  path: FieldPath,
  verb: 'apply' | 'delete',
  ctx: StepContext,
  cache: FileCache,
  check: (object: StepObject) => Checked<T>,
): readonly T[] {
  if (typeof entry !== 'string') {
    const raw: RawObject = { value: entry, file: ctx.source.file, locate: (p) => ({ line: ctx.source.lineOf([...path, ...p]) }) };
    return checkAll([{ raw, at: path }], check, ctx);
  }
  if (ctx.files === undefined) {
    ctx.report(path, `${JSON.stringify(entry)} is a file, and this scenario was made in memory, with no directory to find it in: write the object inline`);
    return [];
  }
  const file = ctx.files.get(entry);
  // The loader reads every reference the document has; a missing one is a bug, not bad input.
  if (file === undefined) throw new Error(`the scenario loader did not read the step file ${JSON.stringify(entry)}`);
  // Problems with the file itself belong to the step that names it; those inside it, to the file.
  for (const issue of file.issues) if (issue.line === 0) ctx.report(path, `${JSON.stringify(entry)} (${issue.file}): ${issue.message}`);
  if (file.objects.length === 0 && file.issues.length === 0) {
    ctx.report(path, `${JSON.stringify(entry)} (${file.path}) holds no objects to ${verb}; a directory is read for its .yaml, .yml and .json files, not its subdirectories`);
  }
  const key = `${verb}\u0000${entry}`;
  const cached = cache.checked.get(key) as readonly T[] | undefined;
  if (cached !== undefined) return cached;
  if (!cache.reported.has(entry)) for (const issue of file.issues) if (issue.line > 0) ctx.push(issue);
  cache.reported.add(entry);
  const value = checkAll(file.objects.map((raw) => ({ raw, at: [] })), check, ctx);
  cache.checked.set(key, value);
  return value;
}

function checkAll<T>(objects: readonly StepObject[], check: (object: StepObject) => Checked<T>, sink: Pick<StepContext, 'push'>): T[] {
  return unpackLists(objects).flatMap((object) => {
    const { value, issues } = check(object);
    for (const issue of issues) sink.push(issue);
    return value === undefined ? [] : [value];
  });
}

function labelChanges(doc: StepDocument, at: FieldPath, ctx: StepContext): StepChange[] {
  return Object.entries(doc.labels ?? {}).flatMap(([actor, labels]): StepChange[] => {
    const path = [...at, 'labels', actor];
    if (ctx.targets.broken.has(actor)) return [];
    if (!ctx.targets.actors.has(actor)) {
      ctx.report(path, `unknown actor "${actor}" (actors: ${[...ctx.targets.actors.keys()].join(', ')}); a step relabels the probe pod of an actor`);
      return [];
    }
    let ok = true;
    for (const [key, value] of Object.entries(labels)) {
      const keyProblem = qualifiedNameProblem(key);
      const problem = (value === null ? (keyProblem ? `label ${keyProblem}` : undefined) : labelProblem(key, value)) ?? reservedLabelProblem(key, 'a step cannot change it: remove it from the step');
      if (problem) {
        ctx.report([...path, key], problem);
        ok = false;
      }
    }
    return ok ? [{ type: 'label-actor', actor, labels, source: ctx.locate(path) }] : [];
  });
}

/** The objects a change applies or deletes (none for a relabelling). */
export function changedRefs(change: StepChange): ObjectRef[] {
  switch (change.type) {
    case 'apply':
      return change.objects.map(refOf);
    case 'delete':
      return [...change.refs];
    case 'label-actor':
      return [];
    default:
      return assertNever(change, 'step change');
  }
}

/**
 * Within one step an object is applied once and deleted once at most, never both: the step applies
 * first and deletes after, so "both" would silently mean "deleted".
 */
function refuseConflicts(changes: readonly LocatedChange[], ctx: StepContext): void {
  const applied = new Map<string, string>();
  const deleted = new Map<string, string>();
  for (const { change, path } of changes) {
    if (change.type === 'label-actor') continue;
    const refs = changedRefs(change).map(describeRef);
    const seen = change.type === 'apply' ? applied : deleted;
    for (const ref of refs) {
      const first = seen.get(ref);
      const firstApplied = change.type === 'delete' ? applied.get(ref) : undefined;
      if (first !== undefined) {
        ctx.report(path, `${ref} is ${change.type === 'apply' ? 'applied' : 'deleted'} twice in this step (first by ${first}); remove one`);
      } else if (firstApplied !== undefined) {
        ctx.report(path, `${ref} is applied (by ${firstApplied}) and deleted in one step; a step applies first and deletes after, so it would end up gone: remove one, or delete it in a later step`);
      }
      if (first === undefined) seen.set(ref, change.source.path);
    }
  }
}
