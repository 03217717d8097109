/**
 * How big a run may get before kubeknock asks the user to say so: a short file with many-by-many checks
 * can expand to hundreds of pods and a quarter of a million probes, which is a load test of the cluster,
 * not a policy test. Over a limit the run is refused, with the counts and the flag that raises it.
 */
import { everyCheck, type Scenario } from '../model/scenario.js';
import { InputError } from '../model/errors.js';

export interface SizeLimits {
  /** Probe pods of one scenario (one per actor). */
  readonly pods: number;
  /**
   * Checks of one run of a scenario after expansion: with steps, the sum over its steps (the top-level
   * checks count once per step). A `pods` target with `select: each` adds more at run time.
   */
  readonly checks: number;
}

export const DEFAULT_SIZE_LIMITS: SizeLimits = { pods: 100, checks: 10_000 };

/** The flags' own bounds: at least one of each, and no more than a cluster could ever hold. */
export const SIZE_LIMIT_BOUNDS = { pods: { min: 1, max: 100_000 }, checks: { min: 1, max: 10_000_000 } } as const;

export function sizeProblem(scenario: Scenario, limits: SizeLimits): string | undefined {
  const pods = scenario.actors.size;
  const checks = everyCheck(scenario).length;
  const over = [
    ...(pods > limits.pods ? [{ limit: `${limits.pods} probe pods`, flag: `--max-pods ${pods}` }] : []),
    ...(checks > limits.checks ? [{ limit: `${limits.checks} checks`, flag: `--max-checks ${checks}` }] : []),
  ];
  if (over.length === 0) return undefined;
  const steps = scenario.steps === undefined ? '' : ` in ${scenario.steps.length} steps`;
  return `scenario "${scenario.name}" would make ${pods} probe pods and ${checks} checks${steps}, over the limit${over.length > 1 ? 's' : ''} of ${over.map((o) => o.limit).join(' and ')}: pass ${over.map((o) => o.flag).join(' ')} to run it anyway`;
}

/** Refuses every scenario over a limit, all named in one error; nothing has touched the cluster yet. */
export function enforceSizeLimits(scenarios: readonly Scenario[], limits: SizeLimits): void {
  const problems = scenarios.flatMap((scenario) => {
    const message = sizeProblem(scenario, limits);
    return message === undefined ? [] : [{ file: scenario.file, line: 0, path: '', message }];
  });
  if (problems.length === 0) return;
  throw new InputError(
    `${problems.length === 1 ? 'a scenario is' : `${problems.length} scenarios are`} too big to run without saying so; nothing was sent to the cluster`,
    problems,
  );
}
