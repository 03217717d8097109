/**
 * Multi-step scenarios on the real cluster: the example of examples/steps (policies applied, an actor
 * relabelled, policies deleted, each step checked over the same probe pods) passes step by step; a
 * policy changed in place between two steps is waited for (the report gives the enforcement time);
 * every change is put back at the end and no pod is left.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { observedOf } from '../support/outcome.js';
import { IMAGE, REPO, kubeknock, kubectl, managedPods, reportPath, useNamespace, writeScenario } from './cluster.js';

function reportsOf(stdout: string): RunReport[] {
  const text = stdout.trim();
  return text.startsWith('{\n') ? [JSON.parse(text) as RunReport] : text.split('\n').map((line) => JSON.parse(line) as RunReport);
}

const JOURNAL_NS = 'kubeknock';
beforeAll(async () => {
  await kubectl(['create', 'namespace', JOURNAL_NS]).catch(() => undefined);
});
afterAll(async () => {
  await kubectl(['delete', 'namespace', JOURNAL_NS, '--timeout=120s']).catch(() => undefined);
});

describe('the multi-step example', () => {
  useNamespace('steps-demo');
  it('passes every step over one set of probe pods and puts the policies back', async () => {
    const run = await kubeknock(['run', join(REPO, 'examples/steps/postgres-rollout.yaml'), '--image', IMAGE, '--image-pull-policy', 'Never', '--yes', '-o', 'json', '--run-id', 'steps-example']);
    expect(run.code, run.stderr).toBe(0);
    const reports = reportsOf(run.stdout);
    expect(reports.map((r) => `${r.step?.index}/${r.step?.count} ${r.summary.passed}/${r.summary.total}`)).toEqual(['1/5 4/4', '2/5 4/4', '3/5 4/4', '4/5 4/4', '5/5 4/4']);
    expect(new Set(reports.map((r) => r.checks.find((c) => c.from === 'backend')?.fromPod)).size, 'the same probe pod in every step').toBe(1);
    expect(reports[3]?.step?.changes).toEqual(['relabelled actor frontend: app=backend']);
    for (const report of reports) {
      expect(report.step?.enforcedAfterMs, `step ${report.step?.index} enforced`).toBeGreaterThanOrEqual(0);
      // Measured from the step's change to the last agreeing attempt: never longer than the step itself.
      expect(report.step?.enforcedAfterMs, `step ${report.step?.index}: lag within the step`).toBeLessThanOrEqual(report.step?.durationMs ?? -1);
    }
    expect(await kubectl(['get', 'networkpolicies', '-n', 'steps-demo', '-o', 'name'])).toBe('');
    const journal = JSON.parse(await kubectl(['get', 'configmap', '-n', JOURNAL_NS, 'kubeknock-journal-steps-example', '-o', 'jsonpath={.data.journal\\.json}'])) as { state: string };
    expect(journal.state).toBe('restored');
    expect(await managedPods()).toEqual([]);
  });
});

describe('a policy changed in place between steps', () => {
  const NS = 'kk-e2e-steps';
  useNamespace(NS);
  it('is waited for, and the steps report when it was enforced', async () => {
    const policy = (port: number) => `{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: db, namespace: ${NS}}, spec: {podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: client}}}], ports: [{port: ${port}}]}]}}`;
    const scenario = writeScenario(
      'in-place',
      `  actors:
    client: {namespace: ${NS}, labels: {app: client}}
    db: {namespace: ${NS}, labels: {app: db}, listen: [5432, 5433]}
  checks:
    - {from: client, to: [db:5432, db:5433], expect: policy}
  steps:
    - name: 5432 open
      apply: [${policy(5432)}]
    - name: 5433 instead, in place
      apply: [${policy(5433)}]
`,
      'timeoutSeconds: 2, attempts: 2, settleSeconds: 1',
    );
    const journal = reportPath('in-place-journal.json');
    const run = await kubeknock(['run', scenario, '--yes', '--journal', journal, '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const reports = reportsOf(run.stdout);
    expect(reports.map((r) => r.step?.changes)).toEqual([[`created NetworkPolicy ${NS}/db`], [`updated NetworkPolicy ${NS}/db`]]);
    const second = reports[1];
    const cell = (to: string) => {
      const found = second?.checks.find((c) => c.to === to);
      if (!found) throw new Error(`no cell ${to} in step 2`);
      return found;
    };
    expect([cell('db:5432')?.status, observedOf(cell('db:5432'))]).toEqual(['pass', 'deny']);
    expect([cell('db:5433')?.status, observedOf(cell('db:5433'))]).toEqual(['pass', 'allow']);
    expect(second?.step?.enforcedAfterMs).toBeGreaterThan(0);
    expect(await kubectl(['get', 'networkpolicies', '-n', NS, '-o', 'name'])).toBe('');
    expect(await managedPods()).toEqual([]);
  });
});
