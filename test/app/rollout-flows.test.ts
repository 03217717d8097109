/**
 * `rollout --flows` over a FakeCluster and in-memory objects: a rollout that would cut an observed
 * flow is refused before anything is written (no probe pod, no policy, no journal), --dry-run says the
 * same, --allow-cut-flows goes on and says loudly what it cuts, and a rollout that keeps the flows
 * open verifies them live with probe pods standing in for their ends.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowsDocument } from '../../src/flows/types.js';
import { InputError } from '../../src/model/errors.js';
import { rollout, type RolloutRequest } from '../../src/app/rollout.js';
import { systemClock } from '../../src/probe/clock.js';
import type { RunReport } from '../../src/model/report.js';
import { FakeCluster } from '../support/fake-cluster.js';
import { FakeObjects } from '../support/fake-objects.js';
import type { Flow, FlowParty } from '../../src/flows/types.js';
import { ANALYTICS as analytics, BACKEND as backend, DNS, POSTGRES as postgres, flow, obsdemoFlows } from '../flows/builders.js';
import { POSTGRES_BOTH_CLIENTS, POSTGRES_LOCKDOWN } from '../support/postgres-policies.js';
import { quietProgress } from '../support/run-use-case.js';

const DIR = mkdtempSync(join(tmpdir(), 'kk-rollout-flows-'));
function file(name: string, text: string): string {
  const path = join(DIR, name);
  writeFileSync(path, text);
  return path;
}

const flowsDocument = (flows: readonly Flow[]) => obsdemoFlows({ flows });
const external = (address: string): FlowParty => ({ kind: 'external', address });
const DOCUMENT = flowsDocument([
  flow(analytics, postgres, 5432, { samples: 28, lastSeen: '2026-12-07T19:41:59Z' }),
  flow(backend, postgres, 5432, { samples: 30 }),
  flow(backend, external('203.0.113.9'), 443, { samples: 2 }),
]);
const LOCKDOWN = file('lockdown.yaml', POSTGRES_LOCKDOWN);
const BOTH_CLIENTS = file('both.yaml', POSTGRES_BOTH_CLIENTS);
const ANALYTICS_CUT = `  ✗ obsdemo/app=analytics → obsdemo/app=postgres:5432/TCP (28 samples, last seen 2026-12-07T19:41:59Z): cut by step 1, which applies NetworkPolicy obsdemo/postgres-lockdown (${LOCKDOWN}:1)`;

describe('rollout --flows', () => {
  let cluster: FakeCluster | undefined;
  afterEach(() => cluster?.dispose());

  function request(policies: string, overrides: Partial<RolloutRequest> = {}): RolloutRequest {
    return {
      files: [policies],
      cwd: DIR,
      scenarios: [],
      flows: { file: 'flows.yaml', allowCut: false },
      // Quick probes: the fake network answers at once.
      overrides: { timeoutSeconds: 1, attempts: 1, settleSeconds: 0 },
      dryRun: false,
      yes: true,
      rollback: true,
      journalNamespace: 'kubeknock',
      clusterDomain: 'cluster.local',
      output: 'json',
      color: false,
      engine: { ipBlockMatchesPods: true },
      ignoreClusterPolicies: false,
      ...overrides,
    };
  }

  function deps(objects: FakeObjects, out: { text: string; notes: string[] }, document: FlowsDocument = DOCUMENT) {
    cluster = new FakeCluster({ namespaces: ['obsdemo', 'kubeknock'] });
    const fake = cluster;
    return {
      connect: () => fake,
      objects: () => objects,
      readPolicyObjects: async () => [],
      readFlows: async (path: string, server: string) => {
        // The reader refuses a file of another cluster (src/app/flows/read-flows.ts): it must be told which one this is.
        if (path !== 'flows.yaml' || server !== fake.server) throw new InputError(`unexpected flows read: ${path} on ${server}`);
        return document;
      },
      progress: quietProgress,
      clock: systemClock,
      write: (text: string) => (out.text += text),
      note: (text: string) => out.notes.push(text),
      toolVersion: '0.0.0-test',
    };
  }

  it('refuses a rollout that would cut an observed flow: exit 1, naming the flow and the policy; no probe pod, no write, no journal', async () => {
    const objects = new FakeObjects();
    const out = { text: '', notes: [] as string[] };
    const journal = join(DIR, 'refused-journal.json');
    const outcome = await rollout(request(LOCKDOWN, { journalFile: journal }), deps(objects, out));
    expect(outcome.exitCode).toBe(1);
    const refusal = out.notes.find((note) => note.startsWith('refusing to roll out'));
    expect(refusal?.split('\n')).toEqual([
      'refusing to roll out: it would cut 1 observed flow; nothing was changed',
      ANALYTICS_CUT,
      '  add the allows these flows need to the policies (kubeknock diff --flows shows every cut), or, when the traffic must stop, run again with --allow-cut-flows',
    ]);
    expect(objects.writes, 'no policy written').toEqual([]);
    expect(cluster?.created, 'no probe pod created').toHaveLength(0);
    expect(existsSync(journal), 'no journal').toBe(false);
    expect(outcome.execution).toBeUndefined();
  });

  it('--dry-run prints the plan with the flows each step protects and cuts, the DNS flows it looks up live, and gives the same verdict', async () => {
    const objects = new FakeObjects();
    const out = { text: '', notes: [] as string[] };
    const withDns = flowsDocument([...DOCUMENT.flows, flow(backend, DNS, 53, { protocol: 'UDP', samples: 5 })]);
    const outcome = await rollout(request(LOCKDOWN, { dryRun: true, yes: false, output: 'table' }), deps(objects, out, withDns));
    expect(outcome.exitCode).toBe(1);
    const section = out.text.slice(out.text.indexOf('observed flows:'));
    expect(section).toBe(
      [
        'observed flows: 4 flows in flows.yaml (window 2026-12-07T19:41:00Z – 2026-12-07T19:42:00Z); 2 between workloads, checked by probe pods at every step; 1 cut by this plan',
        `  step 1: NetworkPolicy obsdemo/postgres-lockdown (${LOCKDOWN}:1)`,
        '    ✗ cuts     obsdemo/app=analytics → obsdemo/app=postgres:5432/TCP (28 samples, last seen 2026-12-07T19:41:59Z)',
        '    ✓ protects obsdemo/app=backend → obsdemo/app=postgres:5432/TCP (30 samples, last seen 2026-12-07T19:41:55Z)',
        '  to the cluster DNS, checked live by a DNS lookup at every step (the plan does not judge these):',
        '    - obsdemo/app=backend → kube-system/k8s-app=kube-dns:53/UDP (5 samples, last seen 2026-12-07T19:41:55Z)',
        '  not verified live: no probe pod can stand in for this flow (skipped, not faked):',
        '    - obsdemo/app=backend → external 203.0.113.9:443/TCP (2 samples, last seen 2026-12-07T19:41:55Z): to 203.0.113.9, outside the cluster: a probe pod cannot stand in for it',
        '',
      ].join('\n'),
    );
    expect(out.notes.find((note) => note.startsWith('refusing to roll out'))).toContain(ANALYTICS_CUT);
    expect(objects.writes).toEqual([]);
    expect(cluster?.created).toHaveLength(0);
  });

  it('--allow-cut-flows (dry run): goes on, exit 0, and says loudly which flows it cuts', async () => {
    const objects = new FakeObjects();
    const out = { text: '', notes: [] as string[] };
    const outcome = await rollout(request(LOCKDOWN, { dryRun: true, yes: false, output: 'table', flows: { file: 'flows.yaml', allowCut: true } }), deps(objects, out));
    expect(outcome.exitCode).toBe(0);
    expect(out.notes.find((note) => note.startsWith('WARNING'))?.split('\n')).toEqual([
      'WARNING: --allow-cut-flows: this rollout CUTS 1 observed flow; the traffic below will be denied:',
      ANALYTICS_CUT,
    ]);
    expect(out.text).toContain('  --allow-cut-flows: the cut flow is verified as the policies say (denied), not expected open\n');
    expect(objects.writes).toEqual([]);
  });

  it('--allow-cut-flows, applied: the steps judge the cut flow by the policies (not expected open, which would roll back), the others stay expected open', async () => {
    const objects = new FakeObjects();
    const out = { text: '', notes: [] as string[] };
    const outcome = await rollout(request(LOCKDOWN, { journalFile: join(DIR, 'cut-journal.json'), flows: { file: 'flows.yaml', allowCut: true } }), deps(objects, out));
    expect(outcome.exitCode, out.notes.join('\n')).toBe(0);
    const last = out.text.trim().split('\n').map((line) => JSON.parse(line) as RunReport).at(-1);
    expect(last?.checks.map((check) => `${check.name}: ${check.expectSource ?? 'scenario'}`).sort()).toEqual([
      'flow 1 of flows.yaml: obsdemo/app=analytics → obsdemo/app=postgres:5432/TCP: policy',
      'flow 2 of flows.yaml: obsdemo/app=backend → obsdemo/app=postgres:5432/TCP: scenario',
    ]);
  });

  it('a rollout that keeps the flows open applies and verifies them live, with probe pods standing in for their ends', async () => {
    const objects = new FakeObjects();
    const out = { text: '', notes: [] as string[] };
    const outcome = await rollout(request(BOTH_CLIENTS, { journalFile: join(DIR, 'kept-journal.json') }), deps(objects, out));
    expect(outcome.exitCode, out.notes.join('\n')).toBe(0);
    expect(objects.writes.length, 'the policy was applied').toBeGreaterThan(0);
    expect(new Set(cluster?.created.map((pod) => JSON.stringify(pod.metadata.labels?.['app'])))).toEqual(new Set(['"analytics"', '"postgres"', '"backend"']));
    const reports = out.text.trim().split('\n').map((line) => JSON.parse(line) as RunReport);
    const last = reports.at(-1);
    expect(last?.checks.map((check) => `${check.name}: expect ${check.expect}, ${check.status}`).sort()).toEqual([
      'flow 1 of flows.yaml: obsdemo/app=analytics → obsdemo/app=postgres:5432/TCP: expect allow, pass',
      'flow 2 of flows.yaml: obsdemo/app=backend → obsdemo/app=postgres:5432/TCP: expect allow, pass',
    ]);
  });

  it('refuses --flows whose flows no probe pod can check, when nothing else verifies the steps', async () => {
    const out = { text: '', notes: [] as string[] };
    const onlyExternal = flowsDocument([flow(backend, external('203.0.113.9'), 443)]);
    await expect(rollout(request(BOTH_CLIENTS), deps(new FakeObjects(), out, onlyExternal))).rejects.toThrow(
      'flows.yaml has no flow between two workloads, so no probe pod can verify a step; give --scenario FILE or --discover as well',
    );
  });
});
