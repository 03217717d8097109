/**
 * In a pod the listener script is PID 1, which the kernel only signals through a handler the process
 * installed (so `sleep` as PID 1 ignores SIGTERM). Run it as PID 1 of its own PID namespace, as a
 * container runtime would, and check it serves and stops on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPodMainScript } from '../../src/probe/listener-script.js';
import { createAppletDir, hostTool, runScript } from '../support/busybox.js';

const applets = createAppletDir();
afterAll(() => applets.remove());

async function freePort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
}

async function poll<T>(what: string, get: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i += 1) {
    const value = await get();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('probe pod main script as PID 1', () => {
  it('serves nc and wget, and the UDP responder on the same port number, then exits 0 within 2 s of SIGTERM, taking them along', async () => {
    const port = await freePort();
    const ask = `nslookup -type=a -timeout=1 -retry=1 pid1.kubeknock. 127.0.0.1:${port}`;
    const unshare = spawn(
      hostTool('unshare'),
      ['--pid', '--fork', '--mount-proc', applets.busybox, 'sh', '-c', buildPodMainScript([{ port, protocol: 'TCP' }, { port, protocol: 'UDP' }], 120)],
      { env: { PATH: applets.dir }, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => unshare.once('exit', resolve));
    let shell: number | undefined;
    try {
      const pid = unshare.pid;
      if (pid === undefined) throw new Error('unshare did not start');
      shell = await poll('the PID 1 shell', () => childrenOf(pid)[0]);
      expect(readFileSync(`/proc/${shell}/status`, 'utf8')).toMatch(/^NSpid:\s+\d+\s+1$/m);
      await poll('the listener', async () => ((await runScript(applets, `nc -z -w 1 127.0.0.1 ${port}`)).exitCode === 0 ? true : undefined));

      const check = await runScript(applets, `nc -z -vv -w 1 127.0.0.1 ${port} 2>&1; wget -q -T 1 -O - http://127.0.0.1:${port}/`);
      expect(check.stdout).toBe(`127.0.0.1 (127.0.0.1:${port}) open\nsent 0, rcvd 0\nkubeknock probe pod\n`);
      expect((await runScript(applets, ask)).stdout).toContain("** server can't find pid1.kubeknock.: NXDOMAIN");

      const sent = performance.now();
      process.kill(shell, 'SIGTERM');
      expect(await exited).toBe(0);
      expect(performance.now() - sent).toBeLessThan(2000);
      expect((await runScript(applets, `nc -z -w 1 127.0.0.1 ${port}`)).exitCode).toBe(1);
      expect((await runScript(applets, `${ask} 2>&1`)).stdout, 'the responder went with the pod').toContain('nslookup: read: Connection refused');
    } finally {
      // On failure, let the script clean up its /tmp directory before the namespace is torn down.
      if (unshare.exitCode === null && shell !== undefined) {
        process.kill(shell, 'SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
      }
      unshare.kill('SIGKILL');
    }
  });
});

describe('probe pod main script without a signal', () => {
  it('with no ports, exits 0 on its own once the deadline has passed', async () => {
    const run = await runScript(applets, buildPodMainScript([], 1), { timeoutMs: 10_000 });
    expect(run.exitCode).toBe(0);
    // One second of listener check, one of deadline.
    expect(run.wallMs).toBeGreaterThan(1900);
    expect(run.wallMs).toBeLessThan(4000);
  });

  it.each([0, -1, 65536, 1.5, Number.NaN])('refuses listen port %s', (port) => {
    expect(() => buildPodMainScript([{ port, protocol: 'TCP' }], 10)).toThrow(RangeError);
  });
});
