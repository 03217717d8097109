/**
 * Issue 9, item 3: a closed pipe (`kubeknock predict … | head`) or a full disk (`> /dev/full`) must not
 * crash any command with Node's stack trace and exit 1 ("an expectation failed"). A closed stdout ends
 * quietly with the command's own exit code; an unwritable one is one line on stderr and exit 2.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { startFakeApi, type FakeApi } from '../cluster-adapter/fake-api-server.js';
import { writeKubeconfig } from '../cluster-adapter/kubeconfig-file.js';
import { spawnCli, type SpawnResult } from '../support/spawn-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kk-stdout-'));
let api: FakeApi;
let kubeconfig: string;
beforeAll(async () => {
  // A real API endpoint on loopback: `run` creates pods, waits, execs (refused: the fake has no exec),
  // judges and deletes, so its report really reaches stdout at the end, as on a cluster.
  api = await startFakeApi({ namespaces: { production: {} }, daemonSets: [], systemPods: [], networkPolicies: [], services: [] });
  kubeconfig = writeKubeconfig(api.loaded.server, 'production');
});
afterAll(async () => {
  await api.close();
  rmSync(scratch, { recursive: true, force: true });
});

const scenario = 'test/scenario/fixtures/valid-postgres.yaml';
const manifests = ['-f', 'scenarios/three-tier/policies.yaml', '-f', 'test/policy/fixtures/shop-workloads.yaml'];
const commands: Record<string, () => string[]> = {
  validate: () => ['validate', scenario],
  'run --dry-run': () => ['run', scenario, '--dry-run'],
  run: () => ['run', scenario, '--kubeconfig', kubeconfig, '--settle', '0', '--attempts', '1', '--timeout', '1', '-o', 'json'],
  predict: () => ['predict', ...manifests, '--port', '8080', '-o', 'json'],
  explain: () => ['explain', ...manifests, '--from', 'shop/frontend', '--to', 'shop/backend', '--port', '8080'],
  lint: () => ['lint', ...manifests],
  discover: () => ['discover', '-f', 'examples/microshop/'],
  manifests: () => ['manifests', 'cronjob', scenario, '--image', 'registry.example/kubeknock:0.1.0'],
  doctor: () => ['doctor', '--kubeconfig', kubeconfig, '-n', 'production'],
  '--help': () => ['--help'],
  '--version': () => ['--version'],
};

const crashed = (result: SpawnResult): boolean => /node:events|Unhandled 'error'|^\s+at /m.test(result.stderr);

describe('a closed or full stdout', () => {
  for (const [name, args] of Object.entries(commands)) {
    it(`${name}: closed early → quiet, its own exit code; /dev/full → one line, exit 2`, async () => {
      const [read, closed, full] = await Promise.all([spawnCli(args(), 'read'), spawnCli(args(), 'closed'), spawnCli(args(), 'full')]);
      expect(read.stdout.length, `${name} writes to stdout`).toBeGreaterThan(0);
      expect(crashed(read), read.stderr).toBe(false);

      expect(crashed(closed), `closed stdout: no stack trace, got:\n${closed.stderr}`).toBe(false);
      expect(closed.code, `closed stdout keeps ${name}'s own exit code`).toBe(read.code);
      expect(closed.stderr).not.toContain('standard output');

      expect(crashed(full), `full stdout: no stack trace, got:\n${full.stderr}`).toBe(false);
      expect(full.code).toBe(2);
      const lines = full.stderr.split('\n').filter((line) => line.includes('standard output'));
      expect(lines).toEqual(['kubeknock: cannot write to standard output (ENOSPC: no space left on the device); the output is incomplete']);
    });
  }

  it('run writes its --report file before stdout, so a reader that closes early does not cost it', async () => {
    const report = join(scratch, 'closed.json');
    const closed = await spawnCli([...commands['run']!(), '--report', report], 'closed');
    expect(crashed(closed), closed.stderr).toBe(false);
    expect(existsSync(report)).toBe(true);
    const parsed = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
    expect(parsed.summary.total).toBe(4);
    expect(closed.code).toBe(1);
  });
});
