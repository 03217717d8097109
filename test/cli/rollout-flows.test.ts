/**
 * `rollout --flows` at the command line: the flags' rules, and a flows file observed on another
 * cluster refused with exit 2 before any request reaches the API server.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { writeKubeconfig } from '../cluster-adapter/kubeconfig-file.js';

const POLICY = 'test/fixtures/rollout-flows/lockdown.yaml';
const FLOWS = 'test/fixtures/flows/valid-obsdemo.yaml';

describe('rollout --flows (CLI)', () => {
  it('refuses --allow-cut-flows without --flows, and --flows with --undo', async () => {
    const alone = await runCli(['rollout', '-f', POLICY, '--scenario', 'x.yaml', '--allow-cut-flows', '--dry-run']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--allow-cut-flows lets a rollout cut the flows of --flows FILE: give --flows too');
    const undo = await runCli(['rollout', '--undo', 'some-id', '--flows', FLOWS]);
    expect(undo.code).toBe(2);
    expect(undo.stderr).toContain('--undo restores from a journal: give it alone, without -f, --scenario, --discover or --flows');
  });

  it('refuses a flows file of another cluster with exit 2, before any request reaches the API server', async () => {
    const requests: string[] = [];
    const server = createServer((request: IncomingMessage, response) => {
      requests.push(`${request.method ?? ''} ${request.url ?? ''}`);
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","code":404,"reason":"NotFound","message":"not found"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await runCli(['rollout', '-f', POLICY, '--flows', FLOWS, '--flows-max-age', '0', '--dry-run', '--kubeconfig', writeKubeconfig(`http://127.0.0.1:${port}`)]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`${FLOWS} was observed on another cluster; nothing was sent to the cluster`);
      expect(requests).toEqual([]);
    } finally {
      server.close();
    }
  });
});
