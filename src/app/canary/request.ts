/** A new canary plan: the random namespace suffix and run id, from the system's randomness. */
import { randomBytes, randomInt } from 'node:crypto';
import type { PodSettings } from '../../model/scenario.js';
import { nameSuffix, planCanary, type CanaryPlan } from './plan.js';

export function newCanaryPlan(options: { readonly timeoutSeconds: number; readonly pod: PodSettings; readonly nowMs: number }): CanaryPlan {
  return planCanary({
    suffix: nameSuffix(() => randomInt(1_000_000) / 1_000_000),
    runId: `canary-${randomBytes(4).toString('hex')}`,
    nowMs: options.nowMs,
    timeoutSeconds: options.timeoutSeconds,
    pod: options.pod,
  });
}
