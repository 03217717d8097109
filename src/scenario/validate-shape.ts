/**
 * Step one of reading a scenario: does it have the right shape? Checked against the published JSON
 * Schema (the same file editors use), with every violation reported, not just the first.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { InputIssue } from '../model/errors.js';
import scenarioSchema from './scenario.schema.json' with { type: 'json' };
import type { ScenarioDocument } from './document.js';
import { validate } from './scenario-validator.generated.js';
import { formatPath, type FieldPath, type YamlSource } from './yaml-source.js';
import { excerptOf } from '../model/excerpt.js';

/**
 * Compiled from the schema by Ajv at build time (scripts/compile-scenario-schema.mjs): compiling it at
 * start-up cost every `kubeknock validate` and `run` about half a second. The generated module is
 * untyped; this is the type Ajv gives the function it generates.
 */
const validateSchema = validate as unknown as ValidateFunction<ScenarioDocument>;

export { scenarioSchema };

/**
 * Parts of a document that failed the schema on their own: the rest can still be checked for meaning,
 * so a user sees every mistake of the file in one go, not the shape ones first and the rest next time.
 */
export interface BrokenParts {
  readonly checks: ReadonlySet<number>;
  /** Actor and named-target names: references to them are not reported again. */
  readonly names: ReadonlySet<string>;
  /** Steps whose name or changes are broken: left out whole. */
  readonly steps: ReadonlySet<number>;
  /** Broken checks of a step, by step index: only those are left out. */
  readonly stepChecks: ReadonlyMap<number, ReadonlySet<number>>;
}

interface CollectedBrokenParts extends BrokenParts {
  readonly checks: Set<number>;
  readonly names: Set<string>;
  readonly steps: Set<number>;
  readonly stepChecks: Map<number, Set<number>>;
}

export interface ShapeResult {
  /** The document with its broken parts removed, when the damage is confined to whole entries. */
  readonly document?: ScenarioDocument;
  readonly broken: BrokenParts;
  readonly issues: InputIssue[];
}

