/** `kubeknock diff` through main(argv, io): exit codes 0/1/2, the three formats, bad input, and --from-cluster against a fake API server. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startFakeApi, type FakeApi } from '../cluster-adapter/fake-api-server.js';
import { writeKubeconfig } from '../cluster-adapter/kubeconfig-file.js';

const scratch = mkdtempSync(join(tmpdir(), 'kk-diff-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
};

const SHOP_NAMESPACE = write('shop-namespace.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n');
const THREE_TIER = ['--to', 'scenarios/three-tier/policies.yaml', '--scenario', 'scenarios/three-tier.yaml'];
const PLAYBOOK = ['default-deny-dns', 'monitoring-scrape', 'namespace-isolation', 'postgres-lockdown', 'three-tier'];

interface JsonDiff {
  summary: { judged: number; cut: number; opened: number };
  cut: { from: string; to: string; port: number; expected: { scenario: string; check: string; expect: string }[] }[];
  opened: { expected: { expect: string }[] }[];
}

describe('kubeknock diff', () => {
  it('exits 1 and lists what the three-tier policies cut, from a namespace-only -f', async () => {
    const { code, stdout, stderr } = await runCli(['diff', '-f', SHOP_NAMESPACE, ...THREE_TIER]);
    expect(stderr, 'nothing on stderr').toBe('');
    expect(code, 'changes: exit 1').toBe(1);
    expect(stdout).toContain('diff: 4 connections cut, 0 opened, 8 unchanged, of 12 cells');
    expect(stdout).toMatch(/frontend\s+database\s+TCP\/5432\s+in\+eg\s+as three-tier expects\s+isolated by: shop\/default-deny-all; admits other traffic only: shop\/allow-dns-egress, shop\/database, shop\/frontend/);
  });

  it('--to alone means "no NetworkPolicy at all" now, and says so on stderr', async () => {
    const alone = await runCli(['diff', ...THREE_TIER]);
    const withNamespace = await runCli(['diff', '-f', SHOP_NAMESPACE, ...THREE_TIER]);
    expect(alone.code).toBe(1);
    expect(alone.stdout, 'the same answer as -f with only the Namespace').toBe(withNamespace.stdout);
    expect(alone.stderr).toContain('kubeknock: note: no -f and no --from-cluster: the current state has no NetworkPolicy at all');
  });

  it('exits 0 when the candidate is what is already there', async () => {
    const { code, stdout } = await runCli(['diff', '-f', 'scenarios/three-tier/policies.yaml', ...THREE_TIER]);
    expect(code, 'no change: exit 0').toBe(0);
    expect(stdout).toContain('diff: 0 connections cut, 0 opened, 12 unchanged');
    expect(stdout).toContain('repeats 5 unchanged');
  });

  it('-o markdown is a pull-request comment; -o json one object', async () => {
    const markdown = await runCli(['diff', ...THREE_TIER, '-o', 'markdown']);
    expect(markdown.stdout.startsWith('### kubeknock diff: 4 connections cut, 0 opened\n')).toBe(true);
    expect(markdown.stdout).toContain('| frontend | database | TCP/5432 | ingress and egress |');
    const json = await runCli(['diff', ...THREE_TIER, '-o', 'json']);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as JsonDiff;
    expect(parsed.summary).toEqual({ judged: 12, cut: 4, opened: 0, unchanged: 8 });
  });

  it('on the seed playbook (all five policy files against none), every actor → actor check agrees with the candidate', async () => {
    const args = ['diff', ...PLAYBOOK.flatMap((name) => ['--to', `scenarios/${name}/policies.yaml`]), ...PLAYBOOK.flatMap((name) => ['--scenario', `scenarios/${name}.yaml`]), '-o', 'json'];
    const { code, stdout, stderr } = await runCli(args);
    expect(code, stderr).toBe(1);
    const parsed = JSON.parse(stdout) as JsonDiff;
    const expectations = [...parsed.cut, ...parsed.opened].flatMap((change) => change.expected);
    // No policy allows everything: a cell a check expects denied must be cut, one expected allowed must not.
    expect(parsed.opened, 'nothing was denied without policies').toEqual([]);
    expect(expectations.filter((expected) => expected.expect !== 'deny'), 'no check expecting allow is cut').toEqual([]);
    const cutChecks = new Set(parsed.cut.flatMap((change) => change.expected.map((expected) => `${expected.scenario}: ${expected.check}`)));
    expect([...cutChecks].sort()).toEqual([
      'default-deny-dns: no traffic inside the namespace',
      'monitoring-scrape: a prometheus label outside monitoring is not enough',
      'monitoring-scrape: only the metrics port',
      'monitoring-scrape: other monitoring pods cannot scrape',
      'namespace-isolation: staging cannot reach prod',
      'postgres-lockdown: nobody else: backend-elsewhere → postgres:5432',
      'postgres-lockdown: nobody else: frontend → postgres:5432',
      'postgres-lockdown: only on 5432',
      'three-tier: frontend serves nobody: backend → frontend:8080',
      'three-tier: frontend serves nobody: database → frontend:8080',
      'three-tier: the chain: frontend → database:5432',
      'three-tier: the database calls nobody',
    ]);
    expect(parsed.summary.cut, 'the playbook cuts most of the cross-scenario cells too').toBeGreaterThan(100);
  });

  it.each([
    { name: 'no --to', args: ['diff', '-f', SHOP_NAMESPACE], message: 'Give the candidate NetworkPolicies with --to' },
    { name: '-f and --from-cluster', args: ['diff', '-f', SHOP_NAMESPACE, '--from-cluster', ...THREE_TIER], message: 'Use either -f or --from-cluster, not both' },
    { name: 'a negative --max-rows', args: ['diff', ...THREE_TIER, '--max-rows', '-1'], message: '--max-rows must be a whole number, 0 or more (got -1)' },
    {
      name: '--to without a NetworkPolicy',
      args: ['diff', '--to', SHOP_NAMESPACE],
      message: `--to ${SHOP_NAMESPACE}: no NetworkPolicy to compare; diff judges the NetworkPolicies of the --to files against the current ones (-f or --from-cluster): give the candidate policies with --to`,
    },
    { name: 'policies the API server rejects', args: ['diff', '--to', 'test/policy/fixtures/invalid-policies.yaml'], message: 'test/policy/fixtures/invalid-policies.yaml:9:7: spec.egress[0].to: must be a list' },
    { name: 'a missing --to file', args: ['diff', '--to', 'nope.yaml'], message: 'nope.yaml: no such file or directory' },
    { name: 'a missing scenario', args: ['diff', ...THREE_TIER, '--scenario', 'nope.yaml'], message: 'nope.yaml: no such file' },
    {
      name: 'nothing to judge (policies, but no workload and no actor)',
      args: ['diff', '--to', 'scenarios/default-deny-dns/policies.yaml'],
      message: 'nothing to judge: no workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) with pod labels in the --to files, and no scenario actor; give the workloads with -f or --to, or actors with --scenario FILE',
    },
  ])('exits 2 on $name, saying what to fix', async ({ args, message }) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code, stderr).toBe(2);
    expect(stdout, 'no report on bad input').toBe('');
    expect(stderr).toContain(message);
  });

  it('--help explains what "current" is when no -f is given, and the exit codes', async () => {
    const { code, stdout } = await runCli(['diff', '--help']);
    expect(code).toBe(0);
    expect(stdout.replace(/\s+/g, ' ')).toContain('With neither, it is "no NetworkPolicy at all", over the Namespaces and workloads of the --to files');
    expect(stdout.replace(/\s+/g, ' ')).toContain('Exit codes: 0 no verdict changes, 1 some connections cut or opened, 2 bad input.');
  });
});

describe('kubeknock diff --from-cluster', () => {
  let api: FakeApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('reads the current objects from the cluster and compares the --to files with them', async () => {
    api = await startFakeApi({
      namespaces: { shop: { 'kubernetes.io/metadata.name': 'shop' } },
      networkPolicies: [{ metadata: { namespace: 'shop', name: 'default-deny-all' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }],
    });
    for (const [name, app, port] of [['frontend-1', 'frontend', 8080], ['backend-1', 'backend', 8080], ['database-1', 'database', 5432]] as const) {
      api.pods.set(`shop/${name}`, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { namespace: 'shop', name, labels: { app } },
        spec: { containers: [{ name: 'main', ports: [{ containerPort: port }] }] },
        status: { phase: 'Running', podIP: `10.244.0.${port % 200}` },
      });
    }
    const { code, stdout, stderr } = await runCli(['diff', '--from-cluster', '--kubeconfig', writeKubeconfig(api.loaded.server), '--to', 'scenarios/three-tier/policies.yaml']);
    expect(code, stderr).toBe(1);
    expect(stdout).toContain('policies: 1 current; the candidate adds 4');
    expect(stdout, 'the allows open the chain and DNS that the live default deny keeps shut').toContain('OPEN (deny → allow): 8 connections');
    expect(stdout).toMatch(/shop\/frontend-1\s+shop\/backend-1\s+TCP\/8080\s+in\+eg\s+admitted by: shop\/backend, shop\/frontend/);
    expect(api.requests.some((request) => request.startsWith('GET /apis/networking.k8s.io/v1/networkpolicies'))).toBe(true);
  });
});
