/**
 * placeFlows: observed flows laid over a verdict diff. The obsdemo workloads and the postgres lockdown
 * are the fixtures the README session uses (test/fixtures/flows/obsdemo).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { diffPolicies, placeFlows, type DiffResult } from '../../src/diff/index.js';
import { describeFlow } from '../../src/flows/party.js';
import { ANALYTICS, BACKEND, DNS, POSTGRES, WEB, flow, obsdemoFlows, workload } from '../flows/builders.js';
import { inventoryOf } from '../policy/builders.js';
import { NONE } from './builders.js';

function objectsOf(name: string): unknown[] {
  const text = readFileSync(fileURLToPath(new URL(`../fixtures/flows/obsdemo/${name}`, import.meta.url)), 'utf8');
  return parseAllDocuments(text).map((doc) => doc.toJS() as unknown);
}

const LOCKDOWN: DiffResult = diffPolicies({
  current: inventoryOf(objectsOf('workloads.yaml')),
  candidate: inventoryOf(objectsOf('postgres-lockdown.yaml')),
  scenarios: [],
  engine: { ipBlockMatchesPods: true },
});

describe('placeFlows', () => {
  it('marks the cut connection that carried traffic (analytics → postgres), not the cut one nobody used (web → postgres)', () => {
    expect(LOCKDOWN.diff.cut.map((change) => `${change.cell.from} → ${change.cell.to}`)).toEqual(['obsdemo/analytics → obsdemo/pg', 'obsdemo/web → obsdemo/pg']);
    const placed = placeFlows(LOCKDOWN.parties, LOCKDOWN.diff.cut, obsdemoFlows().flows);
    expect(placed.cut.map((cut) => ({ cell: `${cut.change.cell.from} → ${cut.change.cell.to} ${cut.change.cell.protocol}/${cut.change.cell.port}`, samples: cut.samples, lastSeen: cut.lastSeen }))).toEqual([
      { cell: 'obsdemo/analytics → obsdemo/pg TCP/5432', samples: 9, lastSeen: '2026-12-07T19:41:50Z' },
    ]);
    expect(placed).toMatchObject({ observed: 4, placed: 4, unplaced: [] });
  });

  it('sums the flows of one cell (by pod IP and through the Service) and lists the busiest cut first', () => {
    const flows = [
      flow(ANALYTICS, POSTGRES, 5432, { samples: 2, lastSeen: '2026-12-07T19:41:59Z' }),
      flow(ANALYTICS, POSTGRES, 5432, { via: { namespace: 'obsdemo', name: 'pg', port: 5432 }, samples: 9 }),
      flow(WEB, POSTGRES, 5432, { samples: 30 }),
    ];
    const placed = placeFlows(LOCKDOWN.parties, LOCKDOWN.diff.cut, flows);
    expect(placed.cut.map((cut) => [cut.change.cell.from, cut.samples, cut.lastSeen, cut.flows.length])).toEqual([
      ['obsdemo/web', 30, '2026-12-07T19:41:55Z', 1],
      ['obsdemo/analytics', 11, '2026-12-07T19:41:59Z', 2],
    ]);
  });

  it.each([
    ['an external destination', flow(BACKEND, { kind: 'external', address: '203.0.113.9' }, 443), 'the destination is external 203.0.113.9: the diff has no ipBlock cells for addresses outside the cluster'],
    ['a node source', flow({ kind: 'node', name: 'kk-node1' }, WEB, 8080), 'the source is node kk-node1: node traffic is not judged by NetworkPolicy cells (hostNetwork, kubelet)'],
    ['a workload the input does not hold', flow(workload('obsdemo', 'cron'), POSTGRES, 5432), "the source obsdemo/app=cron is no workload of the diff's input (give its manifests, or use --from-cluster)"],
    ['a port the destination does not declare', flow(BACKEND, POSTGRES, 5433), 'obsdemo/pg declares no container port 5433/TCP, and diff judges declared ports only'],
    ['an unknown backend', flow(BACKEND, undefined, 5432, { via: { namespace: 'obsdemo', name: 'pg', port: 5432 } }), 'the pods behind Service obsdemo/pg were not observed, so the cell is unknown'],
    ['a bare pod talking to itself', flow(POSTGRES, POSTGRES, 5432), 'a pod talking to itself (loopback), which diff does not judge'],
  ])('says why it cannot place %s', (_, observed, reason) => {
    const placed = placeFlows(LOCKDOWN.parties, LOCKDOWN.diff.cut, [observed]);
    expect(placed.unplaced.map((entry) => ({ flow: describeFlow(entry.flow), reason: entry.reason }))).toEqual([{ flow: describeFlow(observed), reason }]);
    expect(placed.placed).toBe(0);
  });

  it('places DNS flows on the DNS stand-in when the input holds no DNS workload', () => {
    const placed = placeFlows(LOCKDOWN.parties, LOCKDOWN.diff.cut, [flow(ANALYTICS, DNS, 53, { protocol: 'UDP' })]);
    expect(placed).toMatchObject({ placed: 1, unplaced: [], cut: [] });
  });

  it('places a flow on the cells of a live pod whose labels add pod-template-hash to the identity (diff --from-cluster)', () => {
    // Read live, the parties are pods carrying their ReplicaSet's hash besides the template labels.
    const live = objectsOf('workloads.yaml').map((object) => {
      const o = object as { kind?: string; metadata?: { labels?: Record<string, string> } };
      return o.kind === 'Pod' ? { ...o, metadata: { ...o.metadata, labels: { ...o.metadata?.labels, 'pod-template-hash': '7c588f9d46' } } } : o;
    });
    const result = diffPolicies({ current: inventoryOf(live), candidate: inventoryOf(objectsOf('postgres-lockdown.yaml')), scenarios: [], engine: { ipBlockMatchesPods: true } });
    const placed = placeFlows(result.parties, result.diff.cut, obsdemoFlows().flows);
    expect(placed.unplaced).toEqual([]);
    expect(placed.cut.map((cut) => `${cut.change.cell.from} → ${cut.change.cell.to}`)).toEqual(['obsdemo/analytics → obsdemo/pg']);
  });

  it('finds nothing cut when nothing changes', () => {
    const same = diffPolicies({ current: inventoryOf(objectsOf('workloads.yaml')), candidate: NONE, scenarios: [], engine: { ipBlockMatchesPods: true } });
    expect(placeFlows(same.parties, same.diff.cut, obsdemoFlows().flows).cut).toEqual([]);
  });
});