export function validateShape(source: YamlSource): ShapeResult {
  const broken: CollectedBrokenParts = { checks: new Set(), names: new Set(), steps: new Set(), stepChecks: new Map() };
  if (validateSchema(source.data)) return { document: source.data, broken, issues: [] };
  const errors = collapseAlternatives(validateSchema.errors ?? []);
  const seen = new Set<string>();
  const issues: InputIssue[] = [];
  for (const error of errors) {
    const path = pointerToPath(error.instancePath);
    const issue = toIssue(source, path, error);
    const key = `${issue.path}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  const document = withoutBrokenParts(source.data, errors, broken);
  return document ? { document, broken, issues } : { broken, issues };
}

function withoutBrokenParts(data: unknown, errors: readonly ErrorObject[], broken: CollectedBrokenParts): ScenarioDocument | undefined {
  let dropDefaults = false;
  for (const error of errors) {
    const [first, second, third, fourth, fifth] = pointerToPath(error.instancePath);
    const unit = first === 'spec' ? second : undefined;
    if (unit === 'checks' && typeof third === 'number') broken.checks.add(third);
    else if (unit === 'steps' && typeof third === 'number' && fourth === 'checks' && typeof fifth === 'number') {
      broken.stepChecks.set(third, (broken.stepChecks.get(third) ?? new Set()).add(fifth));
    } else if (unit === 'steps' && typeof third === 'number') broken.steps.add(third);
    else if ((unit === 'actors' || unit === 'targets') && typeof third === 'string') broken.names.add(third);
    else if (unit === 'defaults') dropDefaults = true;
    else return undefined;
  }
  const doc = data as ScenarioDocument;
  const keep = <T>(entries: Readonly<Record<string, T>> | undefined): Record<string, T> =>
    Object.fromEntries(Object.entries(entries ?? {}).filter(([name]) => !broken.names.has(name)));
  const { defaults, ...spec } = doc.spec;
  return {
    ...doc,
    spec: { ...spec, ...(dropDefaults || !defaults ? {} : { defaults }), actors: keep(doc.spec.actors), targets: keep(doc.spec.targets) },
  };
}

/**
 * A `oneOf` that fails reports every branch's complaint, which buries the real one. Keep a single
 * "must be one of" for the union instead, unless just one branch failed for a reason deeper than its
 * type (then that branch was clearly the one meant, and its errors are the useful ones).
 */
function collapseAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'oneOf');
  // A value that fits one alternative but for keys it does not know (`{port: 80, protocl: UDP}`):
  // those keys are the mistake, named with their path, not "must be a port number or {…}".
  const unknownKeys = new Map(unions.map((union) => [union, onlyUnknownKeys(union, errors)]));
  return errors.filter((error) => {
    if (error.keyword === 'oneOf') return !hasMeantBranch(error, errors) && unknownKeys.get(error) === undefined;
    if ([...unknownKeys.values()].some((keys) => keys?.includes(error))) return true;
    const union = unions.find(
      (u) =>
        (error.schemaPath.startsWith(`${u.schemaPath}/`) && error.instancePath.startsWith(u.instancePath)) ||
        // A branch that is a $ref reports under the referenced definition's path, not the union's: a
        // type mismatch on the union's own value (`{port, protocol}` is no port number) is still its.
        (error.keyword === 'type' && error.instancePath === u.instancePath && error.schemaPath.startsWith('#/definitions/')),
    );
    if (!union) return true;
    return hasMeantBranch(union, errors) && error.keyword !== 'type' && error.keyword !== 'required' && error.keyword !== 'additionalProperties';
  });
}

/** The unknown-key errors of the one alternative that failed for nothing else, if there is exactly one. */
function onlyUnknownKeys(union: ErrorObject, errors: readonly ErrorObject[]): ErrorObject[] | undefined {
  const branches = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    if (!e.schemaPath.startsWith(`${union.schemaPath}/`)) continue;
    const branch = e.schemaPath.slice(union.schemaPath.length + 1).split('/')[0] ?? '';
    branches.set(branch, [...(branches.get(branch) ?? []), e]);
  }
  const fits = [...branches.values()].filter((list) => list.every((e) => e.keyword === 'additionalProperties' && e.instancePath === union.instancePath));
  return fits.length === 1 ? fits[0] : undefined;
}

/** True when exactly one alternative of the union matched the value's outline (same type, known keys). */
function hasMeantBranch(union: ErrorObject, errors: readonly ErrorObject[]): boolean {
  const branchErrors = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    if (!e.schemaPath.startsWith(`${union.schemaPath}/`)) continue;
    const branch = e.schemaPath.slice(union.schemaPath.length + 1).split('/')[0] ?? '';
    branchErrors.set(branch, [...(branchErrors.get(branch) ?? []), e]);
  }
  const outlineMatches = [...branchErrors.values()].filter((list) =>
    list.every((e) => !(e.instancePath === union.instancePath && ['type', 'required', 'additionalProperties', 'const'].includes(e.keyword))),
  );
  return outlineMatches.length === 1;
}

function pointerToPath(pointer: string): FieldPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function toIssue(source: YamlSource, path: FieldPath, error: ErrorObject): InputIssue {
  const params = error.params as Record<string, unknown>;
  let fieldPath = path;
  let message: string;
  // Every message quotes what it rejects, so the user sees the value that was read, not just the rule.
  const shown = showValue(valueAt(source.data, path));
  switch (error.keyword) {
    case 'additionalProperties':
      fieldPath = [...path, String(params.additionalProperty)];
      message = `unknown field "${String(params.additionalProperty)}"${suggest(String(params.additionalProperty), error)}; allowed here: ${allowedKeys(error).join(', ')}`;
      break;
    case 'required':
      message = `missing required field "${String(params.missingProperty)}"`;
      break;
    case 'const':
      message = `${shown} must be "${String(params.allowedValue)}"`;
      break;
    case 'enum':
      message = `${shown} must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'oneOf':
      message = `${shown} ${describeUnion(error)}`;
      break;
    case 'pattern':
      message = `${shown} is not valid: ${describePattern(error)}`;
      break;
    case 'propertyNames':
      message = `name ${JSON.stringify(params.propertyName)} is not valid: lower-case letters, digits and '-', at most 63 characters`;
      fieldPath = [...path, String(params.propertyName)];
      break;
    case 'minimum':
    case 'maximum':
      message = `${shown} is out of range: must be from ${String(rangeOf(error).min ?? '…')} to ${String(rangeOf(error).max ?? '…')}`;
      break;
    case 'type':
      message = `${shown} must be ${String(params.type).split(',').map((type) => TYPE_NAMES[type] ?? type).join(' or ')}`;
      break;
    case 'minItems':
      message = `${shown} is an empty list: list at least one entry, or leave "${String(path.at(-1))}" out`;
      break;
    case 'maxItems': {
      const value = valueAt(source.data, path);
      message = `${Array.isArray(value) ? value.length : 'too many'} entries, over the limit of ${String(params.limit)}${limitFix(error)}`;
      break;
    }
    default:
      message = `${shown} ${error.message ?? `is invalid (${error.keyword})`}`;
  }
  return { file: source.file, line: source.lineOf(fieldPath), path: formatPath(fieldPath), message };
}

