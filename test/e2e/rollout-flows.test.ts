/**
 * `kubeknock rollout --flows` on the real cluster, the story of issue 19: backend and an analytics job
 * nobody knew about both query postgres. The flows file (written with the flows file renderer, for
 * this cluster's API server) names both.
 * - the postgres lockdown (only backend may reach postgres) is refused before anything is applied:
 *   exit 1, naming analytics → postgres:5432 and the policy; no policy, no journal, no probe pod;
 * - with --allow-cut-flows it is applied, and the steps verify live that analytics is now denied;
 * - a policy admitting both clients is applied, and every step verifies both flows live (both
 *   families for backend → postgres) with probe pods standing in for the workloads.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFlowsYaml } from '../../src/flows/document-yaml.js';
import type { Flow, FlowParty, FlowsDocument } from '../../src/flows/types.js';
import type { RunReport } from '../../src/model/report.js';
import { POSTGRES_BOTH_CLIENTS, POSTGRES_LOCKDOWN } from '../support/postgres-policies.js';
import { IMAGE, kubeknock, kubectl, managedPods, reportPath } from './cluster.js';

const NS = 'kk-rollflows';
const JOURNAL_NS = 'kubeknock';
const PROBE_FLAGS = ['--image', IMAGE, '--image-pull-policy', 'Never', '--timeout', '2', '--settle', '2'];

/** The story's policies, moved into this test's own namespace. */
const inNamespace = (policy: string): string => policy.replaceAll('namespace: obsdemo', `namespace: ${NS}`);

const SAFE = `securityContext: {runAsNonRoot: true, runAsUser: 65534, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}}`;
const deployment = (app: string, command: string, port?: number): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${app}, namespace: ${NS}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: main
          image: ${IMAGE}
          imagePullPolicy: Never
          command: [sh, -c, ${JSON.stringify(command)}]
          ${port === undefined ? '' : `ports: [{containerPort: ${port}, name: pg}]`}
          ${SAFE}
`;
const KNOCK = `while true; do nc -z -w 1 postgres.${NS}.svc.cluster.local. 5432; sleep 2; done`;
/** The stand-ins: postgres answers on 5432 (httpd) behind Service postgres; backend and analytics knock on it every 2 s. */
const WORKLOADS = [
  deployment('postgres', 'exec httpd -f -p 5432 -h /tmp', 5432),
  `apiVersion: v1
