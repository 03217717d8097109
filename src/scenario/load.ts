/**
 * The one place that reads scenario files, and the manifests their steps name: YAML → shape (JSON
 * Schema) → step files → meaning (normalise). Every problem of every file comes back at once.
 */
import path from 'node:path';
import { realpath } from 'node:fs/promises';
import type { ScenarioDocument } from './document.js';
import { readInputFile } from './file-kind.js';
import { readManifests } from './read-manifests.js';
import { stepFileProblem } from './step-file-path.js';
import type { StepFile, StepFiles } from './steps.js';
import { decodeUtf8 } from './text-encoding.js';
import { InputError, type InputIssue } from '../model/errors.js';
import type { Scenario } from '../model/scenario.js';
import { normalizeScenario } from './normalize.js';
import { validateShape, type ShapeResult } from './validate-shape.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';
import { MAX_SCENARIO_BYTES, sizeLimitProblem } from './yaml-limits.js';

export type ParseResult = { readonly ok: true; readonly scenario: Scenario } | { readonly ok: false; readonly issues: readonly InputIssue[] };

/**
 * Pure: text in, scenario or every issue out. With no file system to read, steps may only write their
 * objects inline (a file they name is reported); `readScenarioFile` reads those files.
 */
export function parseScenario(file: string, text: string): ParseResult {
  const tooBig = sizeLimitProblem(Buffer.byteLength(text, 'utf8'), MAX_SCENARIO_BYTES, 'a scenario file');
  if (tooBig) return { ok: false, issues: [{ file, line: 0, path: '', message: tooBig }] };
  return checkScenarioText(file, text);
}

/** The stages after the size cap: YAML, shape, meaning. Exported for the validation benchmark. */
export function checkScenarioText(file: string, text: string): ParseResult {
  const shaped = shapeScenario(file, text);
  return shaped.ok ? finishScenario(shaped) : shaped;
}

type Shaped = { readonly ok: true; readonly source: YamlSource; readonly shape: ShapeResult & { readonly document: ScenarioDocument } } | { readonly ok: false; readonly issues: readonly InputIssue[] };

/** YAML and shape: enough to know which files the steps name, before anything means anything. */
function shapeScenario(file: string, text: string): Shaped {
  const source = parseYamlSource(file, text);
  if (source.syntaxIssues.length > 0) return { ok: false, issues: source.syntaxIssues };
  if (source.data === undefined || source.data === null) {
    return { ok: false, issues: [{ file, line: 1, path: '', message: 'the file is empty; a scenario starts with "apiVersion: kubeknock.dev/v1alpha1" and "kind: Scenario"' }] };
  }
  const shape = validateShape(source);
  if (!shape.document) return { ok: false, issues: shape.issues };
  return { ok: true, source, shape: { ...shape, document: shape.document } };
}

function finishScenario({ source, shape }: Extract<Shaped, { ok: true }>, files?: StepFiles): ParseResult {
  const { scenario, issues } = normalizeScenario(shape.document, source, shape.broken, files);
  if (scenario && shape.issues.length === 0) return { ok: true, scenario };
  return { ok: false, issues: [...shape.issues, ...issues] };
}

export async function readScenarioFile(file: string): Promise<ParseResult> {
  if (file === '') return { ok: false, issues: [{ file, line: 0, path: '', message: 'an empty file name; name a scenario file' }] };
  // A file past the limit is never loaded into memory; a FIFO or device is never opened for reading.
  const read = await readInputFile(file, { what: 'a scenario file', maxBytes: MAX_SCENARIO_BYTES });
  if (!read.ok) return { ok: false, issues: [{ file, line: 0, path: '', message: read.problem }] };
  const decoded = decodeUtf8(read.bytes);
  if (!decoded.ok) return { ok: false, issues: [{ file, line: 0, path: '', message: decoded.problem }] };
  const shaped = shapeScenario(file, decoded.text);
  if (!shaped.ok) return shaped;
  return finishScenario(shaped, await readStepFiles(shaped.shape.document, file));
}

/**
 * Every file and directory the steps name, read once each. A reference is relative to the scenario
 * file's directory and must stay inside it (step-file-path.ts), so a scenario and its manifests move
 * together and a scenario reads nothing else.
 */
async function readStepFiles(doc: ScenarioDocument, scenarioFile: string): Promise<StepFiles> {
  const references = new Set(
    (doc.spec.steps ?? []).flatMap((step) => [...(step.apply ?? []), ...(step.delete ?? [])].filter((entry): entry is string => typeof entry === 'string')),
  );
  const read = await Promise.all(
    [...references].map(async (reference): Promise<[string, StepFile]> => {
      const shown = path.isAbsolute(reference) ? reference : path.join(path.dirname(scenarioFile), reference);
      const refused = await stepFileProblem(reference, scenarioFile);
      if (refused) return [reference, { path: shown, objects: [], issues: [{ file: shown, line: 0, path: '', message: refused }] }];
      const confineTo = await realpath(path.dirname(path.resolve(scenarioFile))).catch(() => path.dirname(path.resolve(scenarioFile)));
      const { objects, issues } = await readManifests([shown], process.cwd(), { confineTo });
      return [reference, { path: shown, objects, issues }];
    }),
  );
  return new Map(read);
}

/** A scenario made in memory (`run --discover`): `file` names where it came from in messages and reports. */
export interface InlineScenario {
  readonly file: string;
  readonly text: string;
}

/** Reads every file (and parses every inline scenario); throws one InputError listing the issues of all of them. */
export async function loadScenarios(files: readonly string[], inline: readonly InlineScenario[] = []): Promise<Scenario[]> {
  requireFiles([...files, ...inline.map((source) => source.file)]);
  // An inline scenario never was a file: the file size cap (a guard on what a reader is handed) does not apply; discover bounds it.
  const results = [...(await Promise.all(files.map(readScenarioFile))), ...inline.map((source) => checkScenarioText(source.file, source.text))];
  const issues = sortIssues(results.flatMap((r) => (r.ok ? [] : r.issues)));
  if (issues.length > 0) {
    const names = [...files, ...inline.map((source) => source.file)];
    throw new InputError(`${issues.length} problem${issues.length === 1 ? '' : 's'} in ${names.length === 1 ? names[0] : 'the scenario files'}; nothing was sent to the cluster`, issues);
  }
  return results.flatMap((r) => (r.ok ? [r.scenario] : []));
}

/** A command given no scenario at all must not pass on nothing (a run of zero checks is no success). */
export function requireFiles(files: readonly string[]): void {
  if (files.length === 0) throw new InputError('no scenario files given: name at least one scenario file (YAML)');
}

/** File by file, top to bottom: the order in which a person fixes them. */
export function sortIssues(issues: readonly InputIssue[]): InputIssue[] {
  const fileOrder = new Map<string, number>();
  for (const issue of issues) if (!fileOrder.has(issue.file)) fileOrder.set(issue.file, fileOrder.size);
  return [...issues].sort((a, b) => (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) || a.line - b.line);
}
