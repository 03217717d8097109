/**
 * Multi-step scenarios in the use cases that need no cluster: the run flags reach every step's checks,
 * the size limit counts every step, `run --dry-run` and `validate` show the steps, and a scheduled
 * audit refuses them. The example under examples/steps is the input.
 */
import { describe, expect, it } from 'vitest';
import { cronJobManifests } from '../../src/app/manifests.js';
import { withOverrides } from '../../src/app/run.js';
import { sizeProblem } from '../../src/app/size-limits.js';
import { InputError } from '../../src/model/errors.js';
import type { Scenario } from '../../src/model/scenario.js';
import { loadScenarios } from '../../src/scenario/load.js';
import { runCli } from '../support/cli.js';
import { cronJobOptions } from '../support/cronjob-options.js';

const EXAMPLE = 'examples/steps/postgres-rollout.yaml';

async function example(): Promise<Scenario> {
  const [scenario] = await loadScenarios([EXAMPLE]);
  if (scenario === undefined) throw new Error(`${EXAMPLE} did not load`);
  return scenario;
}

describe('multi-step scenarios without a cluster', () => {
  it('withOverrides gives --timeout and --attempts to the checks of every step, the top-level copies included', async () => {
    const scenario = withOverrides(await example(), { timeoutSeconds: 7, attempts: 5 });
    const stepChecks = (scenario.steps ?? []).flatMap((step) => step.checks);
    expect(stepChecks.length).toBe(20);
    expect(new Set(stepChecks.map((c) => `${c.timeoutSeconds}/${c.attempts}`)), 'every step check overridden').toEqual(new Set(['7/5']));
    expect(scenario.checks.every((c) => c.timeoutSeconds === 7 && c.attempts === 5)).toBe(true);
  });

  it('counts the checks of every step against --max-checks, the top-level ones once per step', async () => {
    expect(sizeProblem(await example(), { pods: 100, checks: 19 })).toBe(
      'scenario "postgres-rollout" would make 3 probe pods and 20 checks in 5 steps, over the limit of 19 checks: pass --max-checks 20 to run it anyway',
    );
    expect(sizeProblem(await example(), { pods: 100, checks: 20 })).toBeUndefined();
  });

  it('run --dry-run -o json lists each step with its changes, its number of checks and its probes', async () => {
    const { code, stdout, stderr } = await runCli(['run', EXAMPLE, '--dry-run', '-o', 'json']);
    expect(code, stderr).toBe(0);
    const plan = JSON.parse(stdout) as { pods: unknown[]; probes?: unknown; steps: { name: string; changes: string[]; checks: number; probes: { id: string; expect: string }[] }[] };
    expect(plan.pods.length).toBe(3);
    expect(plan.probes, 'a multi-step plan keeps its probes in its steps').toBeUndefined();
    expect(plan.steps.map((s) => [s.name, s.changes, s.checks, s.probes.length])).toEqual([
      ['before any policy', [], 4, 4],
      ['deny all ingress to postgres', ['apply NetworkPolicy steps-demo/postgres-deny-ingress'], 4, 4],
      ['let the backend in', ['apply NetworkPolicy steps-demo/postgres-allow-backend'], 4, 4],
      ['the frontend relabelled as a backend', ['label frontend app=backend'], 4, 4],
      ['both policies removed', ['delete NetworkPolicy steps-demo/postgres-deny-ingress', 'delete NetworkPolicy steps-demo/postgres-allow-backend'], 4, 4],
    ]);
    expect(plan.steps[1]?.probes.find((p) => p.id === 'c4')?.expect).toBe('deny');
  });

  it('run --dry-run shows the steps before their probes', async () => {
    const { code, stdout } = await runCli(['run', EXAMPLE, '--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toContain('3 probe pod(s), 5 step(s), 20 probe(s) in all; nothing is created.');
    expect(stdout).toContain(
      [
        '  step 4/5: the frontend relabelled as a backend: 4 check(s) (2 at every step, 2 its own)',
        '    label frontend app=backend  (line 34)',
        '  step 5/5: both policies removed: 4 check(s) (2 at every step, 2 its own)',
        '    delete NetworkPolicy steps-demo/postgres-deny-ingress  (line 38)',
        '    delete NetworkPolicy steps-demo/postgres-allow-backend  (line 38)',
        '',
        'Probes of step 1/5: before any policy:',
      ].join('\n'),
    );
  });

  it('validate counts the checks of every step', async () => {
    const { code, stdout } = await runCli(['validate', EXAMPLE]);
    expect(code).toBe(0);
    expect(stdout).toContain(`${EXAMPLE}: ok — scenario "postgres-rollout", 3 actor(s), 20 check(s) in 5 step(s)`);
  });

  it('manifests cronjob refuses a multi-step scenario: a scheduled audit only observes', async () => {
    const error = await cronJobManifests(cronJobOptions([EXAMPLE])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues).toEqual([
      {
        file: EXAMPLE,
        line: 17,
        path: 'spec.steps[0]',
        message: 'scenario "postgres-rollout" has steps, which change the cluster; a scheduled audit only observes: run it with "kubeknock run", or audit a scenario without steps',
      },
    ]);
  });
});
