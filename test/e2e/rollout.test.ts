/**
 * `kubeknock rollout` on the real cluster:
 * - the seed playbook (the five policy files of scenarios/) rolled out from scratch, given in the
 *   wrong order (default-deny first): kubeknock reorders it, every step passes live, and the policies
 *   in the cluster afterwards are exactly those of the files;
 * - a candidate that forgets the allow a scenario needs: the step that cuts it fails live, every change
 *   is rolled back, and the policies are byte-for-byte those from before;
 * - the CLI killed with SIGKILL between two steps: `rollout --undo` puts the previous state back;
 * - the API server's own validation refuses the `to: {}` shape before anything is changed;
 * - `--discover`: the microshop policies rolled out with probe pods standing in for its workloads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { RunReport } from '../../src/model/report.js';
import { IMAGE, REPO, kubeknock, kubectl, managedPods, reportPath } from './cluster.js';
import { writeFileSync } from 'node:fs';

const SEED = ['default-deny-dns', 'three-tier', 'monitoring-scrape', 'namespace-isolation', 'postgres-lockdown'];
const policyFile = (name: string) => join(REPO, 'scenarios', name, 'policies.yaml');
const scenarioFile = (name: string) => join(REPO, 'scenarios', `${name}.yaml`);
const PROBE_FLAGS = ['--image', IMAGE, '--image-pull-policy', 'Never'];
const JOURNAL_NS = 'kubeknock';

type Doc = { kind?: string; metadata?: { name?: string; namespace?: string } };
const docsOf = (file: string): Doc[] => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Doc);
const namespacesOf = (files: readonly string[]) => files.flatMap(docsOf).filter((d) => d.kind === 'Namespace');

/** Every NetworkPolicy of these namespaces as `ns/name → spec` (JSON), sorted: what "the state" is. */
async function policySpecs(namespaces: readonly string[]): Promise<Record<string, string>> {
  const specs: Record<string, string> = {};
  for (const namespace of namespaces) {
    const list = JSON.parse(await kubectl(['get', 'networkpolicies', '-n', namespace, '-o', 'json'])) as { items: { metadata: { name: string }; spec: unknown }[] };
    for (const item of list.items) specs[`${namespace}/${item.metadata.name}`] = JSON.stringify(item.spec);
  }
  return Object.fromEntries(Object.entries(specs).sort(([a], [b]) => a.localeCompare(b)));
}

/** What the API server makes of the files' policies (defaults applied), without storing them. */
async function serverSpecsOf(files: readonly string[]): Promise<Record<string, string>> {
  const specs: Record<string, string> = {};
  for (const file of files) {
    for (const policy of docsOf(file).filter((d) => d.kind === 'NetworkPolicy')) {
      const item = JSON.parse(await kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], stringify(policy))) as { metadata: { name: string; namespace: string }; spec: unknown };
      specs[`${item.metadata.namespace}/${item.metadata.name}`] = JSON.stringify(item.spec);
    }
  }
  return Object.fromEntries(Object.entries(specs).sort(([a], [b]) => a.localeCompare(b)));
}

function reportsOf(stdout: string): RunReport[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as RunReport);
}

async function journal(name: string): Promise<{ state: string; entries: { status: string }[] }> {
  const out = await kubectl(['get', 'configmap', '-n', JOURNAL_NS, name, '-o', 'jsonpath={.data.journal\\.json}']);
  return JSON.parse(out) as { state: string; entries: { status: string }[] };
}

const seedNamespaces = [...new Set(namespacesOf(SEED.map(policyFile)).map((d) => d.metadata?.name ?? ''))];
const allNamespaces = [...seedNamespaces, 'default'];

async function removeSeedPolicies(): Promise<void> {
  for (const namespace of allNamespaces) await kubectl(['delete', 'networkpolicies', '--all', '-n', namespace]).catch(() => undefined);
}

beforeAll(async () => {
  await kubectl(['create', 'namespace', JOURNAL_NS]).catch(() => undefined);
  // Namespaces first, as a rollout only applies policies; their labels matter to namespaceSelectors.
  await kubectl(['apply', '-f', '-'], namespacesOf(SEED.map(policyFile)).map((d) => stringify(d)).join('---\n'));
  await removeSeedPolicies();
});

