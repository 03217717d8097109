/**
 * The limits of every numeric setting, read from the published JSON Schema so a CLI override
 * (`run --timeout`, `--attempts`, …) is held to exactly the bounds of the scenario field it replaces.
 */
import scenarioSchema from './scenario.schema.json' with { type: 'json' };

export interface Bounds {
  readonly min: number;
  readonly max: number;
}

const defs = scenarioSchema.definitions;
const defaults = defs.defaults.properties;
const pod = defs.podSettings.properties;

export const SCENARIO_BOUNDS = {
  timeoutSeconds: { min: defs.seconds.minimum, max: defs.seconds.maximum },
  attempts: { min: defaults.attempts.minimum, max: defaults.attempts.maximum },
  retryDelaySeconds: { min: defaults.retryDelaySeconds.minimum, max: defaults.retryDelaySeconds.maximum },
  settleSeconds: { min: defaults.settleSeconds.minimum, max: defaults.settleSeconds.maximum },
  concurrency: { min: defaults.concurrency.minimum, max: defaults.concurrency.maximum },
  deadlineSeconds: { min: pod.deadlineSeconds.minimum, max: pod.deadlineSeconds.maximum },
  startTimeoutSeconds: { min: pod.startTimeoutSeconds.minimum, max: pod.startTimeoutSeconds.maximum },
} as const satisfies Record<string, Bounds>;

/** `--timeout must be a whole number from 1 to 3600 (got 1e+21)`, or undefined when it fits. */
export function boundsProblem(flag: string, value: unknown, bounds: Bounds): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= bounds.min && value <= bounds.max) return undefined;
  return `${flag} must be a whole number from ${bounds.min} to ${bounds.max} (got ${typeof value === 'number' ? String(value) : JSON.stringify(value)})`;
}
