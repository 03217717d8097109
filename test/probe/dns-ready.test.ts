/**
 * The settle's wait for DNS: which pods wait and for which question, the in-pod loop with the real
 * BusyBox (it keeps asking until a server answers, and gives up at its bound), and a run whose DNS
 * server comes up only seconds after the first exec: its DNS check passes on the first attempt.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeTask } from '../../src/model/probe.js';
import type { Check } from '../../src/model/scenario.js';
import { systemClock } from '../../src/probe/clock.js';
import { dnsQuestions, dnsReadyScript } from '../../src/probe/dns-ready.js';
import type { PlannedProbe } from '../../src/probe/plan.js';
import { preflight } from '../../src/probe/preflight.js';
import type { ProbeRecord } from '../../src/probe/results.js';
import { runScenario } from '../../src/probe/runner.js';
import { parseScenario } from '../../src/scenario/load.js';
import { createAppletDir, runScript, type AppletDir } from '../support/busybox.js';
import { FakeCluster } from '../support/fake-cluster.js';

function record(from: string, task: ProbeTask, expect: 'allow' | 'deny', attempts = 0): ProbeRecord {
  const check = { from } as Check;
  const probe = { id: task.id, check, task } as unknown as PlannedProbe;
  const attempt = { outcome: { class: 'resolved', addresses: [], detail: '' }, observed: 'allow', exitCode: 0, output: '', durationMs: 1 } as const;
  return { probe, expectation: { source: 'scenario', expect }, command: '', attempts: Array.from({ length: attempts }, () => attempt) };
}

describe('dnsQuestions', () => {
  it('asks, per source, the first due question a check expects answered: a dns check, or a name to connect to', () => {
    const questions = dnsQuestions([
      record('a', { id: '1', kind: 'tcp', host: '10.0.0.1', port: 80, timeoutSeconds: 1 }, 'allow'),
      record('a', { id: '2', kind: 'dns', name: 'kubernetes.default.svc.cluster.local.', recordType: 'AAAA', timeoutSeconds: 1 }, 'allow'),
      record('a', { id: '3', kind: 'tcp', host: 'api.shop.svc.cluster.local.', port: 80, timeoutSeconds: 1 }, 'allow'),
      record('b', { id: '4', kind: 'dns', name: 'kubernetes.default.svc.cluster.local.', timeoutSeconds: 1 }, 'deny'),
      record('b', { id: '5', kind: 'tcp', host: 'fd00::1', port: 80, timeoutSeconds: 1 }, 'allow'),
      record('c', { id: '6', kind: 'http', url: 'http://web.shop.svc.cluster.local./', host: 'web.shop.svc.cluster.local.', timeoutSeconds: 1 }, 'allow'),
      record('d', { id: '7', kind: 'dns', name: 'x.', server: '10.96.0.10', timeoutSeconds: 1 }, 'allow', 1),
    ]);
    expect(Object.fromEntries(questions)).toEqual({
      a: { name: 'kubernetes.default.svc.cluster.local.', recordType: 'AAAA' },
      c: { name: 'web.shop.svc.cluster.local.', recordType: 'A' },
    });
  });
});

/** BusyBox dnsd on 127.0.0.1 at a free UDP port, resolving once it says it is bound. */
function startDnsd(applets: AppletDir, ip: string, port: number): Promise<ChildProcess> {
  const child = spawn(applets.busybox, ['dnsd', '-c', '/dev/null', '-i', ip, '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let said = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      said += chunk;
      if (said.includes('accepting UDP packets')) resolve(child);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`dnsd on ${ip}:${port} exited ${code}: ${said.trim()}`)));
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

describe('the in-pod wait, with the real BusyBox', () => {
  let applets: AppletDir;
  const servers: ChildProcess[] = [];
  beforeAll(() => {
    applets = createAppletDir();
  });
  afterEach(() => {
    for (const server of servers.splice(0)) server.kill();
  });
  afterAll(() => applets.remove());

  it('keeps asking until a server answers, then exits 0', async () => {
    const port = await freeUdpPort();
    const script = dnsReadyScript({ name: 'ready.kk.test.', server: `127.0.0.1:${port}`, recordType: 'A' }, 15);
    const waiting = runScript(applets, script, { timeoutMs: 30_000 });
    // The server comes up while the loop is asking: one lookup would have failed.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    servers.push(await startDnsd(applets, '127.0.0.1', port));
    const run = await waiting;
    expect(run.exitCode, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
  });

  it('gives up with exit 1 at its bound when nothing answers', async () => {
    const port = await freeUdpPort();
    const run = await runScript(applets, dnsReadyScript({ name: 'ready.kk.test.', server: `127.0.0.1:${port}`, recordType: 'A' }, 2), { timeoutMs: 30_000 });
    expect(run.exitCode).toBe(1);
  });
});

describe('a run whose DNS answers only seconds after the pods run', () => {
  let cluster: FakeCluster | undefined;
  let dnsd: ChildProcess | undefined;
  afterEach(() => {
    dnsd?.kill();
    cluster?.dispose();
  });

  // The scenario names its DNS server by IP, so it listens on port 53: root only.
  it.skipIf(process.getuid?.() !== 0)('waits in the settle, so the DNS check passes on its first attempt', async () => {
    const server = '127.77.0.53';
    const parsed = parseScenario(
      'dns-late.yaml',
      `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: dns-late}
spec:
  defaults: {timeoutSeconds: 1, attempts: 1, retryDelaySeconds: 0, settleSeconds: 1}
  actors:
    client: {namespace: prod, labels: {app: client}}
  checks:
    - {from: client, to: {dns: late.kk.test., server: ${server}}, expect: allow}
`,
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const applets = createAppletDir();
    let started = false;
    // The DNS server starts 5 s after the first exec: later than one probe (1 s timeout, 3 tries) lasts.
    const fake = new FakeCluster({
      namespaces: ['prod'],
      onExec: () => {
        if (started) return;
        started = true;
        setTimeout(() => void startDnsd(applets, server, 53).then((child) => (dnsd = child)), 5000);
      },
    });
    cluster = fake;
    const report = await runScenario(parsed.scenario, fake, {
      runId: 'dnslate1',
      clusterDomain: 'cluster.local',
      keep: false,
      progress: { step: () => undefined, update: () => undefined, failed: () => undefined },
      clock: systemClock,
      toolVersion: '0.0.0-test',
      facts: await preflight(parsed.scenario, fake),
    });
    applets.remove();
    expect(fake.execScripts[0], 'the settle asks DNS first').toContain('nslookup -type=a -timeout=1 -retry=1 late.kk.test. 127.77.0.53');
    expect(report.checks.map((check) => `${check.status} after ${check.attempts.length}`)).toEqual(['pass after 1']);
  }, 40_000);
});
