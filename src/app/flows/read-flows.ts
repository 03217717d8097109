/**
 * Reads a flows file (`kubeknock observe -o FILE`, YAML or JSON) for diff, rollout, discover and
 * propose, and refuses one that cannot be trusted here: malformed (every problem with its line, field
 * and value), observed on another cluster, or older than --flows-max-age. Every refusal is an
 * InputError (exit 2) raised before anything is sent to the cluster.
 *
 * API:
 * - `readFlowsFile(file, options, shown?)`: the file, within the size limit of manifests (MAX_FLOWS_BYTES);
 *   messages name it as `shown` (the path as the user gave it);
 * - `parseFlowsText(file, text, options)`: the same on text in memory;
 * - `FlowsReadOptions`: `now`, `maxAge` (flag text, `0` off; DEFAULT_FLOWS_MAX_AGE when absent) and
 *   `server` (the current kubeconfig server, when the command knows it).
 */
import { InputError, type InputIssue } from '../../model/errors.js';
import { DEFAULT_FLOWS_MAX_AGE, flowsAgeProblem, flowsClusterProblem, parseFlowsMaxAge } from '../../flows/document-checks.js';
import type { FlowsDocument } from '../../flows/types.js';
import { readRenderedFlowsYaml } from '../../flows/rendered-yaml.js';
import { validateFlowsDocument } from '../../flows/validate-document.js';
import { readInputFile } from '../../scenario/file-kind.js';
import { decodeUtf8 } from '../../scenario/text-encoding.js';
import { formatPath, parseYamlSource } from '../../scenario/yaml-source.js';
import { MAX_FLOWS_BYTES } from '../../scenario/yaml-limits.js';

export interface FlowsReadOptions {
  readonly now: Date;
  /** `--flows-max-age` as given (`24h`, `0`); absent: DEFAULT_FLOWS_MAX_AGE. */
  readonly maxAge?: string;
  /** The current kubeconfig's API server; absent when the command works offline. */
  readonly server?: string;
}

const FIX = 'write it with kubeknock observe -o FILE';

export async function readFlowsFile(file: string, options: FlowsReadOptions, shown = file): Promise<FlowsDocument> {
  const read = await readInputFile(file, { what: 'a flows file', maxBytes: MAX_FLOWS_BYTES });
  if (!read.ok) throw new InputError(`cannot read the flows file ${shown}: ${read.problem}; nothing was sent to the cluster`);
  const decoded = decodeUtf8(read.bytes);
  if (!decoded.ok) throw new InputError(`the flows file ${shown} ${decoded.problem}`);
  return parseFlowsText(shown, decoded.text, options);
}

export function parseFlowsText(file: string, text: string, options: FlowsReadOptions): FlowsDocument {
  const maxAge = parseFlowsMaxAge(options.maxAge ?? DEFAULT_FLOWS_MAX_AGE);
  if (!maxAge.ok) throw new InputError(maxAge.problem);
  if (text.trim() === '') throw new InputError(`${file}: the file is empty; a flows file starts with "apiVersion: kubeknock.dev/v1alpha1" and "kind: Flows": ${FIX}`);
  const document = validDocument(file, text);
  const issue = (path: string, key: string, message: string): InputIssue => ({ file, line: lineOfKey(text, key), path, message });
  const foreign = flowsClusterProblem(document, options.server);
  if (foreign) throw new InputError(`${file} was observed on another cluster; nothing was sent to the cluster`, [issue('cluster.server', 'server', foreign)]);
  const old = flowsAgeProblem(document, options.now, maxAge.seconds, options.maxAge ?? DEFAULT_FLOWS_MAX_AGE);
  if (old) throw new InputError(`${file} is too old to trust; nothing was sent to the cluster`, [issue('window.end', 'end', old)]);
  return document;
}

function validDocument(file: string, text: string): FlowsDocument {
  // JSON (`observe -o json`) and YAML as observe writes it parse fast; anything else, and any file with
  // problems, goes through the YAML parser, which knows lines (and is 30 times slower on a big file).
  const fast = /^\s*\{/.test(text) ? parseJson(text) : readRenderedFlowsYaml(text);
  if (fast !== undefined) {
    const result = validateFlowsDocument(fast);
    if (result.ok) return result.document;
  }
  const source = parseYamlSource(file, text);
  if (source.syntaxIssues.length > 0) {
    const issues = source.syntaxIssues.map((issue) => ({ ...issue, message: issue.message.replace(/a scenario file holds exactly one scenario: .*$/, `a flows file holds one document: ${FIX}`) }));
    throw new InputError(`${file} is not a flows file kubeknock can read (YAML or JSON); nothing was sent to the cluster`, issues);
  }
  const result = validateFlowsDocument(source.data);
  if (result.ok) return result.document;
  const issues = result.issues.map((found): InputIssue => ({ file, line: source.lineOf(found.path), path: formatPath(found.path), message: found.message }));
  throw new InputError(`${issues.length} problem${issues.length === 1 ? '' : 's'} in the flows file ${file}: ${FIX}; nothing was sent to the cluster`, issues);
}

/** The line of the first `key:` (YAML) or `"key":` (JSON): each of these keys appears once in a valid file. */
function lineOfKey(text: string, key: string): number {
  const match = new RegExp(`^\\s*"?${key}"?\\s*:`, 'm').exec(text);
  return match ? text.slice(0, match.index).split('\n').length : 0;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
