/**
 * A parsed YAML file that can say where any field is: every issue a user sees names file:line.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { InputIssue } from '../model/errors.js';
import type { FieldPath } from './field-path.js';
import { createNodeLocator, duplicateKeyOffsets } from './yaml-index.js';
import { toJsWithinLimits } from './yaml-limits.js';

export type { FieldPath } from './field-path.js';

export interface YamlSource {
  readonly file: string;
  /** The document as plain data (undefined when the YAML itself is broken). */
  readonly data: unknown;
  /** YAML syntax errors, already located. */
  readonly syntaxIssues: readonly InputIssue[];
  /** 1-based line of the node at `path`, or of its nearest existing ancestor. */
  lineOf(path: FieldPath): number;
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  // Keys are checked for uniqueness below, in linear time (the yaml package's own check is quadratic).
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const nodeAt = createNodeLocator(doc);
  const syntaxIssues: InputIssue[] = [...doc.errors, ...doc.warnings].map((e) => ({
    file,
    line: lineAt(e.pos[0]),
    path: '',
    message:
      e.code === 'MULTIPLE_DOCS'
        ? `a second YAML document starts here ("---"); a scenario file holds exactly one scenario: put each in its own file (kubeknock run a.yaml b.yaml runs several)`
        : `YAML: ${e.message.split('\n')[0] ?? e.message}`,
  }));
  for (const { offset, key } of duplicateKeyOffsets(doc)) {
    syntaxIssues.push({ file, line: lineAt(offset), path: '', message: `YAML: Map keys must be unique; ${JSON.stringify(key)} is repeated` });
  }
  let data: unknown;
  if (syntaxIssues.length === 0) {
    const converted = toJsWithinLimits(doc);
    if (converted.ok) data = converted.value;
    else syntaxIssues.push({ file, line: 1, path: '', message: `YAML: ${converted.message}` });
  }
  return {
    file,
    data,
    syntaxIssues,
    lineOf(path: FieldPath): number {
      const node = nodeAt(path);
      return node?.range ? lineAt(node.range[0]) : 1;
    },
  };
}

/** `spec.checks[2].to` from ['spec', 'checks', 2, 'to']. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}
