/**
 * `npm run demo`, the README's quick start: with no cluster configured it uses the local test cluster
 * (up already here), applies the postgres-lockdown policies, prints the matrix and removes what it
 * created. On a configured cluster it refuses to touch a namespace it did not create.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KUBECONFIG, REPO, kubectl, kubectlPath, managedPods } from './cluster.js';

const home = mkdtempSync(join(tmpdir(), 'kk-demo-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function demo(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const { KUBECONFIG: _ignored, ...inherited } = process.env;
  const base = { ...inherited, CI: 'true', NO_COLOR: '1', HOME: home };
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', 'demo'], { cwd: REPO, env: { ...base, ...env }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function namespaceExists(name: string): Promise<boolean> {
  return (await kubectl(['get', 'namespace', name, '--ignore-not-found', '-o', 'name'])).trim() !== '';
}

describe('npm run demo', () => {
  it('with no cluster configured: runs postgres-lockdown on the local test cluster, prints the matrix, cleans up', async () => {
    const run = await demo({});
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('on the local test cluster: applying postgres-lockdown/policies.yaml');
    expect(run.stdout).toMatch(/kubeknock \S+ · postgres-lockdown/);
    expect(run.stdout).toMatch(/│ backend +│ ✓ allow \(connected\)/);
    expect(run.stdout).toMatch(/6 checks: 6 passed, 0 failed/);
    expect(await namespaceExists('production'), 'the demo namespace is deleted again').toBe(false);
    expect(await managedPods()).toEqual([]);
  });

  it('on a configured cluster whose "production" namespace exists: exit 2, and the namespace is left as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kk-demo-kc-'));
    const configured = join(dir, 'config');
    copyFileSync(KUBECONFIG, configured);
    await kubectl(['create', 'namespace', 'production']);
    try {
      const run = await demo({ KUBECONFIG: configured, PATH: `${dirname(kubectlPath())}:${process.env['PATH'] ?? ''}` });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain('namespace production already exists');
      expect(await kubectl(['get', 'networkpolicy', '-n', 'production', '-o', 'name'])).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await kubectl(['delete', 'namespace', 'production', '--timeout=120s']);
    }
  });
});