kind: Service
metadata: {name: postgres, namespace: ${NS}}
spec: {selector: {app: postgres}, ports: [{port: 5432, targetPort: pg}]}
`,
  deployment('backend', KNOCK),
  deployment('analytics', KNOCK),
].join('---\n');

const party = (app: string): FlowParty => ({ kind: 'workload', identity: `${NS}/app=${app}`, namespace: NS, labels: { app }, workloads: [`Deployment ${NS}/${app}`] });
function flow(source: string, families: Flow['families'], samples: number, lastSeen: string): Flow {
  return { source: party(source), destination: party('postgres'), port: 5432, portName: 'pg', protocol: 'TCP', families, firstSeen: lastSeen, lastSeen, samples, seenBy: ['client', 'server'] };
}

async function server(): Promise<string> {
  return (await kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'])).trim();
}

/** A flows file observed "just now" on this cluster: backend (both families) and analytics → postgres:5432. */
async function writeFlows(): Promise<string> {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const start = new Date(now.getTime() - 60_000).toISOString().replace('.000Z', 'Z');
  const end = now.toISOString().replace('.000Z', 'Z');
  const document: FlowsDocument = {
    apiVersion: 'kubeknock.dev/v1alpha1',
    kind: 'Flows',
    cluster: { server: await server() },
    namespaces: [NS],
    window: { start, end, intervalSeconds: 5, ended: 'completed' },
    coverage: { nodes: [], unseen: [] },
    flows: [flow('analytics', ['ipv4'], 11, end), flow('backend', ['ipv4', 'ipv6'], 12, end)],
  };
  const file = reportPath('rollout-flows.yaml');
  writeFileSync(file, renderFlowsYaml(document));
  return file;
}

function policyFile(name: string, text: string): string {
  const file = reportPath(name);
  writeFileSync(file, inNamespace(text));
  return file;
}

const reportsOf = (stdout: string): RunReport[] =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as RunReport);

async function policies(): Promise<string[]> {
  const list = JSON.parse(await kubectl(['get', 'networkpolicies', '-n', NS, '-o', 'json'])) as { items: { metadata: { name: string } }[] };
  return list.items.map((item) => item.metadata.name).sort();
}

let flows = '';
beforeAll(async () => {
  await kubectl(['create', 'namespace', JOURNAL_NS]).catch(() => undefined);
  await kubectl(['create', 'namespace', NS]).catch(() => undefined);
  await kubectl(['apply', '-f', '-'], WORKLOADS);
  await kubectl(['wait', '--for=condition=Available', 'deployment', '--all', '-n', NS, '--timeout=180s']);
  flows = await writeFlows();
}, 240_000);

afterAll(async () => {
  await kubectl(['delete', 'configmap', '-n', JOURNAL_NS, 'kubeknock-journal-rfcut', 'kubeknock-journal-rfboth', '--ignore-not-found']).catch(() => undefined);
  await kubectl(['delete', 'namespace', NS, '--timeout=180s']).catch(() => undefined);
}, 240_000);

describe('rollout --flows of the postgres lockdown', () => {
  it('refuses it before anything is applied: exit 1, naming analytics → postgres and the policy; no policy, no journal, no probe pod', async () => {
    const lockdown = policyFile('lockdown.yaml', POSTGRES_LOCKDOWN);
    const run = await kubeknock(['rollout', '-f', lockdown, '--flows', flows, ...PROBE_FLAGS, '--yes', '--id', 'rfrefused']);
    expect(run.code, `exit 1; stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toBe(1);
    expect(run.stderr).toContain('refusing to roll out: it would cut 1 observed flow; nothing was changed');
    expect(run.stderr).toContain(`✗ ${NS}/app=analytics → ${NS}/app=postgres:5432/TCP (11 samples, last seen `);
    expect(run.stderr).toContain(`cut by step 1, which applies NetworkPolicy ${NS}/postgres-lockdown (${lockdown}:1)`);
    expect(run.stdout, 'the plan shows what the step protects').toContain(`✓ protects ${NS}/app=backend → ${NS}/app=postgres:5432/TCP`);
    expect(await policies(), 'no policy in the cluster').toEqual([]);
    await expect(kubectl(['get', 'configmap', '-n', JOURNAL_NS, 'kubeknock-journal-rfrefused']), 'no journal').rejects.toThrow();
    expect(await managedPods()).toEqual([]);
  });

  it('with --allow-cut-flows applies it, says so loudly, and verifies live that analytics is denied and backend still served', async () => {
    const lockdown = policyFile('lockdown.yaml', POSTGRES_LOCKDOWN);
    const run = await kubeknock(['rollout', '-f', lockdown, '--flows', flows, '--allow-cut-flows', ...PROBE_FLAGS, '--yes', '-o', 'json', '--id', 'rfcut']);
    expect(run.code, `exit 0; stderr:\n${run.stderr}`).toBe(0);
    expect(run.stderr).toContain('WARNING: --allow-cut-flows: this rollout CUTS 1 observed flow');
    const last = reportsOf(run.stdout).at(-1);
    const verdicts = (last?.checks ?? []).map((check) => `${check.from} → ${check.to} ${check.status === 'skipped' ? 'skipped' : check.observed}: ${check.status}`).sort();
    expect(verdicts).toEqual([
      `${NS}-analytics → ${NS}-postgres:5432 (ipv4) deny: pass`,
      `${NS}-backend → ${NS}-postgres:5432 (ipv4) allow: pass`,
      `${NS}-backend → ${NS}-postgres:5432 (ipv6) allow: pass`,
    ]);
    expect(await policies()).toEqual(['postgres-lockdown']);
    expect(await managedPods()).toEqual([]);
    await kubectl(['delete', 'networkpolicies', '--all', '-n', NS]);
  });
});

describe('rollout --flows of a policy that admits both clients', () => {
  it('applies it and verifies both observed flows live at every step, both families of backend → postgres', async () => {
    const both = policyFile('both.yaml', POSTGRES_BOTH_CLIENTS);
    const run = await kubeknock(['rollout', '-f', both, '--flows', flows, ...PROBE_FLAGS, '--yes', '-o', 'json', '--id', 'rfboth']);
    expect(run.code, `exit 0; stderr:\n${run.stderr}`).toBe(0);
    const reports = reportsOf(run.stdout);
    expect(reports.length, 'step 0 and step 1').toBe(2);
    for (const report of reports) expect(report.summary.failed + report.summary.skipped, `step ${report.step?.index}`).toBe(0);
    expect(reports.at(-1)?.checks.map((check) => `${check.name} (${check.family}): expect ${check.expect}, ${check.status}`).sort()).toEqual([
      `flow 1 of ${flows}: ${NS}/app=analytics → ${NS}/app=postgres:5432/TCP (ipv4): expect allow, pass`,
      `flow 2 of ${flows}: ${NS}/app=backend → ${NS}/app=postgres:5432/TCP (ipv4): expect allow, pass`,
      `flow 2 of ${flows}: ${NS}/app=backend → ${NS}/app=postgres:5432/TCP (ipv6): expect allow, pass`,
    ]);
    expect(await policies()).toEqual(['postgres-clients']);
    expect(await managedPods()).toEqual([]);
  });
});
