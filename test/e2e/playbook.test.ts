/**
 * The playbook on the real cluster. For every scenario in scenarios/:
 *   1. its policies applied: every expectation met, exit 0;
 *   2. one policy removed on purpose: exit 1, and the matrix names exactly the cells that changed;
 *   3. the flip self-test: no policies at all, so every check observes allow (every allow check
 *      passes); then a default-deny-all in each of the scenario's namespaces, so every check observes
 *      deny, with the enforcer's raw outcome (kube-router REJECTs: refused; DNS: unreachable);
 *   4. with its policies, every check once per address family (`defaults.family: both`), the probe
 *      pods spread over the nodes and each result naming the node of both ends.
 * No probe pod may be left after any run.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parseDocument } from 'yaml';
import type { CheckResult, RunReport } from '../../src/model/report.js';
import { IMAGE, REPO, kubeknock, kubectl, managedPods, reportPath, type CliRun } from './cluster.js';
import { observedOf, outcomeOf } from '../support/outcome.js';

const scenarioDir = join(REPO, 'scenarios');
const scenarios = readdirSync(scenarioDir).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));

/**
 * The policy each scenario loses in step 2, and the cells (from → to) that must change because of it;
 * written by hand from the policies, so the test checks the run against a person's reading.
 */
const BREAKS: Record<string, { readonly namespace: string; readonly policy: string; readonly changed: readonly string[] }> = {
  'default-deny-dns': {
    namespace: 'lockdown',
    policy: 'allow-dns-egress',
    changed: ['app-a → dns:kubernetes.default.svc.cluster.local.', 'app-b → dns:kubernetes.default.svc.cluster.local.', 'app-a → dns-tcp', 'app-b → dns-tcp'],
  },
  'monitoring-scrape': {
    namespace: 'apps',
    policy: 'allow-prometheus-scrape',
    changed: ['prometheus → api:8080', 'grafana → api:9090', 'prometheus-impostor → api:9090'],
  },
  'namespace-isolation': { namespace: 'prod', policy: 'allow-same-namespace-only', changed: ['staging-client → prod-api:8080'] },
  'postgres-lockdown': {
    namespace: 'production',
    policy: 'postgres-allow-backend',
    changed: ['backend → postgres:8080', 'frontend → postgres:5432', 'backend-elsewhere → postgres:5432'],
  },
  'three-tier': { namespace: 'shop', policy: 'backend', changed: ['frontend → backend:8080', 'backend → database:5432'] },
};

const DENY_OUTCOMES = ['refused', 'timeout', 'no-route', 'dns-unreachable'];
const createdNamespaces = new Set<string>();
/** Namespaces that exist apart from the playbook (default): their deny-all must be removed by hand. */
const denyAllOutsidePlaybook = new Set<string>();

afterAll(async () => {
  for (const ns of denyAllOutsidePlaybook) await kubectl(['delete', 'networkpolicy', 'kk-e2e-deny-all', '-n', ns, '--ignore-not-found']).catch(() => undefined);
  for (const ns of createdNamespaces) await kubectl(['delete', 'namespace', ns, '--timeout=120s']).catch(() => undefined);
});

interface Documents {
  readonly namespaces: string[];
  readonly policies: { namespace: string; name: string }[];
}

function documentsOf(file: string): Documents {
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null);
  const named = (kind: string) => docs.filter((d) => d?.kind === kind).map((d) => ({ name: d?.metadata?.name ?? '', namespace: d?.metadata?.namespace ?? 'default' }));
  return { namespaces: named('Namespace').map((n) => n.name), policies: named('NetworkPolicy') };
}

/** Every namespace a probe pod of the scenario lives in, from the dry run (the same planner as a run). */
async function actorNamespaces(file: string): Promise<string[]> {
  const dry = await kubeknock(['run', file, '--dry-run', '-o', 'json']);
  const plan = JSON.parse(dry.stdout) as { pods: { metadata: { namespace: string } }[] };
  return [...new Set(plan.pods.map((p) => p.metadata.namespace))];
}

/**
 * The scenario with `defaults.family: both`, written beside the reports. Checks of the `kubernetes`
 * Service keep IPv4: Kubernetes gives that Service the cluster's primary family only.
 */
