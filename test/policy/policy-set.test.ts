/**
 * Judging under a subset of the compiled policies is the same as compiling only that subset: over
 * every conformance case's policies together and seeded random subsets of them, every direction of
 * every pod pair on every port and protocol agrees.
 */
import { describe, expect, it } from 'vitest';
import { compileInventory, directionAllowsWithin, isolatingWithin, type Protocol } from '../../src/policy/index.js';
import { directionAllows } from '../../src/policy/evaluate.js';
import { CONFORMANCE_CASES } from './conformance-cases.js';
import { modelInventory } from './model.js';
import { prng } from '../support/prng.js';

describe('directionAllowsWithin', () => {
  // Cases reuse policy names: each gets its own, so all of them can live in one inventory.
  const renamed = CONFORMANCE_CASES.flatMap((testCase, i) =>
    testCase.policies.map((policy, j) => {
      const object = policy as { metadata: Record<string, unknown> };
      return { ...object, metadata: { ...object.metadata, name: `case-${i}-${j}` } };
    }),
  );
  const everything = modelInventory(renamed);
  const all = compileInventory(everything);
  const checks: readonly [number, Protocol][] = [
    [80, 'TCP'],
    [81, 'TCP'],
    [80, 'UDP'],
    [81, 'SCTP'],
  ];

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('agrees with compiling only the kept policies (seed %i)', (seed) => {
    const random = prng(seed);
    const within = new Uint8Array(all.policies.length).map(() => (random() < 0.3 ? 1 : 0));
    const alone = compileInventory({ ...everything, policies: everything.policies.filter((_, index) => within[index] === 1) });
    const differences: string[] = [];
    for (const from of all.pods) {
      for (const to of all.pods) {
        for (const [port, protocol] of checks) {
          const [aloneFrom, aloneTo] = [alone.pods[from.index], alone.pods[to.index]];
          if (!aloneFrom || !aloneTo) throw new Error('the pods must be the same in both compiles');
          const egress = directionAllows(alone, 'egress', aloneFrom, { type: 'pod', pod: aloneTo }, aloneTo, port, protocol);
          const ingress = directionAllows(alone, 'ingress', aloneTo, { type: 'pod', pod: aloneFrom }, aloneTo, port, protocol);
          if (directionAllowsWithin(all, within, 'egress', from, to, to, port, protocol) !== egress) differences.push(`egress ${from.key} → ${to.key} ${protocol}/${port}`);
          if (directionAllowsWithin(all, within, 'ingress', to, from, to, port, protocol) !== ingress) differences.push(`ingress ${from.key} → ${to.key} ${protocol}/${port}`);
        }
      }
    }
    expect(differences, `${within.reduce((sum, bit) => sum + bit, 0)} of ${all.policies.length} policies kept`).toEqual([]);
  });

  it('names only kept policies as isolating', () => {
    const within = new Uint8Array(all.policies.length);
    const pod = all.pods.find((candidate) => candidate.key === 'x/a');
    if (!pod) throw new Error('no pod x/a');
    const isolating = all.isolatedBy.ingress[pod.index] ?? [];
    expect(isolating.length, 'some conformance policy isolates x/a').toBeGreaterThan(1);
    within[isolating[0] ?? 0] = 1;
    expect(isolatingWithin(all, within, 'ingress', pod)).toEqual([isolating[0]]);
  });
});
