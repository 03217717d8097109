/**
 * `rollout --discover`: the workloads' doors as a scenario, planned against the state the rollout
 * goes to. Discovery reads the live workloads with the files' policies in place of the live ones of
 * the same name, so what it has to freeze (targets no policy can judge) is frozen from the goal, not
 * from the state being left. Its Service checks are then left out: at a step in between, nothing can
 * say what a Service name should do, and the pods behind it are checked directly, judged by the
 * policies at every step.
 */
import type { Scenario } from '../model/scenario.js';
import type { RawObject } from '../policy/index.js';
import { checkScenarioText } from '../scenario/load.js';
import { InputError } from '../model/errors.js';
import { discover, type DiscoverOptions } from './discover.js';
import type { RolloutInput } from './rollout-input.js';

export async function discoverForRollout(options: DiscoverOptions, input: RolloutInput, note: (text: string) => void): Promise<Scenario> {
  const source = options.source;
  if (source.type !== 'cluster') throw new Error('rollout --discover reads the live cluster');
  const candidate = input.policies.map((p) => p.raw);
  const result = await discover({ ...options, source: { ...source, read: async () => withCandidate(await source.read(), candidate) } });
  for (const line of result.summary) note(line);
  // In memory: no file size cap, as for run --discover.
  const parsed = checkScenarioText(`discovered from ${options.inputs.join(', ')}`, result.yaml);
  if (!parsed.ok) throw new InputError('the discovered scenario is not valid (a bug: please report it)', parsed.issues);
  const checks = parsed.scenario.checks.filter((check) => check.to.type !== 'service');
  const left = parsed.scenario.checks.length - checks.length;
  if (left > 0) note(`rollout --discover leaves out the ${left} Service check(s) of the discovered scenario: the pods behind the Services are checked directly, by the policies at each step`);
  if (checks.length === 0) throw new InputError(`discovery found nothing a rollout can check in ${options.inputs.join(', ')}; give --scenario FILE`);
  return { ...parsed.scenario, checks };
}

/** The live objects with the files' NetworkPolicies in place of live ones of the same namespace/name. */
function withCandidate(live: readonly RawObject[], candidate: readonly RawObject[]): RawObject[] {
  const key = (raw: RawObject) => {
    const value = raw.value as { kind?: unknown; metadata?: { namespace?: unknown; name?: unknown } } | null;
    return value?.kind === 'NetworkPolicy' ? `${String(value.metadata?.namespace)}/${String(value.metadata?.name)}` : undefined;
  };
  const replaced = new Set(candidate.map(key));
  return [...live.filter((raw) => !replaced.has(key(raw))), ...candidate];
}

