/**
 * The rollout executor over a FakeCluster (real BusyBox probes on loopback, no policy enforcement) and
 * in-memory objects: the order of baseline, journal and steps, the rollback of a failed step with
 * the verification of the restored state, and an interrupt that still puts everything back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { executeRollout, type ExecuteRequest } from '../../src/app/rollout-execute.js';
import type { Scenario } from '../../src/model/scenario.js';
import { systemClock } from '../../src/probe/clock.js';
import type { ExpectationResolver } from '../../src/probe/expectations.js';
import { parseScenario } from '../../src/scenario/load.js';
import { FakeCluster } from '../support/fake-cluster.js';
import { FakeObjects, networkPolicy } from '../support/fake-objects.js';
import { clientDbScenario, quietProgress } from '../support/run-use-case.js';
import { memoryJournalStore } from '../support/memory-journal-store.js';

/** The fake network lets everything through; its "policies" say so too. */
const allowEverything: ExpectationResolver = async (probes) => new Map(probes.map((p) => [p.id, { type: 'judged', expect: 'allow', explanation: 'no policy selects db' }]));

function scenarioOf(expect: string): Scenario {
  const parsed = parseScenario('s.yaml', clientDbScenario('s', 'one', expect));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.scenario;
}

const allow = networkPolicy('one', 'allow-client', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{}] });
const deny = networkPolicy('one', 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] });

describe('executeRollout', () => {
  let cluster: FakeCluster | undefined;
  afterEach(() => cluster?.dispose());

  function request(scenario: Scenario, controller?: AbortController): ExecuteRequest {
    return {
      id: 'r1',
      sources: ['p.yaml'],
      steps: [
        { name: 'apply NetworkPolicy one/allow-client', objects: [allow] },
        { name: 'apply NetworkPolicy one/default-deny', objects: [deny] },
      ],
      scenarios: [
        {
          scenario,
          options: {
            runId: 'r1',
            clusterDomain: 'cluster.local',
            keep: false,
            progress: quietProgress,
            clock: systemClock,
            toolVersion: '0.0.0-test',
            facts: { services: new Map(), selectedPods: new Map() },
            resolveExpectations: allowEverything,
            ...(controller ? { signal: controller.signal } : {}),
          },
        },
      ],
      rollback: true,
    };
  }

  it('baseline, then each step applied and verified; the journal ends complete and the changes stay', async () => {
    cluster = new FakeCluster({ namespaces: ['one'] });
    const objects = new FakeObjects();
    const store = memoryJournalStore();
    const outcome = await executeRollout(request(scenarioOf('allow')), { cluster, objects, store, progress: quietProgress, now: Date.now });
    expect(outcome.result).toEqual({ type: 'complete' });
    expect(outcome.reports.map((r) => [r.step?.index, r.step?.name, r.summary.passed])).toEqual([
      [0, 'before any change', 1],
      [1, 'apply NetworkPolicy one/allow-client', 1],
      [2, 'apply NetworkPolicy one/default-deny', 1],
    ]);
    expect(outcome.reports[1]?.step?.changes).toEqual(['created NetworkPolicy one/allow-client']);
    // The lag is measured from the step's change to the attempt that agreed last: inside the step.
    for (const report of outcome.reports.slice(1)) {
      expect(report.step?.enforcedAfterMs, `step ${report.step?.index} enforced`).toBeGreaterThanOrEqual(0);
      expect(report.step?.enforcedAfterMs, `step ${report.step?.index}: lag within the step's ${report.step?.durationMs} ms`).toBeLessThanOrEqual(report.step?.durationMs ?? -1);
    }
    expect(objects.writes).toEqual(['apply NetworkPolicy one/allow-client', 'apply NetworkPolicy one/default-deny']);
    expect(store.saved.at(-1)?.state).toBe('complete');
    expect(outcome.applied).toEqual([1, 2]);
    expect(cluster.pods.size, 'probe pods deleted').toBe(0);
  });

  it('a step that breaks an expectation: everything is put back, the restored state is verified, the broken cell is named', async () => {
    cluster = new FakeCluster({ namespaces: ['one'] });
    const objects = new FakeObjects();
    const store = memoryJournalStore();
    // The goal says deny, the (fake) network still connects: the final step fails.
    const outcome = await executeRollout(request(scenarioOf('deny')), { cluster, objects, store, progress: quietProgress, now: Date.now });
    expect(outcome.result.type).toBe('step-failed');
    if (outcome.result.type !== 'step-failed') return;
    expect(outcome.result.step).toBe(2);
    expect(outcome.result.broken.map((c) => `${c.from} → ${c.to}`)).toEqual(['client → db:5432']);
    expect(outcome.result.restore?.restored).toEqual(['delete NetworkPolicy one/default-deny (it did not exist before)', 'delete NetworkPolicy one/allow-client (it did not exist before)']);
    expect(outcome.reports.at(-1)?.step?.name).toBe('restored');
    expect(outcome.reports.at(-1)?.summary.failed).toBe(0);
    expect(objects.store.size).toBe(0);
    expect(store.saved.at(-1)?.state).toBe('rolled-back');
    expect(outcome.applied).toEqual([]);
  });

  it('nothing is changed when the network disagrees with the current policies before the first step', async () => {
    cluster = new FakeCluster({ namespaces: ['one'] });
    const objects = new FakeObjects();
    const store = memoryJournalStore();
    const denying: ExpectationResolver = async (probes) => new Map(probes.map((p) => [p.id, { type: 'judged', expect: 'deny', explanation: 'db is isolated' }]));
    const base = request(scenarioOf('allow'));
    const first = base.scenarios[0];
    if (!first) throw new Error('no scenario');
    const outcome = await executeRollout({ ...base, scenarios: [{ ...first, options: { ...first.options, resolveExpectations: denying } }] }, { cluster, objects, store, progress: quietProgress, now: Date.now });
    expect(outcome.result).toEqual({ type: 'baseline-failed' });
    expect(objects.writes).toEqual([]);
    expect(store.saved).toEqual([]);
  });

  it('an interrupt during a step still puts back what was applied', async () => {
    cluster = new FakeCluster({ namespaces: ['one'] });
    const controller = new AbortController();
    const objects = new FakeObjects();
    const store = memoryJournalStore();
    const progress = { ...quietProgress, step: (text: string) => (text.startsWith('step 1/') ? controller.abort(new Error('interrupted by SIGINT')) : undefined) };
    const outcome = await executeRollout(request(scenarioOf('allow'), controller), { cluster, objects, store, progress, now: Date.now, signal: controller.signal });
    expect(outcome.result.type).toBe('interrupted');
    expect(objects.store.size, 'the applied step is rolled back').toBe(0);
    expect(store.saved.at(-1)?.state).toBe('rolled-back');
    expect(cluster.pods.size).toBe(0);
  });
});
