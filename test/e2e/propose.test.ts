/**
 * The seed's story end to end on the three-node dual-stack cluster (fixtures/flows-story/app.yaml):
 * observe it; `diff --flows` of the blog's postgres lockdown names analytics → postgres as a cut flow
 * and `rollout --flows` of it refuses and changes nothing; `propose` from the flows and the live
 * cluster; `diff --flows` of the proposal cuts no observed flow; `rollout --flows` applies it in a safe
 * order with live verification; then, with bounded retries while the CNI programs the policies, every
 * observed connection still works (backend → postgres over IPv4, analytics → postgres over IPv6,
 * frontend → backend, DNS), reporting — which never talked to postgres — is denied, a connection
 * nobody made (frontend → postgres) is denied, and `run --discover` passes.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE, REPO, kubeknock, kubectl, managedPods } from './cluster.js';

const NS = 'kk-e2e-propose';
const COLLECTOR_NS = 'kk-e2e-propose-col';
const APP = readFileSync(`${REPO}test/e2e/fixtures/flows-story/app.yaml`, 'utf8').replaceAll('BUSYBOX', IMAGE);
const scratch = mkdtempSync(join(tmpdir(), 'kk-e2e-propose-'));

beforeAll(async () => {
  await kubectl(['create', 'namespace', NS]);
  await kubectl(['label', 'namespace', NS, 'pod-security.kubernetes.io/enforce=baseline']);
  await kubectl(['create', 'namespace', COLLECTOR_NS]);
  await kubectl(['label', 'namespace', COLLECTOR_NS, 'pod-security.kubernetes.io/enforce=privileged']);
  await kubectl(['apply', '-n', NS, '-f', '-'], APP);
  await kubectl(['wait', '--for=condition=Available', 'deployment', '--all', '-n', NS, '--timeout=180s']);
}, 240_000);

afterAll(async () => {
  await kubectl(['delete', 'namespace', NS, COLLECTOR_NS, '--timeout=180s']).catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
}, 240_000);

/** `nc -z` from one Deployment's pod: connected or not (kubectl exec fails with nc's exit code). */
async function connects(from: string, host: string, port: number): Promise<boolean> {
  return kubectl(['exec', '-n', NS, `deploy/${from}`, '--', 'nc', '-z', '-w', '2', host, String(port)]).then(
    () => true,
    () => false,
  );
}

async function resolves(from: string, name: string): Promise<boolean> {
  return kubectl(['exec', '-n', NS, `deploy/${from}`, '--', 'nslookup', '-type=a', '-timeout=2', '-retry=1', name]).then(
    () => true,
    () => false,
  );
}

/** Retries only while the result differs from the expectation (enforcement is asynchronous), at most `attempts` times. */
async function settles(expected: boolean, check: () => Promise<boolean>, attempts = 10): Promise<{ result: boolean; attempts: number }> {
  let result = await check();
  let tried = 1;
  while (result !== expected && tried < attempts) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    result = await check();
    tried += 1;
  }
  return { result, attempts: tried };
}

