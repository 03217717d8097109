/**
 * Issue 18, item 5.3: every flag that reads a file reads only a regular file, and no more than its
 * size limit. `rollout --undo FIFO` hung through two SIGTERMs, `--undo /dev/zero` read 0.6 GB before
 * failing, and `--undo 'bad id!'` sent the API server a request for a name it cannot hold.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInputFile } from '../../src/scenario/file-kind.js';
import { runCli } from '../support/cli.js';
import { spawnCli } from '../support/spawn-cli.js';
import { writeKubeconfig } from '../cluster-adapter/kubeconfig-file.js';

const dir = mkdtempSync(join(tmpdir(), 'kk-file-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fifo = join(dir, 'journal.json');
execFileSync('mkfifo', [fifo]);

const NOT_REGULAR = 'not a regular file; kubeknock reads only regular files: save the content to a file and pass its path';

/** A kubeconfig whose API server records every request and answers 404. */
async function recordingServer(): Promise<{ kubeconfig: string; requests: string[]; close: () => void }> {
  const requests: string[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    requests.push(`${request.method ?? ''} ${request.url ?? ''}`);
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","code":404,"reason":"NotFound","message":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { kubeconfig: writeKubeconfig(`http://127.0.0.1:${port}`), requests, close: () => server.close() };
}

describe('rollout --undo', () => {
  it('refuses a FIFO at once, as the built CLI (it hung, even through two SIGTERMs)', async () => {
    const api = await recordingServer();
    try {
      const { code, stderr } = await spawnCli(['rollout', '--undo', fifo, '--yes', '--kubeconfig', api.kubeconfig], 'read');
      expect(stderr).toContain(`cannot read the journal ${fifo}: is a FIFO (named pipe), ${NOT_REGULAR}`);
      expect(code).toBe(2);
    } finally {
      api.close();
    }
  }, 90_000);

  it('refuses a device without reading from it', async () => {
    const { code, stderr } = await runCli(['rollout', '--undo', '/dev/zero', '--yes', '--kubeconfig', join(dir, 'none')]);
    expect(stderr).toContain(`cannot read the journal /dev/zero: is a device, ${NOT_REGULAR}`);
    expect(code).toBe(2);
  });

  for (const given of ['bad id!', 'Upper', 'ns/bad_name', 'BAD/name']) {
    it(`refuses ${JSON.stringify(given)} before any request: no file, and no name a journal ConfigMap can have`, async () => {
      const api = await recordingServer();
      try {
        const { code, stderr } = await runCli(['rollout', '--undo', given, '--yes', '--kubeconfig', api.kubeconfig]);
        expect(stderr).toContain(`--undo ${JSON.stringify(given)}: no file of that name, and not a journal ConfigMap either`);
        expect(api.requests, 'requests sent to the API server').toEqual([]);
        expect(code).toBe(2);
      } finally {
        api.close();
      }
    });
  }
});

describe('--kubeconfig', () => {
  it('refuses a FIFO instead of blocking the process in a synchronous read', async () => {
    const { code, stderr } = await spawnCli(['rollout', '--undo', 'some-id', '--yes', '--kubeconfig', fifo], 'read');
    expect(stderr).toContain(`kubeconfig ${fifo}: is a FIFO (named pipe), ${NOT_REGULAR}`);
    expect(code).toBe(2);
  }, 90_000);
});

describe('readInputFile', () => {
  it('stops one byte past the limit when a file is longer than its size said (a /proc file says 0)', async () => {
    const read = await readInputFile('/proc/self/status', { what: 'a test file', maxBytes: 16 });
    expect(read).toEqual({ ok: false, problem: 'it grew past 16 bytes while being read, over the limit for a test file; split it into smaller files' });
  });

  it('reads a /proc file within the limit whole', async () => {
    const read = await readInputFile('/proc/self/status', { what: 'a test file', maxBytes: 1024 * 1024 });
    expect(read.ok && read.bytes.toString('utf8')).toMatch(/^Name:/);
  });

  it('refuses a FIFO without blocking, and says what a directory or a missing file is', async () => {
    expect(await readInputFile(fifo, { what: 'a journal file', maxBytes: 10 })).toEqual({ ok: false, problem: `is a FIFO (named pipe), ${NOT_REGULAR}` });
    expect(await readInputFile(dir, { what: 'a journal file', maxBytes: 10 })).toEqual({ ok: false, problem: 'is a directory, not a journal file' });
    expect(await readInputFile(join(dir, 'missing'), { what: 'a journal file', maxBytes: 10 })).toEqual({ ok: false, problem: 'no such file' });
  });
});