function bothFamilies(name: string): string {
  const doc = parseDocument(readFileSync(join(scenarioDir, `${name}.yaml`), 'utf8'));
  doc.setIn(['spec', 'defaults', 'family'], 'both');
  const targets = (doc.getIn(['spec', 'targets']) as { toJSON(): Record<string, { service?: string; namespace?: string }> } | undefined)?.toJSON() ?? {};
  const apiServer = new Set(Object.entries(targets).filter(([, t]) => t.service === 'kubernetes' && t.namespace === 'default').map(([key]) => key));
  const checks = (doc.getIn(['spec', 'checks']) as { toJSON(): { to?: unknown }[] }).toJSON();
  checks.forEach((check, index) => {
    const to = Array.isArray(check.to) ? check.to : [check.to];
    if (to.some((t) => typeof t === 'string' && apiServer.has(t))) doc.setIn(['spec', 'checks', index, 'family'], 'ipv4');
  });
  const file = reportPath(`${name}-both.yaml`);
  writeFileSync(file, doc.toString());
  return file;
}

const cell = (c: CheckResult): string => `${c.from} → ${c.to}`;
/** The attempts every check of the playbook gets: the default, since no scenario sets its own. */
const SCENARIO_ATTEMPTS = 3;

async function runScenario(name: string, step: string, file = join(scenarioDir, `${name}.yaml`)): Promise<{ run: CliRun; report: RunReport }> {
  const reportFile = reportPath(`${name}-${step}.json`);
  // As users run it: the scenario's own attempts (3, the default; no scenario here sets them). On this
  // bed a brand-new pod now and then reaches DNS only ~10 s after it runs; the settle waits for DNS
  // answers in the pods whose checks expect them (src/probe/dns-ready.ts), so no attempt is spent on it.
  const run = await kubeknock(['run', file, '--image', IMAGE, '--image-pull-policy', 'Never', '--report', reportFile]);
  expect(existsSync(reportFile), `${name} (${step}): report written; stderr:\n${run.stderr}`).toBe(true);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
  expect(report.errors, `${name} (${step}): no run errors`).toEqual([]);
  const attempts = report.checks.map((c) => `${cell(c)} [${c.family}]: ${c.attempts.length}`);
  expect(report.checks.filter((c) => c.attempts.length > SCENARIO_ATTEMPTS).map((c) => `${cell(c)}: ${c.attempts.length}`), `${name} (${step}): at most ${SCENARIO_ATTEMPTS} attempts`).toEqual([]);
  // A passing DNS check needed no retry: the settle waited until DNS answered in its pod.
  const retriedDns = report.checks.filter((c) => c.kind === 'dns' && c.status === 'pass' && c.expect === 'allow' && c.attempts.length > 1);
  expect(retriedDns.map((c) => `${cell(c)} [${c.family}]: ${c.attempts.length} attempts`), `${name} (${step}): DNS checks passed on the first attempt; all:\n${attempts.join('\n')}`).toEqual([]);
  expect(await managedPods(), `${name} (${step}): no probe pod left`).toEqual([]);
  return { run, report };
}


