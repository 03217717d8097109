/**
 * `kubeknock propose` on the three-node dual-stack cluster, with the seed's story running (see
 * fixtures/flows-story/app.yaml): observe it, propose from the flows and the live cluster, apply the
 * proposal, and check live, with bounded retries while the CNI programs the policies, that every
 * observed connection still works (backend → postgres over IPv4, analytics → postgres over IPv6,
 * frontend → backend, DNS), that reporting — which never talked to postgres — is denied, and that a
 * connection nobody made (frontend → postgres) is denied.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
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

describe('propose', () => {
  it('proposes policies from 40 s of observed traffic that keep every observed connection and deny the rest, live', async () => {
    const flows = join(scratch, 'flows.yaml');
    const observe = await kubeknock(['observe', '-n', NS, '--collector-namespace', COLLECTOR_NS, '--image', IMAGE, '--image-pull-policy', 'Never', '--yes', '--for', '40s', '--interval', '5', '-o', flows]);
    expect(observe.code, observe.stderr).toBe(0);

    const out = join(scratch, 'proposed');
    const propose = await kubeknock(['propose', '--flows', flows, '--from-cluster', '-o', out]);
    expect(propose.code, propose.stderr).toBe(0);
    expect(propose.stderr, 'every observed flow is covered').not.toContain('NOT COVERED');
    expect(readdirSync(out)).toEqual([`kubeknock-proposed-${NS}.yaml`]);
    const yaml = readFileSync(join(out, `kubeknock-proposed-${NS}.yaml`), 'utf8');
    expect(yaml).toContain('name: kubeknock-proposed-postgres');
    expect(yaml).not.toContain('pod-template-hash: ');

    await kubectl(['apply', '-f', join(out, `kubeknock-proposed-${NS}.yaml`)]);
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
    expect(await managedPods()).toEqual([]);
  }, 400_000);
});
