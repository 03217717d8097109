/**
 * A parsed YAML file that can say where any field is: every issue a user sees names file:line.
 */
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { InputIssue } from '../app/errors.js';

export type FieldPath = readonly (string | number)[];

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
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const syntaxIssues: InputIssue[] = [...doc.errors, ...doc.warnings].map((e) => ({
    file,
    line: lineAt(e.pos[0]),
    path: '',
    message:
      e.code === 'MULTIPLE_DOCS'
        ? `a second YAML document starts here ("---"); a scenario file holds exactly one scenario: put each in its own file (kubeknock run a.yaml b.yaml runs several)`
        : `YAML: ${e.message.split('\n')[0] ?? e.message}`,
  }));
  return {
    file,
    data: doc.errors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 }),
    syntaxIssues,
    lineOf(path: FieldPath): number {
      for (let depth = path.length; depth >= 0; depth -= 1) {
        const node: unknown = doc.getIn(path.slice(0, depth), true);
        if (isNode(node) && node.range) return lineAt(node.range[0]);
      }
      return 1;
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
