/**
 * The collector's sampling script with the real BusyBox against the real kernel: a "pod" is a process
 * in a cgroup named as the kubelet names a pod's (cgroupfs driver: `…/pod<uid>/…`; systemd driver:
 * `…-pod<uid with _>.slice`), serving TCP in a private network namespace (test/support/netns.ts) with a
 * client connected to it. The script must find each pod by its UID, print its four socket tables once,
 * leave out every process of a UID it was not given, and end with the conntrack section.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCommand } from '../../src/flows/collector.js';
import { createAppletDir, type AppletDir } from '../support/busybox.js';
import { createTestNetwork, type TestNetwork } from '../support/netns.js';

const run = promisify(execFile);
const PORT = 15432;
const CGROUP_ROOT = '/sys/fs/cgroup/pids';
const CGROUPFS_UID = '0b0a7e3c-1111-4a4a-9c9c-00000000c0fe';
const SYSTEMD_UID = '0b0a7e3c-2222-4b4b-8d8d-00000000beef';
const ABSENT_UID = '0b0a7e3c-3333-4c4c-8e8e-000000000000';
const base = `${CGROUP_ROOT}/kk-test-collector-${process.pid}`;
const cgroups = [`${base}/kubepods/besteffort/pod${CGROUPFS_UID}`, `${base}/kubepods.slice/kubepods-besteffort-pod${SYSTEMD_UID.replaceAll('-', '_')}.slice`];
let net: TestNetwork;
let applets: AppletDir;
const children: ChildProcess[] = [];

function hexPort(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}

async function waitFor(what: string, ready: () => Promise<boolean>, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen within ${withinMs / 1000} s`);
}

async function sample(uids: readonly string[]): Promise<string> {
  const [command, ...args] = sampleCommand('kk-test-node', uids);
  const { stdout } = await run(`${applets.dir}/${command}`, args, { env: { PATH: applets.dir }, maxBuffer: 64 << 20 });
  return stdout;
}

beforeAll(async () => {
  applets = createAppletDir();
  net = createTestNetwork();
  // The server "pod": tcpsvd accepting on PORT (in the server namespace); the client stays connected.
  const server = net.spawnInServer([applets.busybox, 'tcpsvd', '-E', '0.0.0.0', String(PORT), applets.busybox, 'sleep', '60'], { env: { PATH: applets.dir } });
  children.push(server);
  for (const dir of cgroups) mkdirSync(dir, { recursive: true });
  writeFileSync(`${cgroups[0]}/cgroup.procs`, String(server.pid));
  // A second "pod" (systemd-style cgroup name): a shell sleeping in the server namespace too.
  const other = net.spawnInServer([applets.busybox, 'sleep', '60'], { env: { PATH: applets.dir } });
  children.push(other);
  writeFileSync(`${cgroups[1]}/cgroup.procs`, String(other.pid));
  await waitFor('the server listening', async () => (await sample([CGROUPFS_UID])).includes(`:${hexPort(PORT)} 00000000:0000 0A`));
  const client = net.spawnInServer([applets.busybox, 'sh', '-c', `sleep 30 | nc ${net.serverAddress} ${PORT}`], { env: { PATH: applets.dir } });
  children.push(client);
  await waitFor('the connection established', async () => / 01 /.test(section(await sample([CGROUPFS_UID]), CGROUPFS_UID, 'tcp')));
}, 30_000);

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  // A cgroup can only be removed once its processes are gone.
  const deadline = Date.now() + 5_000;
  for (const dir of [...cgroups, `${base}/kubepods/besteffort`, `${base}/kubepods`, `${base}/kubepods.slice`, base]) {
    for (;;) {
      try {
        rmdirSync(dir);
        break;
      } catch {
        if (Date.now() > deadline) break;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      }
    }
  }
  net?.destroy();
  applets?.remove();
});

/** The lines of one pod's table, between its `## pod=… table=…` line and the next `##` line. */
function section(text: string, uid: string, table: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(`## pod=${uid} table=${table}`);
  if (start < 0) return '';
  const end = lines.findIndex((line, index) => index > start && line.startsWith('##'));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

describe('the collector sampling script (real BusyBox, real /proc)', () => {
  it('prints the header, each given pod once with its four tables, and the conntrack section last', async () => {
    const text = await sample([CGROUPFS_UID, SYSTEMD_UID, ABSENT_UID]);
    expect(text).toMatch(/^# kubeknock-sample 1 node=kk-test-node time=\d{10}\n/);
    const headers = text.split('\n').filter((line) => line.startsWith('## '));
    const tables = ['tcp', 'tcp6', 'udp', 'udp6'];
    expect(headers.filter((line) => line.startsWith('## pod=')).sort()).toEqual(
      [...tables.map((table) => `## pod=${CGROUPFS_UID} table=${table}`), ...tables.map((table) => `## pod=${SYSTEMD_UID} table=${table}`)].sort(),
    );
    expect(headers.at(-1)).toBe('## conntrack');
    const tcp = section(text, CGROUPFS_UID, 'tcp');
    expect(tcp).toMatch(/^\s+sl\s+local_address/);
    // The listening socket and the established connection of the server's network namespace.
    expect(tcp).toContain(`:${hexPort(PORT)} 00000000:0000 0A`);
    expect(tcp).toMatch(new RegExp(`:${hexPort(PORT)} [0-9A-F]{8}:[0-9A-F]{4} 01`));
  });

  it('leaves out every process whose pod UID it was not given', async () => {
    const text = await sample([SYSTEMD_UID]);
    expect(text).not.toContain(CGROUPFS_UID);
    expect(text).toContain(`## pod=${SYSTEMD_UID} table=tcp`);
    const none = await sample([ABSENT_UID]);
    expect(none.split('\n').filter((line) => line.startsWith('## pod='))).toEqual([]);
  });
});