describe('the playbook on the real cluster', () => {
  it('has a policies.yaml and a planned break beside every scenario', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(5);
    for (const name of scenarios) {
      expect(existsSync(join(scenarioDir, name, 'policies.yaml')), `${name}/policies.yaml`).toBe(true);
      expect(BREAKS[name], `a BREAKS entry for ${name}`).toBeDefined();
    }
  });

  describe.each(scenarios)('%s', (name) => {
    const file = join(scenarioDir, `${name}.yaml`);
    const policiesFile = join(scenarioDir, name, 'policies.yaml');
    const docs = documentsOf(policiesFile);
    for (const ns of docs.namespaces) createdNamespaces.add(ns);
    const planned = BREAKS[name];

    it('meets every expectation once its policies are applied', async () => {
      await kubectl(['apply', '-f', policiesFile]);
      const { run, report } = await runScenario(name, 'policies');
      const failures = report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.name}: ${c.message ?? c.status}`);
      expect(failures, `failed checks of ${name}; stderr:\n${run.stderr}`).toEqual([]);
      expect(run.code).toBe(0);
    });

    it('meets every expectation on both address families, its probe pods spread over the nodes', async () => {
      const { run, report } = await runScenario(name, 'both', bothFamilies(name));
      const failures = report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.name} [${c.family}]: ${c.message ?? c.status}`);
      expect(failures, `failed checks of ${name} on both families; stderr:\n${run.stderr}`).toEqual([]);
      expect(run.code).toBe(0);
      const byFamily = report.summary.byFamily;
      expect(byFamily?.ipv6.total, 'checks ran over IPv6').toBeGreaterThan(0);
      expect(byFamily?.ipv4.failed === 0 && byFamily.ipv6.failed === 0).toBe(true);
      expect(report.checks.every((c) => c.fromNode !== undefined), 'every result names the node it ran on').toBe(true);
      const nodes = new Set(report.checks.flatMap((c) => [c.fromNode, c.toNode]).filter((n) => n !== undefined));
      expect(nodes.size, `the probe pods of ${name} are spread over the nodes: ${[...nodes].join(', ')}`).toBeGreaterThan(1);
      // The same-node/cross-node breakdown counts every check once, in the class its two ends give it.
      const placement = report.summary.placement;
      const classOf = (c: CheckResult): 'sameNode' | 'crossNode' | 'noPodTarget' => (c.toNode === undefined ? 'noPodTarget' : c.toNode === c.fromNode ? 'sameNode' : 'crossNode');
      expect(placement?.nodes, 'the breakdown names the nodes').toEqual([...nodes].sort());
      for (const key of ['sameNode', 'crossNode', 'noPodTarget'] as const) {
        expect(placement?.[key], `${key} of ${name}`).toEqual({ checks: report.checks.filter((c) => classOf(c) === key).length, passed: report.checks.filter((c) => classOf(c) === key).length, failed: 0, skipped: 0 });
      }
    });

    it('fails with exit 1 naming exactly the changed cells when one policy is removed', async () => {
      if (!planned) throw new Error(`no planned break for ${name}`);
      expect(docs.policies, `${planned.policy} is one of ${name}'s policies`).toContainEqual({ namespace: planned.namespace, name: planned.policy });
      await kubectl(['delete', 'networkpolicy', planned.policy, '-n', planned.namespace]);
      const { run, report } = await runScenario(name, 'broken');
      expect(run.code, run.stderr).toBe(1);
      const failed = report.checks.filter((c) => c.status === 'fail');
      expect(failed.map(cell).sort()).toEqual([...planned.changed].sort());
      // The matrix on stdout: the failed section names every changed cell, and no other.
      expect(run.stdout).toContain(`Failed (${planned.changed.length}):`);
      const failedLines = run.stdout.split('\n').filter((line) => line.startsWith('✗ '));
      expect(failedLines).toHaveLength(planned.changed.length);
      for (const check of failed) expect(failedLines.some((line) => line.startsWith(`✗ ${check.name}:`)), `a ✗ line for ${check.name}:\n${failedLines.join('\n')}`).toBe(true);
      for (const check of failed) expect(observedOf(check), `${cell(check)} observed the flip, not an error`).toBe(check.expect === 'allow' ? 'deny' : 'allow');
    });

    it('flip self-test: with no policies every check observes allow', async () => {
      for (const { namespace, name: policy } of docs.policies) await kubectl(['delete', 'networkpolicy', policy, '-n', namespace, '--ignore-not-found']);
      const { run, report } = await runScenario(name, 'open');
      expect(report.checks.filter((c) => observedOf(c) !== 'allow').map((c) => `${cell(c)}: ${outcomeOf(c)?.class ?? c.status}`)).toEqual([]);
      expect(report.checks.filter((c) => c.expect === 'allow' && c.status !== 'pass').map(cell)).toEqual([]);
      // Every check observed allow, so exactly the checks that expect deny fail: exit 1 when there is one.
      expect(run.code, run.stderr).toBe(report.checks.some((c) => c.expect === 'deny') ? 1 : 0);
    });

    it('flip self-test: after a default-deny-all in its namespaces every check observes deny, with the raw outcome', async () => {
      const namespaces = await actorNamespaces(file);
      for (const ns of namespaces) if (!docs.namespaces.includes(ns)) denyAllOutsidePlaybook.add(ns);
      const denyAll = namespaces
        .map((ns) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: kk-e2e-deny-all, namespace: ${ns}}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n`)
        .join('---\n');
      await kubectl(['apply', '-f', '-'], denyAll);
      try {
        const { run, report } = await runScenario(name, 'deny-all');
        expect(report.checks.filter((c) => observedOf(c) !== 'deny').map((c) => `${cell(c)}: ${outcomeOf(c)?.class ?? c.status}`)).toEqual([]);
        for (const check of report.checks) {
          expect(DENY_OUTCOMES, `${cell(check)} raw outcome`).toContain(outcomeOf(check)?.class);
          expect(outcomeOf(check)?.detail, `${cell(check)} keeps the probe's own words`).toBeTruthy();
        }
        const allowChecks = report.checks.filter((c) => c.expect === 'allow');
        expect(allowChecks.every((c) => c.status === 'fail')).toBe(true);
        expect(run.code).toBe(allowChecks.length > 0 ? 1 : 0);
      } finally {
        for (const ns of namespaces) await kubectl(['delete', 'networkpolicy', 'kk-e2e-deny-all', '-n', ns, '--ignore-not-found']);
      }
    });
  });
});
