/**
 * Golden files for the rollout plan renderer: the seed playbook given default deny first (reordered,
 * one merged step) and the same without shop/database (an unavoidable cut, warned about). Regenerate
 * with `UPDATE_GOLDEN=1 npx vitest run --config test/vitest.config.ts test/report/rollout-plan.test.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_OPTIONS } from '../../src/policy/index.js';
import { renderRolloutPlan } from '../../src/report/rollout-plan.js';
import { planRollout } from '../../src/rollout/plan.js';
import { playbookInput } from '../rollout/playbook.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const FIXTURES: Readonly<Record<string, readonly string[]>> = { playbook: [], 'forgotten-allow': ['shop/database'] };

describe('rollout plan renderer matches its golden files', () => {
  it.each(Object.keys(FIXTURES))('%s', (fixture) => {
    const plan = planRollout({ ...playbookInput(FIXTURES[fixture] ?? []), engine: DEFAULT_ENGINE_OPTIONS });
    const actual = renderRolloutPlan(plan, { color: false, maxRows: 2 });
    const path = fileURLToPath(new URL(`./golden/rollout-plan-${fixture}.txt`, import.meta.url));
    if (UPDATE) writeFileSync(path, actual);
    expect(existsSync(path), `golden file ${path} should exist (create it with UPDATE_GOLDEN=1)`).toBe(true);
    expect(actual, `the plan for ${fixture} should equal ${path}`).toBe(readFileSync(path, 'utf8'));
  });

  it('says "in the order given" and no "order" section when nothing moved', () => {
    const { current, changes, scenarios } = playbookInput();
    const plan = planRollout({ current, changes: changes.filter((change) => change.ref.namespace === 'prod'), scenarios, engine: DEFAULT_ENGINE_OPTIONS });
    const text = renderRolloutPlan(plan, { color: false, maxRows: 2 });
    expect(text.split('\n')[0]).toBe('rollout plan: 1 NetworkPolicy in 1 step, in the order given');
    expect(text).not.toContain('order:');
  });
});
