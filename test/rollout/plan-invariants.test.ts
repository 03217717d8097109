/**
 * The planner's promises over generated rollouts (a seeded PRNG, so a failure replays by its seed):
 * every change is applied exactly once; no step cuts a connection the final state keeps open; and the
 * steps' diffs, replayed from the current verdicts, arrive at the final verdicts the total diff names.
 */
import { describe, expect, it } from 'vitest';
import { parseManifestText } from '../../src/scenario/read-manifests.js';
import { ALLOWED, applyPolicies, buildUniverse, cellAt, cellKey, emptyState, judgeCells } from '../../src/diff/index.js';
import { DEFAULT_ENGINE_OPTIONS, decodeObjects } from '../../src/policy/index.js';
import { rolloutChanges } from '../../src/rollout/changes.js';
import { planRollout } from '../../src/rollout/plan.js';
import { stringify } from 'yaml';
import { prng } from '../support/prng.js';

const NAMESPACES = ['alpha', 'beta'];
const APPS = ['web', 'api', 'db', 'cache'];

function generate(seed: number): { workloads: unknown[]; current: unknown[]; changes: unknown[] } {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number): boolean => random() < p;
  const workloads: unknown[] = NAMESPACES.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { team: name } } }));
  for (const ns of NAMESPACES) {
    for (const app of APPS) {
      if (!chance(0.7)) continue;
      const ports = [{ name: 'http', containerPort: 80 }, ...(app === 'db' ? [{ containerPort: 5432 }] : []), ...(chance(0.2) ? [{ containerPort: 53, protocol: 'UDP' }] : [])];
      workloads.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: ns, name: app }, spec: { template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'c', ports }] } } } });
    }
  }
  const peer = (): unknown => pick([{ podSelector: { matchLabels: { app: pick(APPS) } } }, { namespaceSelector: { matchLabels: { team: pick(NAMESPACES) } } }, { namespaceSelector: {}, podSelector: { matchLabels: { app: pick(APPS) } } }]);
  const rules = (field: 'from' | 'to'): unknown[] =>
    Array.from({ length: Math.floor(random() * 3) }, () => ({
      ...(chance(0.8) ? { [field]: [peer()] } : {}),
      ...(chance(0.7) ? { ports: [pick([{ port: 80 }, { port: 'http' }, { port: 5432 }, { port: 53, protocol: 'UDP' }])] } : {}),
    }));
  const policy = (ns: string, name: string): unknown => {
    const types = pick([['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { namespace: ns, name },
      spec: {
        podSelector: chance(0.4) ? {} : { matchLabels: { app: pick(APPS) } },
        policyTypes: types,
        ...(types.includes('Ingress') ? { ingress: rules('from') } : {}),
        ...(types.includes('Egress') ? { egress: rules('to') } : {}),
      },
    };
  };
  const current = Array.from({ length: Math.floor(random() * 3) }, (_, i) => policy(pick(NAMESPACES), `live-${i}`));
  const changes = Array.from({ length: 3 + Math.floor(random() * 5) }, (_, i) => policy(pick(NAMESPACES), `new-${i}`));
  // Now and then a change replaces a live policy.
  const live = current[0] as { metadata: { namespace: string; name: string } } | undefined;
  if (live && chance(0.5)) changes.push(policy(live.metadata.namespace, live.metadata.name));
  return { workloads, current, changes };
}

const yaml = (objects: readonly unknown[]): string => objects.map((object) => stringify(object)).join('---\n');

function planFor(seed: number) {
  const generated = generate(seed);
  const current = decodeObjects(parseManifestText(yaml([...generated.workloads, ...generated.current]), 'live.yaml').objects).inventory;
  const changes = rolloutChanges(parseManifestText(yaml(generated.changes), 'changes.yaml').objects);
  return { current, changes, plan: planRollout({ current, changes, engine: DEFAULT_ENGINE_OPTIONS }) };
}

const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);

describe('planRollout over generated rollouts', () => {
  it('the generated rollouts include reorders and merged steps, so the promises are tested where they matter', () => {
    const plans = SEEDS.map((seed) => planFor(seed).plan);
    // Seeded, so the counts are the same on every run: the bounds sit just below the measured values.
    expect(plans.filter((plan) => plan.reordered).length, 'reordered rollouts (54 of 60 when measured)').toBeGreaterThanOrEqual(50);
    expect(plans.filter((plan) => plan.steps.some((step) => step.changes.length > 1)).length, 'rollouts with a merged step (9 of 60 when measured)').toBeGreaterThanOrEqual(8);
  });

  it.each(SEEDS)('keeps its promises (seed %i)', (seed) => {
    const { current, changes, plan } = planFor(seed);

    const applied = plan.steps.flatMap((step) => step.changes.map((change) => changes.indexOf(change)));
    expect([...applied].sort((a, b) => a - b), 'every change exactly once').toEqual(changes.map((_, index) => index));

    // The final and the current verdicts, judged independently of the planner.
    const specs = decodeObjects(changes.map((change) => change.object)).inventory.policies;
    const universe = buildUniverse({ picture: current, policies: [...current.policies, ...specs], scenarios: [], engine: DEFAULT_ENGINE_OPTIONS });
    const start = applyPolicies(universe.compiled, emptyState(universe.compiled), current.policies.map((_, index) => index));
    const final = applyPolicies(universe.compiled, start, specs.map((_, index) => current.policies.length + index));
    const verdicts = (bits: Uint8Array): Map<string, boolean> => new Map(Array.from(bits, (bit, cell) => [cellKey(cellAt(universe.grid, universe.parties, cell)), bit === ALLOWED]));
    const open = verdicts(judgeCells(universe, start));
    const finalOpen = verdicts(judgeCells(universe, final));

    for (const [index, step] of plan.steps.entries()) {
      const cutOpenAtEnd = step.diff.cut.map((change) => cellKey(change.cell)).filter((key) => finalOpen.get(key) === true);
      expect(cutOpenAtEnd, `step ${index + 1} cuts nothing the final state keeps open`).toEqual([]);
      expect(step.cutsExpectedOpen, 'no scenario, nothing open at the end is cut').toEqual([]);
      for (const change of step.diff.cut) open.set(cellKey(change.cell), false);
      for (const change of step.diff.opened) open.set(cellKey(change.cell), true);
    }
    expect([...open].filter(([key, allowed]) => finalOpen.get(key) !== allowed), 'the steps replayed reach the final state').toEqual([]);
    const totalCut = new Set(plan.total.cut.map((change) => cellKey(change.cell)));
    const totalOpened = new Set(plan.total.opened.map((change) => cellKey(change.cell)));
    const startOpen = verdicts(judgeCells(universe, start));
    for (const [key, allowed] of finalOpen) {
      const was = startOpen.get(key);
      expect(totalCut.has(key), `${key} in total.cut`).toBe(was === true && !allowed);
      expect(totalOpened.has(key), `${key} in total.opened`).toBe(was === false && allowed);
    }
  });
});
