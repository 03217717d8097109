/** What each representative check stands for, as the data a runner reports covered cells from. */
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/app/discover.js';
import { coveredPairs, describeTarget } from '../../src/discover/index.js';
import { DEFAULT_ENGINE_OPTIONS } from '../../src/policy/index.js';
import { REPO } from '../support/cli.js';

async function microshopPlan(exhaustive: boolean) {
  const { plan } = await discover({
    source: { type: 'files', paths: ['examples/microshop'], cwd: REPO },
    inputs: ['examples/microshop'],
    selection: { namespaces: [], excludeNamespaces: [] },
    plan: { exhaustive, snapshot: false, externals: [], dnsName: 'kubernetes.default.svc.cluster.local.' },
    engine: DEFAULT_ENGINE_OPTIONS,
    scenarioName: 'discovered',
  });
  return plan;
}

describe('coveredPairs', () => {
  it('a check into a two-member class covers both members; one inside the class covers both directions', async () => {
    const plan = await microshopPlan(false);
    const pairs = (from: string, to: string) => {
      const check = plan.checks.find((c) => c.from === from && describeTarget(c.to) === to);
      if (!check) throw new Error(`no check ${from} → ${to}`);
      return coveredPairs(plan, check).map((pair) => `${pair.from.actor} → ${pair.to}`);
    };
    expect(pairs('microshop-orders', 'microshop-emails:8080')).toEqual(['microshop-orders → microshop-emails:8080', 'microshop-orders → microshop-notifications:8080']);
    expect(pairs('microshop-emails', 'microshop-notifications:8080')).toEqual(['microshop-emails → microshop-notifications:8080', 'microshop-notifications → microshop-emails:8080']);
    expect(pairs('microshop-orders', 'svc/microshop/emails:80'), 'the Services of the two workers are alike: one stands for both').toEqual([
      'microshop-orders → svc/microshop/emails:80',
      'microshop-orders → svc/microshop/notifications:80',
    ]);
    expect(pairs('microshop-emails', 'svc/microshop/orders:80')).toEqual(['microshop-emails → svc/microshop/orders:80', 'microshop-notifications → svc/microshop/orders:80']);
    expect(plan.actors.filter((actor) => actor.probed).length, 'every workload of microshop is probed (the worker class has two, and both are needed)').toBe(12);
  });

  it('the representative checks stand for exactly the exhaustive plan', async () => {
    const [classes, exhaustive] = await Promise.all([microshopPlan(false), microshopPlan(true)]);
    expect(exhaustive.checks.length).toBe(classes.exhaustiveChecks);
    const expand = (plan: typeof classes) =>
      plan.checks
        .flatMap((check) => coveredPairs(plan, check).map((pair) => `${pair.from.actor} → ${pair.to}`))
        .sort();
    expect(expand(classes), 'same cells, once each').toEqual(expand(exhaustive));
  });
});
