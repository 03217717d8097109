/**
 * `kubeknock report FILE`: reads a saved JSON report (`run -o json` or `--report x.json`: one report,
 * or JSON Lines of several) back into RunReports, refusing what is not one: another tool's JSON, a
 * newer schema than this kubeknock reads, a truncated file. Every problem names the file, where, and
 * the fix; none is a stack trace.
 */
import { readFile } from 'node:fs/promises';
import { InputError, type InputIssue } from '../model/errors.js';
import { REPORT_SCHEMA_VERSION, type RunReport } from '../model/report.js';

export async function readReportFile(file: string): Promise<RunReport[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the report ${file} (${(error as NodeJS.ErrnoException).code ?? 'EIO'}): give the path of a JSON report (kubeknock run -o json, or --report x.json)`);
  }
  return parseReports(file, text);
}

export function parseReports(file: string, text: string): RunReport[] {
  if (text.trim() === '') throw new InputError(`${file}: the file is empty; give a JSON report written by kubeknock run -o json (or --report x.json)`);
  const documents = documentsOf(file, text);
  const issues = documents.flatMap(({ value, line }, index) => problems(file, line, documents.length > 1 ? `[${index}]` : '', value));
  if (issues.length > 0) throw new InputError(`${file} is not a kubeknock report this version can read`, issues);
  return documents.map(({ value }) => value as RunReport);
}

/** One pretty-printed document, or JSON Lines (several runs, or the steps of one). */
function documentsOf(file: string, text: string): { value: unknown; line: number }[] {
  try {
    return [{ value: JSON.parse(text), line: 1 }];
  } catch (whole) {
    const lines = text.split('\n');
    const documents: { value: unknown; line: number }[] = [];
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        documents.push({ value: JSON.parse(line), line: index + 1 });
      } catch {
        // A file that does not even start like JSON is some other file, not a cut-short report.
        if (!/^\s*[[{]/.test(text)) throw new InputError(`${file}: not JSON, so not a kubeknock report; give a JSON report written by kubeknock run -o json (or --report FILE.json)`);
        const truncated = /Unexpected end of JSON input|Unterminated|Expected/.test((whole as Error).message);
        throw new InputError(
          `${file}: not complete JSON (${(whole as Error).message})${truncated ? ': the file looks cut short (truncated); write it again with kubeknock run -o json' : '; give a JSON report written by kubeknock run -o json'}`,
        );
      }
    }
    return documents;
  }
}

function problems(file: string, line: number, prefix: string, value: unknown): InputIssue[] {
  const issue = (path: string, message: string): InputIssue => ({ file, line, path: `${prefix}${path}`, message });
  if (!isObject(value)) return [issue('', 'a report is a JSON object; this is not one')];
  const tool = value['tool'];
  if (!isObject(tool) || tool['name'] !== 'kubeknock') return [issue('tool.name', `expected "kubeknock" (got ${JSON.stringify(isObject(tool) ? tool['name'] : tool) ?? 'nothing'}): this is not a kubeknock report`)];
  const schema = value['schemaVersion'] ?? 1;
  if (typeof schema !== 'number' || !Number.isInteger(schema) || schema < 1) return [issue('schemaVersion', `expected a whole number from 1 (got ${JSON.stringify(schema)})`)];
  if (schema > REPORT_SCHEMA_VERSION) {
    return [issue('schemaVersion', `the report has schema ${schema} (written by kubeknock ${String(tool['version'])}); this kubeknock reads up to schema ${REPORT_SCHEMA_VERSION}: upgrade kubeknock to read it`)];
  }
  const found: InputIssue[] = [];
  const want = (path: string, ok: boolean, what: string): void => void (ok || found.push(issue(path, `expected ${what}`)));
  const scenario = value['scenario'];
  want('scenario', isObject(scenario) && typeof scenario['name'] === 'string' && typeof scenario['file'] === 'string', 'an object with name and file');
  want('runId', typeof value['runId'] === 'string', 'a string');
  want('errors', Array.isArray(value['errors']), 'a list');
  const summary = value['summary'];
  want('summary', isObject(summary) && ['total', 'passed', 'failed', 'skipped'].every((key) => typeof summary[key] === 'number'), 'an object with total, passed, failed and skipped counts');
  const checks = value['checks'];
  if (!Array.isArray(checks)) found.push(issue('checks', 'expected a list'));
  else {
    checks.forEach((check: unknown, index) => {
      const at = `checks[${index}]`;
      if (!isObject(check)) return void found.push(issue(at, 'expected an object'));
      for (const key of ['id', 'name', 'from', 'to', 'kind']) want(`${at}.${key}`, typeof check[key] === 'string', 'a string');
      want(`${at}.status`, check['status'] === 'pass' || check['status'] === 'fail' || check['status'] === 'skipped', 'pass, fail or skipped');
      want(`${at}.attempts`, Array.isArray(check['attempts']), 'a list');
      if (check['status'] !== 'skipped') want(`${at}.outcome`, isObject(check['outcome']) && typeof check['outcome']['class'] === 'string', 'an object with a class');
    });
  }
  return found;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
