/**
 * The playbook on the real cluster: for every scenario in scenarios/, apply the policies beside it,
 * run kubeknock, and require every expectation met and no probe pod left.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { IMAGE, REPO, kubeknock, kubectl, managedPods } from './cluster.js';

const scenarioDir = join(REPO, 'scenarios');
const scenarios = readdirSync(scenarioDir).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
const createdNamespaces = new Set<string>();

function namespacesOf(policies: string): string[] {
  return [...policies.matchAll(/^kind: Namespace\nmetadata:\n  name: ([a-z0-9-]+)/gm)].map((m) => m[1] ?? '');
}

afterAll(async () => {
  for (const ns of createdNamespaces) await kubectl(['delete', 'namespace', ns, '--timeout=120s']).catch(() => undefined);
});

describe('the playbook on the real cluster', () => {
  it('has a policies.yaml beside every scenario', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(5);
    for (const name of scenarios) expect(existsSync(join(scenarioDir, name, 'policies.yaml')), `${name}/policies.yaml`).toBe(true);
  });

  it.each(scenarios)('%s: every expectation met once its policies are applied', async (name) => {
    const policies = join(scenarioDir, name, 'policies.yaml');
    for (const ns of namespacesOf(readFileSync(policies, 'utf8'))) createdNamespaces.add(ns);
    await kubectl(['apply', '-f', policies]);
    const run = await kubeknock(['run', join(scenarioDir, `${name}.yaml`), '--image', IMAGE, '--image-pull-policy', 'Never', '-o', 'json']);
    const report = JSON.parse(run.stdout || '{}') as RunReport;
    const failures = (report.checks ?? []).filter((c) => c.status !== 'pass').map((c) => `${c.name}: ${c.message ?? c.status}`);
    expect(failures, `failed checks of ${name}; stderr:\n${run.stderr}`).toEqual([]);
    expect(run.code).toBe(0);
    expect(await managedPods()).toEqual([]);
  });
});
