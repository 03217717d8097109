/**
 * Issue 9 item 8 (size): a short file with many-by-many checks expanded to 500 pods and 249,500
 * checks with no word. Over --max-pods / --max-checks a run (real or dry) and the audit manifests are
 * refused with the counts and the flag to raise; under them, the run goes ahead.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kk-size-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `actors` actors, all listening on 80, one many-by-many check: actors × (actors − 1) cells. */
function manyByMany(actors: number): string {
  const names = Array.from({ length: actors }, (_, i) => `a${i}`);
  const file = join(scratch, `many-${actors}.yaml`);
  writeFileSync(
    file,
    [
      'apiVersion: kubeknock.dev/v1alpha1',
      'kind: Scenario',
      'metadata: {name: many}',
      'spec:',
      '  actors:',
      ...names.map((name) => `    ${name}: {namespace: ns, listen: [80]}`),
      '  checks:',
      `    - {from: [${names.join(', ')}], to: [${names.map((n) => `"${n}:80"`).join(', ')}], expect: allow}`,
      '',
    ].join('\n'),
  );
  return file;
}

describe('size limits', () => {
  it('refuses 500 pods and 249,500 checks, naming both counts and the flags that raise the limits', async () => {
    const file = manyByMany(500);
    const { code, stdout, stderr } = await runCli(['run', file, '--dry-run']);
    expect(code, stderr).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file}: scenario "many" would make 500 probe pods and 249500 checks, over the limits of 100 probe pods and 10000 checks: pass --max-pods 500 --max-checks 249500 to run it anyway`);
    expect(stderr).toContain('nothing was sent to the cluster');
  }, 30_000);

  it('refuses on checks alone (101 actors → 10,100 checks) and runs once --max-checks allows it', async () => {
    const file = manyByMany(101);
    const refused = await runCli(['run', file, '--dry-run', '--max-pods', '101']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('would make 101 probe pods and 10100 checks, over the limit of 10000 checks: pass --max-checks 10100 to run it anyway');
    expect(refused.stderr, 'the pods are within their limit').not.toContain('pass --max-pods');
    const allowed = await runCli(['run', file, '--dry-run', '--max-pods', '101', '--max-checks', '10100', '-o', 'json']);
    expect(allowed.stderr).toBe('');
    expect(allowed.code).toBe(0);
    const plan = JSON.parse(allowed.stdout) as { pods: unknown[]; probes: unknown[] };
    expect([plan.pods.length, plan.probes.length]).toEqual([101, 10100]);
  }, 30_000);

  it('validate passes it, with the counts and a word about the limits of run', async () => {
    const file = manyByMany(120);
    const { code, stdout } = await runCli(['validate', file]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${file}: ok — scenario "many", 120 actor(s), 14280 check(s); more than run allows by default (--max-pods 100, --max-checks 10000): raise them to run it\n`);
  }, 30_000);

  it('a real run is refused before any cluster is contacted', async () => {
    const file = manyByMany(120);
    // No kubeconfig exists: reaching the cluster would fail with a kubeconfig message instead.
    const { code, stderr } = await runCli(['run', file, '--kubeconfig', join(scratch, 'missing-kubeconfig')]);
    expect(code).toBe(2);
    expect(stderr).toContain('would make 120 probe pods and 14280 checks, over the limits of 100 probe pods and 10000 checks: pass --max-pods 120 --max-checks 14280 to run it anyway');
    expect(stderr).not.toMatch(/kubeconfig/i);
  }, 30_000);

  it('manifests cronjob refuses a scenario its audit would refuse, unless the limits are raised for it', async () => {
    const file = manyByMany(120);
    const base = ['manifests', 'cronjob', file, '--image', 'registry.example/kubeknock:0.1.0', '--no-create-namespace'];
    const refused = await runCli(base);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --max-pods 120 --max-checks 14280 to run it anyway');
    const allowed = await runCli([...base, '--max-pods', '120', '--max-checks', '20000']);
    expect(allowed.stderr).toBe('');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('--max-pods=120');
  }, 30_000);
});