describe('the seed story: observe → diff --flows → rollout --flows (refused) → propose → diff --flows → rollout --flows → run --discover', () => {
  it('finds the flow nobody knew about, refuses the lockdown that cuts it, and proposes policies that keep every observed connection and deny the rest, live', async () => {
    const flows = join(scratch, 'flows.yaml');
    const observe = await kubeknock(['observe', '-n', NS, '--collector-namespace', COLLECTOR_NS, '--image', IMAGE, '--image-pull-policy', 'Never', '--yes', '--for', '40s', '--interval', '5', '-o', flows]);
    expect(observe.code, observe.stderr).toBe(0);

    // The blog's lockdown: only the backend may reach postgres. It cuts analytics, which nobody knew about.
    const lockdown = join(scratch, 'lockdown.yaml');
    writeFileSync(
      lockdown,
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: postgres-allow-backend, namespace: ${NS}}\n` +
        'spec:\n  podSelector: {matchLabels: {app: postgres}}\n  policyTypes: [Ingress]\n  ingress:\n    - from: [{podSelector: {matchLabels: {app: backend}}}]\n      ports: [{port: 5432}]\n',
    );
    const cutDiff = await kubeknock(['diff', '--from-cluster', '--to', lockdown, '--flows', flows, '--fail-on-cut-flows']);
    expect(cutDiff.code, cutDiff.stderr).toBe(1);
    expect(cutDiff.stdout).toMatch(new RegExp(`flows: 1 cut connection carried observed traffic`));
    expect(cutDiff.stdout).toMatch(new RegExp(`CUT — carried traffic: \\d+ samples, last seen [^:]+:\\d+:\\d+Z: ${NS}/analytics-[a-z0-9-]+ → ${NS}/postgres-[a-z0-9-]+ TCP/5432`));
    const refused = await kubeknock(['rollout', '-f', lockdown, '--flows', flows, '--yes', '--image', IMAGE, '--image-pull-policy', 'Never', '--journal', join(scratch, 'refused.json')]);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr + refused.stdout).toContain('refusing to roll out: it would cut 1 observed flow; nothing was changed');
    expect(refused.stderr + refused.stdout).toContain(`${NS}/app=analytics → ${NS}/app=postgres,tier=db:5432/TCP`);
    expect(await kubectl(['get', 'networkpolicies', '-n', NS, '-o', 'name'])).toBe('');

    const out = join(scratch, 'proposed');
    const propose = await kubeknock(['propose', '--flows', flows, '--from-cluster', '-o', out]);
    expect(propose.code, propose.stderr).toBe(0);
    expect(propose.stderr, 'every observed flow is covered').not.toContain('NOT COVERED');
    expect(readdirSync(out)).toEqual([`kubeknock-proposed-${NS}.yaml`]);
    const yaml = readFileSync(join(out, `kubeknock-proposed-${NS}.yaml`), 'utf8');
    expect(yaml).toContain('name: kubeknock-proposed-postgres');
    expect(yaml).not.toContain('pod-template-hash: ');

    const keptDiff = await kubeknock(['diff', '--from-cluster', '--to', out, '--flows', flows]);
    expect(keptDiff.stdout).toMatch(/CUT FLOWS: none of the \d+ observed flows is cut/);
    const applied = await kubeknock(['rollout', '-f', out, '--flows', flows, '--yes', '--image', IMAGE, '--image-pull-policy', 'Never', '--journal', join(scratch, 'applied.json')]);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    expect(applied.stdout + applied.stderr).toMatch(/rollout complete: \d step\(s\) applied, each verified live/);
    const live = {
      'backend → postgres:5432 (Service, IPv4)': await settles(true, () => connects('backend', 'postgres', 5432)),
      'analytics → postgres-v6:5432 (Service, IPv6)': await settles(true, () => connects('analytics', 'postgres-v6', 5432)),
      'frontend → backend:8080': await settles(true, () => connects('frontend', 'backend', 8080)),
      'reporting resolves names (DNS, never seen but allowed to every pod)': await settles(true, () => resolves('reporting', `postgres.${NS}.svc.cluster.local.`)),
      'reporting → postgres:5432 (never talked to it)': await settles(false, () => connects('reporting', 'postgres', 5432)),
      'frontend → postgres:5432 (never seen)': await settles(false, () => connects('frontend', 'postgres', 5432)),
    };
    expect(Object.fromEntries(Object.entries(live).map(([name, { result }]) => [name, result])), JSON.stringify(live)).toEqual({
      'backend → postgres:5432 (Service, IPv4)': true,
      'analytics → postgres-v6:5432 (Service, IPv6)': true,
      'frontend → backend:8080': true,
      'reporting resolves names (DNS, never seen but allowed to every pod)': true,
      'reporting → postgres:5432 (never talked to it)': false,
      'frontend → postgres:5432 (never seen)': false,
    });
    const audit = await kubeknock(['run', '--discover', '-n', NS, '--image', IMAGE, '--image-pull-policy', 'Never']);
    expect(audit.code, audit.stderr + audit.stdout).toBe(0);
    expect(await managedPods()).toEqual([]);
  }, 600_000);
});