afterAll(async () => {
  await removeSeedPolicies();
  for (const namespace of seedNamespaces) await kubectl(['delete', 'namespace', namespace, '--timeout=120s']).catch(() => undefined);
  await kubectl(['delete', 'namespace', JOURNAL_NS, '--timeout=120s']).catch(() => undefined);
});

describe('rollout of the seed playbook from scratch', () => {
  it('reorders the files given default-deny first, passes every step live, and leaves exactly the files', async () => {
    expect(await policySpecs(allNamespaces), 'no policy before the rollout').toEqual({});
    const files = SEED.map(policyFile);
    // What the API server makes of the files, asked while none of them exists (a create dry run).
    const expected = await serverSpecsOf(files);
    const run = await kubeknock(['rollout', ...files.flatMap((f) => ['-f', f]), ...SEED.flatMap((s) => ['--scenario', scenarioFile(s)]), ...PROBE_FLAGS, '--yes', '-o', 'json', '--id', 'seed']);
    expect(run.code, `exit 0; stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toBe(0);
    const reports = reportsOf(run.stdout);
    // Step 0 (before any change) and every step, once per scenario; all of them pass.
    const steps = [...new Set(reports.map((r) => r.step?.index))];
    expect(steps[0]).toBe(0);
    expect(steps.length, 'one report per step and scenario').toBeGreaterThan(2);
    for (const report of reports) expect(report.summary.failed + report.summary.skipped, `${report.scenario.name} step ${report.step?.index} ${report.step?.name}`).toBe(0);
    // The default-deny of the first file is not applied first: allows come before the isolating policies.
    const order = reports.filter((r) => r.scenario.name === SEED[0]).map((r) => r.step?.name ?? '');
    const denyStep = order.findIndex((name) => name.includes('lockdown/default-deny-all'));
    const dnsStep = order.findIndex((name) => name.includes('lockdown/allow-dns-egress'));
    expect(dnsStep, `the DNS allow comes before the default-deny: ${order.join(' | ')}`).toBeGreaterThan(0);
    expect(denyStep).toBeGreaterThan(dnsStep);
    expect(run.stderr, 'the plan (on stderr with -o json) says it reordered').toMatch(/in another order than given/);
    // Final state: exactly the files' policies, as the API server stores them.
    expect(await policySpecs(allNamespaces)).toEqual(expected);
    expect((await journal('kubeknock-journal-seed')).state).toBe('complete');
    expect(await managedPods()).toEqual([]);
  });
});

describe('rollout of a candidate that forgets an allow', () => {
  const before = policyFile('postgres-lockdown');
  it('fails the step that cuts backend → postgres, rolls everything back, and leaves the policies byte for byte', async () => {
    await removeSeedPolicies();
    await kubectl(['apply', '-f', before]);
    const previous = await policySpecs(['production']);
    expect(Object.keys(previous)).toEqual(['production/postgres-allow-backend']);
    // The candidate: a default-deny for production, and the backend's allow "tidied" to the wrong port.
    const candidate = reportPath('forgotten-allow.yaml');
    writeFileSync(
      candidate,
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: production}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: postgres-allow-backend, namespace: production}
spec:
  podSelector: {matchLabels: {app: postgres}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: backend}}}]
      ports: [{protocol: TCP, port: 5433}]
`,
    );
    const run = await kubeknock(['rollout', '-f', candidate, '--scenario', scenarioFile('postgres-lockdown'), ...PROBE_FLAGS, '--yes', '--id', 'forgot']);
    expect(run.code, `exit 1; stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toBe(1);
    expect(run.stdout).toMatch(/✗ backend → postgres:5432: expected allow, observed deny/);
    expect(run.stdout).toMatch(/rolled back: \d object\(s\) put back as they were/);
    const live = JSON.parse(await kubectl(['get', 'networkpolicies', '-n', 'production', '-o', 'json'])) as { items: { metadata: { name: string }; spec: unknown }[] };
    expect(live.items.map((i) => i.metadata.name)).toEqual(['postgres-allow-backend']);
    expect(await policySpecs(['production']), 'the policies are the ones from before the rollout').toEqual(previous);
    expect((await journal('kubeknock-journal-forgot')).state).toBe('rolled-back');
    expect(await managedPods()).toEqual([]);
  });
});

describe('rollout --undo after the CLI died', () => {
  it('restores the state before the rollout after a SIGKILL between two steps', async () => {
    await removeSeedPolicies();
    const files = [policyFile('three-tier')];
    let killed = false;
    const run = await kubeknock(['rollout', '-f', files[0] ?? '', '--scenario', scenarioFile('three-tier'), ...PROBE_FLAGS, '--yes', '--id', 'killed'], {
      onStderr: (text, child) => {
        // Step 2 starts only once step 1 is applied and verified.
        if (!killed && /step 2\/\d+/.test(text)) {
          killed = true;
          child.kill('SIGKILL');
        }
      },
    });
    expect(run.signal, `killed at step 2; stderr:\n${run.stderr}`).toBe('SIGKILL');
    const halfway = await journal('kubeknock-journal-killed');
    expect(halfway.state).toBe('in-progress');
    expect(Object.keys(await policySpecs(['shop'])).length, 'step 1 is in the cluster').toBeGreaterThan(0);

    const undo = await kubeknock(['rollout', '--undo', 'killed', '--yes']);
    expect(undo.code, `undo exit 0; stderr:\n${undo.stderr}\nstdout:\n${undo.stdout}`).toBe(0);
    expect(undo.stdout).toMatch(/restored \d+ of \d+ object\(s\)/);
    expect(await policySpecs(['shop']), 'no policy in shop, as before').toEqual({});
    expect((await journal('kubeknock-journal-killed')).state).toBe('undone');
    // A second undo has nothing left to do.
    const again = await kubeknock(['rollout', '--undo', `${JOURNAL_NS}/kubeknock-journal-killed`, '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to undo/);
    // The killed CLI's probe pods: removed by cleanup (or at their deadline by the next run's sweep).
    await kubeknock(['cleanup', '--run-id', 'killed']);
    expect(await managedPods()).toEqual([]);
  });
});

describe('rollout input the API server refuses', () => {
  it('refuses the `to: {}` shape with the server\'s message, and changes nothing', async () => {
    await removeSeedPolicies();
    const blog = reportPath('blog-three-tier.yaml');
    writeFileSync(
      blog,
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: backend}}
  policyTypes: [Egress]
  egress:
    - to: {podSelector: {matchLabels: {app: database}}}
`,
    );
    const run = await kubeknock(['rollout', '-f', blog, '--scenario', scenarioFile('three-tier'), ...PROBE_FLAGS, '--yes']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('the API server refuses NetworkPolicy shop/backend-egress');
    expect(run.stderr).toContain('.spec.egress[0].to: expected list');
    expect(run.stderr).toContain(`${blog}:1`);
    expect(await policySpecs(['shop'])).toEqual({});
    expect(await managedPods()).toEqual([]);
  });
});

describe('rollout --discover', () => {
  const APP = join(REPO, 'examples/microshop/app.yaml');
  const POLICIES = join(REPO, 'examples/microshop/policies.yaml');
  beforeAll(async () => {
    await kubectl(['apply', '-f', APP]);
    await kubectl(['wait', '--for=condition=Available', 'deployment', '--all', '-n', 'microshop', '--timeout=180s']);
  }, 240_000);
  afterAll(async () => {
    await kubectl(['delete', 'namespace', 'microshop', '--timeout=180s']).catch(() => undefined);
  }, 240_000);

  it('verifies every step against probe pods standing in for the workloads, and ends with exactly the files', async () => {
    const expected = await serverSpecsOf([POLICIES]);
    const run = await kubeknock(['rollout', '-f', POLICIES, '--discover', '-n', 'microshop', ...PROBE_FLAGS, '--yes', '-o', 'json', '--id', 'discovered']);
    expect(run.code, `exit 0; stderr:\n${run.stderr}`).toBe(0);
    expect(run.stderr).toMatch(/12 workloads in 1 namespace → 12 identities/);
    expect(run.stderr).toMatch(/leaves out the \d+ Service check\(s\)/);
    const reports = reportsOf(run.stdout);
    expect(reports.length, 'step 0 and at least two steps').toBeGreaterThan(2);
    for (const report of reports) expect(report.summary.failed + report.summary.skipped, `step ${report.step?.index} ${report.step?.name}`).toBe(0);
    expect(reports.at(-1)?.step?.name).toContain('microshop/default-deny');
    expect(await policySpecs(['microshop'])).toEqual(expected);
    expect(await managedPods()).toEqual([]);
  });
});
