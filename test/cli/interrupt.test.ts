/**
 * Issue 9, item 8: commands with nothing to clean up stop on SIGINT/SIGTERM with 130/143 instead of
 * printing "cleaning up" and carrying on to exit 0. A live run still takes the signal and cleans up
 * (test/e2e/run.test.ts proves that against the cluster).
 */
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { REPO } from '../support/cli.js';
import { startCli } from '../support/spawn-cli.js';
import { writeKubeconfig } from '../cluster-adapter/kubeconfig-file.js';

const scenario = 'test/scenario/fixtures/valid-postgres.yaml';
const manifests = ['-f', 'scenarios/three-tier/policies.yaml', '-f', 'test/policy/fixtures/shop-workloads.yaml'];
const offline: Record<string, string[]> = {
  validate: ['validate', scenario],
  'run --dry-run': ['run', scenario, '--dry-run'],
  predict: ['predict', ...manifests, '--port', '8080'],
  explain: ['explain', ...manifests, '--from', 'shop/frontend', '--to', 'shop/backend', '--port', '8080'],
  lint: ['lint', ...manifests],
  discover: ['discover', '-f', 'examples/microshop/'],
  manifests: ['manifests', 'cronjob', scenario, '--image', 'registry.example/kubeknock:0.1.0'],
};

/** main() in-process, with the signal delivered while the command is still reading its files. */
async function interruptedRun(argv: string[], signal: 'SIGINT' | 'SIGTERM'): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const controller = new AbortController();
  const running = main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { HOME: '/nonexistent', NO_COLOR: '1' },
    cwd: REPO,
    signal: controller.signal,
  });
  // As the bin does on a signal; the command has not read a byte yet (file reads are asynchronous).
  controller.abort(new Error(`interrupted by ${signal}`));
  return { code: await running, stdout, stderr };
}

describe('an interrupt', () => {
  for (const [name, argv] of Object.entries(offline)) {
    it(`stops ${name} with 130 on SIGINT and 143 on SIGTERM`, async () => {
      const int = await interruptedRun(argv, 'SIGINT');
      expect(int.code).toBe(130);
      expect(int.stderr).toBe('kubeknock: SIGINT received: stopped\n');
      expect(int.stdout).toBe('');
      const term = await interruptedRun(argv, 'SIGTERM');
      expect(term.code).toBe(143);
      expect(term.stderr).toBe('kubeknock: SIGTERM received: stopped\n');
    });
  }

  it('stops the built CLI at once while it waits on an API server that never answers (doctor, SIGTERM → 143)', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const cli = startCli(['doctor', '--kubeconfig', writeKubeconfig(`http://127.0.0.1:${port}`), '-n', 'production'], 'read');
      const deadline = Date.now() + 20_000;
      while (sockets.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sockets.length, 'doctor connected to the API server').toBeGreaterThan(0);
      const sent = Date.now();
      cli.child.kill('SIGTERM');
      const result = await cli.done;
      expect(result.code).toBe(143);
      expect(Date.now() - sent).toBeLessThan(3000);
      expect(result.stderr).toContain('kubeknock: SIGTERM received: stopped');
      expect(result.stderr).not.toContain('cleaning up');
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
