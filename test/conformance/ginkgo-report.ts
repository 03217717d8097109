/**
 * Reads the JSON report ginkgo writes with --ginkgo.json-report (a list of suite reports, each with one
 * entry per spec and per suite-level node) into one result per spec of the NetworkPolicy suite. Pure:
 * the caller reads the file.
 */

export type Traffic = 'TCP' | 'UDP' | 'SCTP' | 'API' | 'suite';

export type Outcome =
  | { readonly kind: 'passed'; readonly seconds: number }
  | { readonly kind: 'failed'; readonly seconds: number; readonly state: string; readonly message: string }
  /** Selected, but the spec skipped itself at run time (e.g. a feature the cluster lacks). */
  | { readonly kind: 'skipped'; readonly reason: string }
  /** Left out by --ginkgo.focus/--ginkgo.skip: ginkgo lists such specs as skipped too, never attempted. */
  | { readonly kind: 'not-selected' };

export interface SpecResult {
  /** The full name, as --ginkgo.focus matches it (after the suite description). */
  readonly name: string;
  readonly traffic: Traffic;
  readonly outcome: Outcome;
}

export interface SuiteReport {
  readonly specs: readonly SpecResult[];
  /** How many specs the selection picked before the run began (ginkgo's PreRunStats.SpecsThatWillRun). */
  readonly selected: number;
}

export class ReportFormatError extends Error {}

// Every way ginkgo's SpecState can say a node did not succeed.
const FAILED_STATES = new Set(['failed', 'panicked', 'timedout', 'interrupted', 'aborted', 'invalid']);

export function parseGinkgoReport(json: unknown): SuiteReport {
  if (!Array.isArray(json)) throw new ReportFormatError('a ginkgo JSON report is a list of suite reports');
  const suites = json.map((suite: unknown, i): SuiteReport => {
    const selected = num(field(suite, 'PreRunStats'), 'SpecsThatWillRun', `suite ${i} PreRunStats`);
    const specs = field(suite, 'SpecReports');
    if (specs === null) return { specs: [], selected }; // a suite that never got to run a node
    if (!Array.isArray(specs)) throw new ReportFormatError(`suite ${i}: SpecReports is not a list`);
    const results = specs.flatMap((spec: unknown, j): SpecResult[] => {
      const result = specResult(spec, `suite ${i} spec ${j}`);
      return result === undefined ? [] : [result];
    });
    return { specs: results, selected };
  });
  return { specs: suites.flatMap((s) => s.specs), selected: suites.reduce((n, s) => n + s.selected, 0) };
}

function specResult(spec: unknown, where: string): SpecResult | undefined {
  const nodeType = text(spec, 'LeafNodeType', where);
  const state = text(spec, 'State', where);
  const seconds = num(spec, 'RunTime', where) / 1e9; // nanoseconds
  const message = failureMessage(spec);
  if (nodeType !== 'It') {
    // BeforeSuite, ReportAfterSuite and the like: only worth a line when they broke the run.
    if (!FAILED_STATES.has(state)) return undefined;
    const leaf = text(spec, 'LeafNodeText', where);
    const name = leaf === '' ? nodeType : `${nodeType} ${leaf}`;
    return { name, traffic: 'suite', outcome: { kind: 'failed', seconds, state, message } };
  }
  const containers = texts(spec, 'ContainerHierarchyTexts', where);
  const name = [...containers, text(spec, 'LeafNodeText', where)].join(' ');
  const attempts = num(spec, 'NumAttempts', where);
  return { name, traffic: trafficOf(containers), outcome: outcomeOf(state, seconds, message, attempts, where) };
}

function outcomeOf(state: string, seconds: number, message: string, attempts: number, where: string): Outcome {
  if (state === 'passed') return { kind: 'passed', seconds };
  if (FAILED_STATES.has(state)) return { kind: 'failed', seconds, state, message };
  if (state === 'skipped') {
    return attempts === 0 && message === '' ? { kind: 'not-selected' } : { kind: 'skipped', reason: message };
  }
  if (state === 'pending') return { kind: 'skipped', reason: 'pending (marked as not yet written upstream)' };
  throw new ReportFormatError(`${where}: unknown spec state ${JSON.stringify(state)}`);
}

/**
 * Which traffic a spec sends, from its containers: upstream groups the UDP and SCTP specs in contexts
 * "… using UDP" / "… using SCTP" and the API specs under "Netpol API"; everything else probes TCP (some
 * of those only write SCTP into a policy, to check it is not taken for TCP).
 */
export function trafficOf(containers: readonly string[]): Traffic {
  if (containers.some((c) => c.endsWith(' using SCTP'))) return 'SCTP';
  if (containers.some((c) => c.endsWith(' using UDP'))) return 'UDP';
  if (containers.some((c) => / Netpol API$/.test(c))) return 'API';
  return 'TCP';
}

function failureMessage(spec: unknown): string {
  const failure = field(spec, 'Failure');
  const message = failure === undefined ? undefined : field(failure, 'Message');
  return typeof message === 'string' ? message : '';
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown, key: string, where: string): string {
  const v = field(value, key);
  if (typeof v !== 'string') throw new ReportFormatError(`${where}: ${key} is not a string`);
  return v;
}

function num(value: unknown, key: string, where: string): number {
  const v = field(value, key);
  if (typeof v !== 'number') throw new ReportFormatError(`${where}: ${key} is not a number`);
  return v;
}

function texts(value: unknown, key: string, where: string): string[] {
  const v = field(value, key);
  if (v === null) return [];
  if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string')) {
    throw new ReportFormatError(`${where}: ${key} is not a list of strings`);
  }
  return v;
}
