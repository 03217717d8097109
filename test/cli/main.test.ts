/** The CLI in-process: flags → exit code and output, with captured streams. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../support/cli.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../scenario/fixtures/${name}`, import.meta.url));

const scratch = mkdtempSync(join(tmpdir(), 'kk-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, env);

describe('kubeknock CLI', () => {
  it('--help lists the commands', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const command of ['run', 'validate', 'cleanup', 'doctor']) expect(stdout, `--help should list ${command}`).toMatch(new RegExp(`kubeknock ${command}\\b`));
  });

  it('validate exits 0 on valid scenarios and prints a summary per file', async () => {
    const { code, stdout } = await cli(['validate', fixture('valid-postgres.yaml'), fixture('valid-every-target.yaml')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/valid-postgres\.yaml: ok — scenario "postgres-lockdown", 3 actor\(s\), 4 check\(s\)/);
  });

  it('validate reports all three mistakes with file:line and exits 2', async () => {
    const file = fixture('invalid-three-mistakes.yaml');
    const { code, stderr } = await cli(['validate', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:9: spec.checks[0].to: actor "postgres" does not listen on 5433`);
    expect(stderr).toContain(`${file}:10: spec.checks[1].from: unknown actor "frontend"`);
    expect(stderr).toContain(`${file}:11: spec.checks[2].expect: "maybe" must be one of: "allow", "deny"`);
  });

  it('run with an invalid scenario exits 2 before looking for a cluster', async () => {
    const { code, stderr } = await cli(['run', fixture('invalid-three-mistakes.yaml')], { KUBECONFIG: '/nonexistent/kubeconfig' });
    expect(code).toBe(2);
    expect(stderr).toContain('nothing was sent to the cluster');
    expect(stderr).not.toContain('kubeconfig');
  });

  it('run without any kubeconfig says where it looked instead of falling back to localhost:8080', async () => {
    const dir = scratch;
    const { code, stderr } = await cli(['run', fixture('valid-postgres.yaml')], { HOME: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(/kubeconfig/i);
    expect(stderr).not.toContain('localhost:8080');
  });

  it('run --dry-run prints the pods and probes and needs no cluster', async () => {
    const { code, stdout } = await cli(['run', fixture('valid-postgres.yaml'), '--dry-run', '--image', 'docker.io/library/busybox:1.35.0']);
    expect(code).toBe(0);
    expect(stdout).toContain('3 probe pod(s), 4 probe(s); nothing is created');
    expect(stdout).toContain('production/kubeknock-postgres-*  app=postgres  listens on 5432');
    expect(stdout).toMatch(/c1 {2}backend → postgres:5432 {2}\[tcp\] expect allow {2}\$ timeout .*nc -z -vv -w 2 '<postgres-pod-ip>' 5432/);
  });

  it('run --dry-run -o json gives the pod manifests', async () => {
    const { code, stdout } = await cli(['run', fixture('valid-postgres.yaml'), '--dry-run', '-o', 'json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { pods: { metadata: { namespace: string } }[]; probes: unknown[] };
    expect(parsed.pods).toHaveLength(3);
    expect(parsed.probes).toHaveLength(4);
  });

  it('run --dry-run with two scenarios prints one JSON document per line, in order', async () => {
    const { code, stdout } = await cli(['run', fixture('valid-postgres.yaml'), join(REPO, 'scenarios/three-tier.yaml'), '--dry-run', '-o', 'json']);
    expect(code).toBe(0);
    const docs = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { scenario: string; probes: unknown[] });
    expect(docs.map((d) => d.scenario)).toEqual(['postgres-lockdown', 'three-tier']);
    expect(docs[1]?.probes.length).toBeGreaterThan(0);
  });

  it('rejects bad flag values with exit 2', async () => {
    const dir = scratch;
    const file = join(dir, 's.yaml');
    writeFileSync(file, 'x: 1\n');
    const { code, stderr } = await cli(['run', file, '--timeout', '0']);
    expect(code).toBe(2);
    expect(stderr).toContain('--timeout must be a whole number from 1 to 3600 (got 0)');
  });
});

describe('usage errors of any command', () => {
  it('prints the flag problem once, with the usage hint, exit 2', async () => {
    const { code, stderr } = await cli(['predict', '-f', 'scenarios/three-tier/policies.yaml', '--port', '0']);
    expect(code).toBe(2);
    expect(stderr).toBe('kubeknock: --port must be a whole number from 1 to 65535 (got 0)\nRun "kubeknock --help" for usage.\n');
  });

  it('names an unknown command', async () => {
    const { code, stderr } = await cli(['bogus']);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown argument: bogus');
  });
});
