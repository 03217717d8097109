/** Observed flows as a rollout's checks: probe pods standing in for the ends, and the flows no probe pod can stand in for. */
import { describe, expect, it } from 'vitest';
import { flowChecks } from '../../src/rollout/flow-checks.js';
import { checkScenarioText } from '../../src/scenario/load.js';
import type { Flow, FlowParty } from '../../src/flows/types.js';
import { DNS, flow, obsdemoFlows, workload } from '../flows/builders.js';

const flowsDocument = (flows: readonly Flow[]) => obsdemoFlows({ flows });
const node = (name: string): FlowParty => ({ kind: 'node', name });
const external = (address: string): FlowParty => ({ kind: 'external', address });

const backend = workload('obsdemo', 'backend');
const analytics = workload('obsdemo', 'analytics');
const postgres = workload('obsdemo', 'postgres');

function load(yaml: string) {
  const parsed = checkScenarioText('flows', yaml);
  if (!parsed.ok) throw new Error(`expected a valid scenario, got ${JSON.stringify(parsed.issues)}\n${yaml}`);
  return parsed.scenario;
}

describe('flowChecks', () => {
  it('turns each flow between workloads into an allow check between probe pods with the identities\' namespace and labels', () => {
    const made = flowChecks(
      flowsDocument([
        flow(analytics, postgres, 5432, { families: ['ipv4', 'ipv6'], portName: 'pg', samples: 28 }),
        flow(backend, postgres, 5432),
        flow(backend, postgres, 5353, { protocol: 'UDP', families: ['ipv6'] }),
      ]),
      { file: 'flows.yaml', clusterDomain: 'cluster.local' },
    );
    const scenario = load(made.yaml);
    expect([...scenario.actors.values()].map((actor) => [actor.name, actor.namespace, actor.labels, actor.listen])).toEqual([
      ['obsdemo-analytics', 'obsdemo', { app: 'analytics' }, []],
      ['obsdemo-postgres', 'obsdemo', { app: 'postgres' }, [{ port: 5432, protocol: 'TCP', name: 'pg' }, { port: 5353, protocol: 'UDP' }]],
      ['obsdemo-backend', 'obsdemo', { app: 'backend' }, []],
    ]);
    expect(scenario.checks.map((check) => `${check.from} → ${check.toLabel} ${check.kind} ${check.expect}`)).toEqual([
      'obsdemo-analytics → obsdemo-postgres:5432 (ipv4) tcp allow',
      'obsdemo-analytics → obsdemo-postgres:5432 (ipv6) tcp allow',
      'obsdemo-backend → obsdemo-postgres:5432 (ipv4) tcp allow',
      'obsdemo-backend → obsdemo-postgres:5353/udp (ipv6) udp allow',
    ]);
    expect(made.checks.map((check) => check.check)).toEqual([
      'flow 1 of flows.yaml: obsdemo/app=analytics → obsdemo/app=postgres:5432/TCP',
      'flow 2 of flows.yaml: obsdemo/app=backend → obsdemo/app=postgres:5432/TCP',
      'flow 3 of flows.yaml: obsdemo/app=backend → obsdemo/app=postgres:5353/UDP',
    ]);
    expect(new Set(scenario.checks.map((check) => check.name)), 'each check is named after its flow, so the plan can name the flow').toEqual(new Set(made.checks.map((check) => check.check)));
    expect(made.yaml).toContain('    # 28 samples, last seen 2026-12-07T19:41:55Z\n');
    expect(made.unchecked).toEqual([]);
  });

  it('gives a flow between two pods of one identity a second probe pod: one pod to itself is loopback', () => {
    const scenario = load(flowChecks(flowsDocument([flow(backend, backend, 8080)]), { file: 'f.yaml', clusterDomain: 'cluster.local' }).yaml);
    expect(scenario.checks.map((check) => `${check.from} → ${check.toLabel}`)).toEqual(['obsdemo-backend → obsdemo-backend-peer:8080 (ipv4)']);
    expect(scenario.actors.get('obsdemo-backend-peer')?.labels).toEqual({ app: 'backend' });
  });

  it('skips, with the reason, the flows no probe pod can stand in for: nodes, outside addresses, a Service whose backend was not seen', () => {
    const made = flowChecks(
      flowsDocument([
        flow(node('kk-node1'), postgres, 5432),
        flow(backend, external('203.0.113.9'), 443),
        flow(backend, node('kk-node2'), 10250),
        flow(analytics, undefined, 5432, { via: { namespace: 'obsdemo', name: 'pg', port: 5432 } }),
      ]),
      { file: 'f.yaml', clusterDomain: 'cluster.local' },
    );
    expect(made.yaml, 'no check: no scenario').toBe('');
    expect(made.checks).toEqual([]);
    expect(made.unchecked.map((entry) => entry.reason)).toEqual([
      "from node kk-node1: a probe pod cannot stand in for a node's own address",
      'to 203.0.113.9, outside the cluster: a probe pod cannot stand in for it',
      "to node kk-node2: a probe pod cannot stand in for a node's own address",
      'to Service obsdemo/pg:5432 whose backend was not seen: the policies judge the backend pod, which is unknown',
    ]);
  });

  it('makes DNS-label actor names from odd label values, apart when two identities share a name', () => {
    const scenario = load(
      flowChecks(flowsDocument([flow(workload('a', 'X_1'), workload('a', 'x-1'), 80), flow(workload('9ns', 'very-long-name-that-goes-on-and-on-and-on', 'k8s.io/name'), workload('a', 'x-1'), 80)]), { file: 'f.yaml', clusterDomain: 'cluster.local' }).yaml,
    );
    expect([...scenario.actors.keys()]).toEqual(['a-x-1', 'a-x-1-2', '9ns-very-long-name-that-goes-on-and']);
  });

  it('asks the cluster DNS by a lookup from the client\'s probe pod instead of posing as CoreDNS; DNS over TCP is skipped with the reason', () => {
    const made = flowChecks(
      flowsDocument([flow(analytics, DNS, 53, { protocol: 'UDP', via: { namespace: 'kube-system', name: 'kube-dns', port: 53 } }), flow(analytics, DNS, 53)]),
      { file: 'f.yaml', clusterDomain: 'cluster.local' },
    );
    const scenario = load(made.yaml);
    expect([...scenario.actors.keys()], 'no probe pod in kube-system').toEqual(['obsdemo-analytics']);
    expect(scenario.checks.map((check) => `${check.from} → ${check.toLabel} ${check.kind} ${check.expect}`)).toEqual(['obsdemo-analytics → dns:kubernetes.default.svc.cluster.local. dns allow']);
    expect(made.checks.map((check) => check.how)).toEqual(['dns-lookup']);
    expect(made.unchecked.map((entry) => entry.reason)).toEqual(['DNS over TCP: a DNS lookup asks over UDP, and no probe pod poses as the cluster DNS']);
  });
});
