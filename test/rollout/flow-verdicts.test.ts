/**
 * What a planned rollout does to observed flows: the planner judges them as allow checks, and
 * judgeFlows reads back, per step, the flows it cuts and those it protects, with the step's policies.
 */
import { describe, expect, it } from 'vitest';
import { describeRef } from '../../src/model/objects.js';
import { DEFAULT_ENGINE_OPTIONS, decodeObjects } from '../../src/policy/index.js';
import { rolloutChanges } from '../../src/rollout/changes.js';
import { flowChecks } from '../../src/rollout/flow-checks.js';
import { judgeFlows, type FlowVerdict } from '../../src/rollout/flow-verdicts.js';
import { planRollout } from '../../src/rollout/plan.js';
import { checkScenarioText } from '../../src/scenario/load.js';
import { parseManifestText } from '../../src/scenario/read-manifests.js';
import { ANALYTICS as analytics, BACKEND as backend, POSTGRES as postgres, WEB, flow, obsdemoFlows } from '../flows/builders.js';
import { POSTGRES_BOTH_CLIENTS as BOTH, POSTGRES_LOCKDOWN as LOCKDOWN } from '../support/postgres-policies.js';

const DOCUMENT = obsdemoFlows({ flows: [flow(analytics, postgres, 5432, { samples: 28 }), flow(backend, postgres, 5432, { samples: 30 }), flow(backend, WEB, 8080)] });

function verdict(policies: string): FlowVerdict {
  const checks = flowChecks(DOCUMENT, { file: 'flows.yaml', clusterDomain: 'cluster.local' });
  const parsed = checkScenarioText('flows', checks.yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const plan = planRollout({
    current: decodeObjects([]).inventory,
    changes: rolloutChanges(parseManifestText(policies, 'policies.yaml').objects),
    scenarios: [parsed.scenario],
    engine: DEFAULT_ENGINE_OPTIONS,
  });
  return judgeFlows(plan, checks.checks);
}

const named = (checks: readonly { readonly check: string }[]): string[] => checks.map((entry) => entry.check);

describe('judgeFlows', () => {
  it('names the flow a lockdown cuts, with the step and the policy whose application cuts it; the admitted flow is protected', () => {
    const result = verdict(LOCKDOWN);
    expect(result.cut.map((cut) => [cut.flow.check, cut.step, cut.policies.map((change) => describeRef(change.ref))])).toEqual([
      ['flow 1 of flows.yaml: obsdemo/app=analytics → obsdemo/app=postgres:5432/TCP', 1, ['NetworkPolicy obsdemo/postgres-lockdown']],
    ]);
    expect(result.steps.map((step) => [named(step.cuts), named(step.protects)])).toEqual([
      [['flow 1 of flows.yaml: obsdemo/app=analytics → obsdemo/app=postgres:5432/TCP'], ['flow 2 of flows.yaml: obsdemo/app=backend → obsdemo/app=postgres:5432/TCP']],
    ]);
  });

  it('cuts nothing when the policy admits both clients, and protects both; a flow the step does not act on is not listed for it', () => {
    const result = verdict(BOTH);
    expect(result.cut).toEqual([]);
    expect(result.steps.map((step) => named(step.protects))).toEqual([
      ['flow 1 of flows.yaml: obsdemo/app=analytics → obsdemo/app=postgres:5432/TCP', 'flow 2 of flows.yaml: obsdemo/app=backend → obsdemo/app=postgres:5432/TCP'],
    ]);
  });

  it('orders an allow before the lockdown given first, so the flows stay open all the way', () => {
    const result = verdict(`${LOCKDOWN}---\n${BOTH}`);
    expect(result.cut).toEqual([]);
    expect(result.steps.map((step) => step.policies.map((change) => change.ref.name))).toEqual([['postgres-clients'], ['postgres-lockdown']]);
  });

  it('judges a UDP flow on its UDP port: a policy admitting only TCP on that port cuts it (the planner used to judge UDP checks as TCP)', () => {
    const udp = obsdemoFlows({ flows: [flow(backend, postgres, 5353, { protocol: 'UDP', samples: 7 })] });
    const checks = flowChecks(udp, { file: 'flows.yaml', clusterDomain: 'cluster.local' });
    const parsed = checkScenarioText('flows', checks.yaml);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const tcpOnly = LOCKDOWN.replace('ports: [{port: 5432}]', 'ports: [{port: 5353, protocol: TCP}]');
    const plan = planRollout({ current: decodeObjects([]).inventory, changes: rolloutChanges(parseManifestText(tcpOnly, 'policies.yaml').objects), scenarios: [parsed.scenario], engine: DEFAULT_ENGINE_OPTIONS });
    expect(judgeFlows(plan, checks.checks).cut.map((cut) => cut.flow.check)).toEqual(['flow 1 of flows.yaml: obsdemo/app=backend → obsdemo/app=postgres:5353/UDP']);
  });
});
