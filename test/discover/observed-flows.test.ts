/**
 * discover --flows: observed flows become expect: allow checks, commented with what was seen, and
 * the scenario names the declared doors that saw no traffic. Golden scenario (regenerate with
 * `UPDATE_GOLDEN=1 npx vitest run --config test/vitest.config.ts test/discover/observed-flows.test.ts`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discover, type DiscoverOptions } from '../../src/app/discover.js';
import type { FlowsDocument } from '../../src/flows/types.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runCli, REPO } from '../support/cli.js';
import { ANALYTICS, BACKEND, DNS, POSTGRES, flow, obsdemoFlows, workload } from '../flows/builders.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const F = 'test/fixtures/flows';

function options(files: readonly string[], document: FlowsDocument): DiscoverOptions {
  return {
    source: { type: 'files', paths: files, cwd: REPO },
    inputs: files,
    selection: { namespaces: [], excludeNamespaces: [], forProbePods: true },
    plan: { exhaustive: false, snapshot: false, externals: [], dnsName: 'kubernetes.default.svc.cluster.local.' },
    engine: { ipBlockMatchesPods: true },
    scenarioName: 'observed',
    flows: { document, file: 'flows.yaml' },
  };
}

const checkLines = (yaml: string): string[] => yaml.split('\n').filter((line) => line.startsWith('    - {'));

describe('discover --flows', () => {
  it('turns each observed flow into an expect: allow check, commented with what was seen', async () => {
    const { yaml } = await discover(options([`${F}/obsdemo/workloads.yaml`, `${F}/obsdemo/postgres-lockdown.yaml`], obsdemoFlows()));
    expect(checkLines(yaml)).toContain('    - {from: obsdemo-backend, to: obsdemo-pg:5432, expect: allow}  # observed: 12 samples, last 19:41:55');
    // analytics dialled Service pg: both its pod check and its Service check saw it; the lockdown denies it, and the comment says so.
    expect(checkLines(yaml)).toContain('    - {from: obsdemo-analytics, to: obsdemo-pg:5432, expect: allow}  # observed: 9 samples, last 19:41:50; the given policies deny it');
    expect(checkLines(yaml)).toContain('    - {from: obsdemo-analytics, to: {service: pg, namespace: obsdemo, port: 5432}, expect: allow}  # observed: 9 samples, last 19:41:50; the given policies deny it');
    expect(checkLines(yaml)).toContain('    - {from: obsdemo-analytics, dns: kubernetes.default.svc.cluster.local., expect: allow}  # observed: 9 samples, last 19:41:55');
    expect(parseScenario('observed.yaml', yaml).ok, 'the scenario validates').toBe(true);
  });

  it('probes a workload its class stood for when traffic was seen from it (a check of its own)', async () => {
    const { yaml, plan } = await discover(options([`${F}/obsdemo/workloads.yaml`], obsdemoFlows()));
    expect(plan.actors.find((actor) => actor.name === 'obsdemo-backend')?.probed).toBe(true);
    const lines = yaml.split('\n');
    const group = lines.indexOf('    # from obsdemo-backend (class 1: stands for 2 identities)');
    expect(lines.slice(group, group + 2)).toEqual(['    # from obsdemo-backend (class 1: stands for 2 identities)', '    - {from: obsdemo-backend, to: obsdemo-pg:5432, expect: allow}  # observed: 12 samples, last 19:41:55']);
    expect(parseScenario('observed.yaml', yaml).ok, 'the scenario validates').toBe(true);
  });

  it('names the declared doors that saw no traffic, and the flows no check stands for, with the reason', async () => {
    const document = obsdemoFlows({
      flows: [
        flow(BACKEND, POSTGRES, 5432),
        flow(BACKEND, { kind: 'external', address: '203.0.113.9' }, 443),
        flow(ANALYTICS, DNS, 53, { protocol: 'UDP', via: { namespace: 'kube-system', name: 'kube-dns', port: 53 } }),
        flow(ANALYTICS, POSTGRES, 5353, { protocol: 'UDP' }),
        flow(workload('obsdemo', 'cron'), POSTGRES, 5432),
      ],
    });
    const { yaml } = await discover(options([`${F}/obsdemo/workloads.yaml`], document));
    const tail = yaml.slice(yaml.indexOf('# Observed flows'));
    expect(tail).toBe(
      [
        '# Observed flows (flows.yaml, 2026-12-07T19:41:00Z to 2026-12-07T19:42:00Z): 2 checks expect allow because traffic was seen.',
        '# Observed, but no check stands for it:',
        '#   obsdemo/app=analytics → obsdemo/app=postgres:5353/UDP: UDP: probe pods listen on TCP only',
        '#   obsdemo/app=backend → external 203.0.113.9:443/TCP: an address outside the cluster: add it with --external HOST:PORT to check it',
        '#   obsdemo/app=cron → obsdemo/app=postgres:5432/TCP: the source obsdemo/app=cron is not among the discovered workloads',
        '# Declared doors that saw no traffic in the window (candidates for a deny, or traffic the window missed):',
        '#   obsdemo-web (obsdemo/app=web) 8080/TCP "http"',
        '',
      ].join('\n'),
    );
  });

  it('writes the obsdemo scenario (golden: discover-obsdemo.yaml) and says what the flows did on stderr', async () => {
    const { code, stdout, stderr } = await runCli(['discover', '-f', `${F}/obsdemo/workloads.yaml`, '-f', `${F}/obsdemo/postgres-lockdown.yaml`, '--flows', `${F}/valid-obsdemo.yaml`, '--flows-max-age', '0', '--name', 'obsdemo']);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('observed flows: 5 checks expect allow, 0 flows not checked, 0 declared doors saw no traffic');
    const path = fileURLToPath(new URL('../fixtures/flows/golden/discover-obsdemo.yaml', import.meta.url));
    if (UPDATE) writeFileSync(path, stdout);
    expect(existsSync(path), `golden file ${path} should exist (create it with UPDATE_GOLDEN=1)`).toBe(true);
    expect(stdout).toBe(readFileSync(path, 'utf8'));
  });

  it('refuses a bad flows file with exit 2 before reading anything else', async () => {
    const { code, stderr } = await runCli(['discover', '-f', `${F}/obsdemo/workloads.yaml`, '--flows', `${F}/invalid-scenario-not-flows.yaml`]);
    expect(code).toBe(2);
    expect(stderr).toContain('kind: got "Scenario": expected Flows');
  });
});