function allowedKeys(error: ErrorObject): string[] {
  const props = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

/** ` (did you mean "timeoutSeconds"?)` when an allowed key starts like, or contains, the unknown one. */
function suggest(unknown: string, error: ErrorObject): string {
  const lower = unknown.toLowerCase();
  const match = allowedKeys(error).find((key) => key.toLowerCase().startsWith(lower) || lower.startsWith(key.toLowerCase()) || key.toLowerCase().includes(lower));
  return match ? ` (did you mean "${match}"?)` : '';
}

function describePattern(error: ErrorObject): string {
  const description = (error.parentSchema as { description?: string } | undefined)?.description;
  return description ?? `must match ${String((error.params as { pattern?: string }).pattern)}`;
}

function describeUnion(error: ErrorObject): string {
  const schema = error.schema as { $ref?: string; title?: string }[] | undefined;
  if (error.schemaPath.includes('/target/') || error.schemaPath.startsWith('#/definitions/target')) {
    return 'must be a target: {actor, port?}, {service, namespace, port, via?}, {pods: {namespace, matchLabels?}, port, select?}, {host, port}, {url} or {dns, server?}';
  }
  if (error.schemaPath.startsWith('#/definitions/targetRef') || error.schemaPath.includes('/to/')) {
    return 'must be an actor or named target ("postgres", "postgres:5432") or a target object ({service, namespace, port}, {host, port}, {url}, {dns}, …)';
  }
  if (error.schemaPath.startsWith('#/definitions/oneOrMany')) return 'must be an actor name or a list of actor names';
  if (error.schemaPath.startsWith('#/definitions/applyEntry')) return 'must be a file or directory (relative to the scenario file) or an object written inline ({apiVersion, kind, metadata, spec})';
  if (error.schemaPath.startsWith('#/definitions/deleteEntry')) return 'must be a file or directory (relative to the scenario file) or {kind, namespace, name} (apiVersion optional)';
  if (error.schemaPath.includes('/listen/')) return 'must be a port number or {port, protocol?, name?}';
  return `does not match any allowed form${schema ? ` (${schema.length} forms)` : ''}`;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string (quote it)',
  boolean: 'true or false',
  null: 'null (to remove the label)',
  object: 'a mapping',
  array: 'a list',
};

/**
 * The fix for a list that is too long, from the list's schema description ("… At most 100 steps: split
 * a longer scenario into several files."), so the limit and its advice are written in one place.
 */
function limitFix(error: ErrorObject): string {
  const description = (error.parentSchema as { description?: string } | undefined)?.description ?? '';
  const fix = /At most \d+ \w+: ([^.]+)/.exec(description)?.[1];
  return fix === undefined ? '' : `: ${fix}`;
}

function rangeOf(error: ErrorObject): { min?: number; max?: number } {
  const schema = error.parentSchema as { minimum?: number; maximum?: number } | undefined;
  return { ...(schema?.minimum === undefined ? {} : { min: schema.minimum }), ...(schema?.maximum === undefined ? {} : { max: schema.maximum }) };
}

/** A value as it appears in a message: JSON (quotes and escapes included), cut short when long. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  return excerptOf(value);
}

function valueAt(data: unknown, path: FieldPath): unknown {
  let value: unknown = data;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}
