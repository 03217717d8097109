/**
 * Checks of flag values, shared by every command: the same rules as the scenario fields they stand for
 * (bounds from the schema, names by the Kubernetes API's rules), so no flag lets through what a
 * scenario may not say. Each returns the message yargs shows (exit 2), or undefined.
 */
import { SIZE_LIMIT_BOUNDS } from '../app/size-limits.js';
import { dns1123LabelProblem, labelValueProblem } from '../model/kube-rules.js';
import { SCENARIO_BOUNDS, boundsProblem } from '../scenario/bounds.js';

/** `--flag: problem`; the message must start with the flag for main.ts to treat it as usage. */
export function flagProblem(flag: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${flag}: ${problem}`;
}

export function firstProblem(...problems: (string | undefined)[]): string | undefined {
  return problems.find((problem) => problem !== undefined);
}

export interface OverrideFlags {
  readonly timeout?: number;
  readonly attempts?: number;
  readonly concurrency?: number;
  readonly settle?: number;
}

/** `run` overrides of scenario settings: held to the bounds of the fields they replace. */
export function overrideProblems(argv: OverrideFlags): string | undefined {
  const checks: [string, unknown, { min: number; max: number }][] = [
    ['--timeout', argv.timeout, SCENARIO_BOUNDS.timeoutSeconds],
    ['--attempts', argv.attempts, SCENARIO_BOUNDS.attempts],
    ['--concurrency', argv.concurrency, SCENARIO_BOUNDS.concurrency],
    ['--settle', argv.settle, SCENARIO_BOUNDS.settleSeconds],
  ];
  return firstProblem(...checks.map(([flag, value, bounds]) => (value === undefined ? undefined : boundsProblem(flag, value, bounds))));
}

export function sizeLimitProblems(argv: { readonly 'max-pods': number; readonly 'max-checks': number }): string | undefined {
  return firstProblem(boundsProblem('--max-pods', argv['max-pods'], SIZE_LIMIT_BOUNDS.pods), boundsProblem('--max-checks', argv['max-checks'], SIZE_LIMIT_BOUNDS.checks));
}

/** A run id becomes a label value and, with a scenario number, part of names: a short DNS label. */
export function runIdProblem(value: string): string | undefined {
  const problem = dns1123LabelProblem(value) ?? (value.length > 32 ? `${JSON.stringify(value)} is ${value.length} characters; at most 32 are allowed` : undefined);
  return flagProblem('--run-id', problem);
}

/** A run id to look for (cleanup): anything that can be a label value, and nothing that would change the selector. */
export function runIdSelectorProblem(value: string): string | undefined {
  return flagProblem('--run-id', value === '' ? 'must not be empty' : labelValueProblem(value));
}

export function namespaceProblem(flag: string, value: string): string | undefined {
  return flagProblem(flag, dns1123LabelProblem(value) === undefined ? undefined : `${JSON.stringify(value)} is not a namespace name: lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit`);
}
