/**
 * Real apps' manifests on the real cluster: a Helm-rendered app whose objects name no namespace (as
 * Online Boutique's do) and whose pod templates carry Helm's labels (app.kubernetes.io/managed-by:
 * Helm among them). `discover -f … -n NS` places the namespace-less objects as `kubectl apply -n`
 * does and writes a scenario that `validate` accepts; `run --discover` knocks on every door with probe
 * pods that carry the Helm labels too, passes, and leaves no probe pod behind.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { IMAGE, REPO, kubeknock, kubectl, managedPods } from './cluster.js';

const NS = 'kk-e2e-helm';
const APP = `${REPO}test/e2e/fixtures/helm-app/app.yaml`;
const scratch = mkdtempSync(join(tmpdir(), 'kk-e2e-helm-'));

beforeAll(async () => {
  await kubectl(['create', 'namespace', NS]);
  await kubectl(['label', 'namespace', NS, 'pod-security.kubernetes.io/enforce=restricted']);
  await kubectl(['apply', '-n', NS, '-f', APP]);
  await kubectl(['wait', '--for=condition=Available', 'deployment', '--all', '-n', NS, '--timeout=180s']);
}, 240_000);

afterAll(async () => {
  await kubectl(['delete', 'namespace', NS, '--timeout=180s']).catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
}, 240_000);

describe('a Helm-labelled app from namespace-less manifests', () => {
  it('discover -f … -n NS places the objects there and writes a scenario that validate accepts', async () => {
    const found = await kubeknock(['discover', '-f', APP, '-n', NS]);
    expect(found.code, found.stderr).toBe(0);
    expect(found.stderr).not.toContain('read in namespace "default"');
    expect(found.stdout).toContain(`namespace: ${NS}`);
    expect(found.stdout).toContain('app.kubernetes.io/managed-by: Helm');
    const file = join(scratch, 'discovered.yaml');
    writeFileSync(file, found.stdout);
    const validated = await kubeknock(['validate', file]);
    expect(validated.code, validated.stderr + validated.stdout).toBe(0);
  });

  it('without -n the namespace-less objects go to "default", and the note says so', async () => {
    const found = await kubeknock(['discover', '-f', APP]);
    expect(found.code, found.stderr).toBe(0);
    expect(found.stderr).toMatch(/objects name no namespace .*read in namespace "default"; pass -n NAMESPACE/);
  });

  it('run --discover passes on the live app, its probe pods carry the Helm labels, and none is left', async () => {
    const report = join(scratch, 'report.json');
    const run = await kubeknock(['run', '--discover', '-n', NS, '--image', IMAGE, '--image-pull-policy', 'Never', '--report', report]);
    expect(run.code, run.stderr).toBe(0);
    const parsed = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
    const cells = parsed.checks.map((check) => `${check.from} → ${check.to} ${check.expect} ${check.status}`);
    // The policy's allow and its deny, both proven live.
    expect(cells).toContain(`${NS}-client → ${NS}-web:8080 allow pass`);
    expect(cells.filter((cell) => cell.startsWith(`${NS}-web → ${NS}-web:8080`) || cell.startsWith(`${NS}-web → svc/${NS}/web:80`)).every((cell) => cell.endsWith('deny pass'))).toBe(true);
    expect(parsed.checks.every((check) => check.status === 'pass')).toBe(true);
    expect(await managedPods()).toEqual([]);
  });
});
