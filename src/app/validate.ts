/** `validate`: offline; reads every file, reports every problem of every file, touches no cluster. */
import { readScenarioFile, requireFiles, sortIssues } from '../scenario/load.js';
import { InputError } from '../model/errors.js';
import { everyCheck, type Scenario } from '../model/scenario.js';
import { visible } from '../report/sanitize.js';
import { DEFAULT_SIZE_LIMITS, sizeProblem } from './size-limits.js';

export interface ValidateResult {
  readonly summaries: readonly string[];
}

export async function validateFiles(files: readonly string[]): Promise<ValidateResult> {
  requireFiles(files);
  const results = await Promise.all(files.map(async (file) => ({ file, result: await readScenarioFile(file) })));
  const issues = sortIssues(results.flatMap(({ result }) => (result.ok ? [] : result.issues)));
  if (issues.length > 0) {
    const bad = results.filter((r) => !r.result.ok).length;
    throw new InputError(`${issues.length} problem${issues.length === 1 ? '' : 's'} in ${bad} of ${files.length} file${files.length === 1 ? '' : 's'}:`, issues);
  }
  return {
    summaries: results.flatMap(({ file, result }) =>
      result.ok
        ? [
            `${visible(file)}: ok — scenario "${visible(result.scenario.name)}", ${result.scenario.actors.size} actor(s), ${checksText(result.scenario)}${
              sizeProblem(result.scenario, DEFAULT_SIZE_LIMITS) ? `; more than run allows by default (--max-pods ${DEFAULT_SIZE_LIMITS.pods}, --max-checks ${DEFAULT_SIZE_LIMITS.checks}): raise them to run it` : ''
            }`,
          ]
        : [],
    ),
  };
}

/** `4 check(s)`, or for a multi-step scenario `12 check(s) in 3 step(s)` (each step's, top-level ones included). */
function checksText(scenario: Scenario): string {
  const checks = `${everyCheck(scenario).length} check(s)`;
  return scenario.steps === undefined ? checks : `${checks} in ${scenario.steps.length} step(s)`;
}
