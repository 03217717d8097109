/**
 * The real batch script in a private network (test/support/netns.ts): DROP, REJECT and DNS cases that
 * loopback cannot show. Probes run in the client namespace and target only the server namespace's
 * address; its resolver is BusyBox dnsd inside the server namespace, never the host's.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observed, OutcomeClass } from '../../src/model/outcome.js';
import type { ProbeTask, RawTaskResult } from '../../src/model/probe.js';
import { buildBatchScript, parseBatchOutput } from '../../src/probe/batch-script.js';
import { classifyOutcome } from '../../src/probe/classify.js';
import { DEFAULT_DENY_OUTCOMES, judgeOutcome } from '../../src/probe/judge.js';
import { buildPodMainScript } from '../../src/probe/listener-script.js';
import { createAppletDir, runScript, type AppletDir } from '../support/busybox.js';
import { createTestNetwork, terminate, type TestNetwork } from '../support/netns.js';
import { addressesOf, httpStatusOf } from '../support/outcome.js';

const NOBODY = 65534;
let net: TestNetwork;
let applets: AppletDir;
let dataDir: string;
let listener: ChildProcess;
let S = '';

/** Runs one batch in the client namespace; returns raw results by id, and the wall time. */
async function batch(tasks: readonly ProbeTask[]): Promise<{ raw: Map<string, RawTaskResult>; wallMs: number }> {
  const run = await runScript(applets, buildBatchScript(tasks), { netns: net.clientNs, uid: NOBODY });
  expect(run.exitCode, run.stderr).toBe(0);
  const parsed = parseBatchOutput(run.stdout, tasks.map((t) => t.id));
  expect(parsed.missing, run.stdout).toEqual([]);
  return { raw: new Map(parsed.results.map((r) => [r.id, r])), wallMs: run.wallMs };
}

async function waitUntil(what: string, ready: () => Promise<boolean>, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen within ${withinMs / 1000} s`);
}

async function serverUp(port: number): Promise<boolean> {
  const run = await runScript(applets, `nc -z -w 1 ${S} ${port}`, { netns: net.clientNs });
  return run.exitCode === 0;
}

beforeAll(async () => {
  applets = createAppletDir();
  net = createTestNetwork();
  S = net.serverAddress;
  dataDir = mkdtempSync('/var/tmp/kk-netns-');
  // As in a probe pod: uid 65534 may bind low ports only with this (namespaced) sysctl.
  net.inServer(['sysctl', '-q', '-w', 'net.ipv4.ip_unprivileged_port_start=0']);
  // The kernel rate-limits ICMP errors per peer; a batch that hits several REJECT ports at once would
  // otherwise see some "No route to host" turn into "Connection timed out" (observed here: real CNIs
  // can show the same).
  net.inServer(['sysctl', '-q', '-w', 'net.ipv4.icmp_ratelimit=0']);
  listener = net.spawnInServer([applets.busybox, 'sh', '-c', buildPodMainScript([{ port: 80, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }], 300)], {
    uid: NOBODY,
    env: { PATH: applets.dir },
  });
  writeFileSync(`${dataDir}/dnsd.conf`, `ok.kk.test ${S}\n`);
  net.spawnInServer([applets.busybox, 'dnsd', '-c', `${dataDir}/dnsd.conf`, '-i', S, '-p', '53']);
  const rules: string[][] = [
    ['-p', 'tcp', '--dport', '81', '-j', 'DROP'],
    ['-p', 'tcp', '--dport', '82', '-j', 'REJECT', '--reject-with', 'icmp-host-unreachable'],
    ['-p', 'tcp', '--dport', '83', '-j', 'REJECT', '--reject-with', 'icmp-net-unreachable'],
    ['-p', 'tcp', '--dport', '84', '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    ['-p', 'tcp', '--dport', '85', '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'],
  ];
  for (const rule of rules) net.inServer(['iptables', '-A', 'INPUT', ...rule]);
  await waitUntil('listener on 80', () => serverUp(80));
  await waitUntil('listener on 8080', () => serverUp(8080));
  await waitUntil('dnsd', async () => (await runScript(applets, `nslookup -type=a ok.kk.test. ${S}`, { netns: net.clientNs })).exitCode === 0);
}, 30_000);

afterAll(() => {
  net?.destroy();
  applets?.remove();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface Case {
  readonly task: ProbeTask;
  readonly exit: number;
  /** The exact output of the real BusyBox; `S` stands for the server address. */
  readonly output: string;
  readonly class: OutcomeClass;
  readonly observed: Observed;
  readonly httpStatus?: number;
  readonly addresses?: readonly string[];
  /** Expected duration window in ms. */
  readonly ms: readonly [number, number];
}

const FAST: readonly [number, number] = [0, 1000];
const TWO_SECONDS: readonly [number, number] = [1900, 3000];
/** An ICMP unreachable for a SYN is a soft error to Linux: connect() fails after one retransmit, ~1 s. */
const ICMP_ERROR: readonly [number, number] = [0, 1600];

function cases(): Case[] {
  const tcp = (id: string, port: number, host = S): ProbeTask => ({ id, kind: 'tcp', host, port, timeoutSeconds: 2 });
  const http = (id: string, url: string): ProbeTask => ({ id, kind: 'http', url, host: new URL(url).hostname, timeoutSeconds: 2 });
  const dns = (id: string, name: string, server?: string): ProbeTask =>
    server === undefined ? { id, kind: 'dns', name, timeoutSeconds: 2 } : { id, kind: 'dns', name, server, timeoutSeconds: 2 };
  const ncFail = (port: number, why: string): string => `nc: ${S} (${S}:${port}): ${why}\nsent 0, rcvd 0\n`;
  const wgetFail = (why: string): string => `wget: can't connect to remote host (${S}): ${why}\n`;
  const nsHeader = `Server:\t\t${S}\nAddress:\t${S}:53\n\n`;
  return [
    { task: tcp('listener-80', 80), exit: 0, output: `${S} (${S}:80) open\nsent 0, rcvd 0\n`, class: 'connected', observed: 'allow', ms: FAST },
    { task: tcp('listener-8080', 8080), exit: 0, output: `${S} (${S}:8080) open\nsent 0, rcvd 0\n`, class: 'connected', observed: 'allow', ms: FAST },
    { task: http('httpd-200', `http://${S}/`), exit: 0, output: '', class: 'http-status', httpStatus: 200, observed: 'allow', ms: FAST },
    {
      task: http('httpd-404', `http://${S}:8080/nope`),
      exit: 1,
      output: 'wget: server returned error: HTTP/1.1 404 Not Found\n',
      class: 'http-status',
      httpStatus: 404,
      observed: 'allow',
      ms: FAST,
    },
    { task: tcp('drop', 81), exit: 1, output: ncFail(81, 'Connection timed out'), class: 'timeout', observed: 'deny', ms: TWO_SECONDS },
    { task: http('drop-http', `http://${S}:81/`), exit: 1, output: 'wget: download timed out\n', class: 'timeout', observed: 'deny', ms: TWO_SECONDS },
    { task: tcp('host-unreachable', 82), exit: 1, output: ncFail(82, 'No route to host'), class: 'no-route', observed: 'deny', ms: ICMP_ERROR },
    { task: http('host-unreachable-http', `http://${S}:82/`), exit: 1, output: wgetFail('No route to host'), class: 'no-route', observed: 'deny', ms: ICMP_ERROR },
    { task: tcp('net-unreachable', 83), exit: 1, output: ncFail(83, 'Network is unreachable'), class: 'no-route', observed: 'deny', ms: ICMP_ERROR },
    { task: http('net-unreachable-http', `http://${S}:83/`), exit: 1, output: wgetFail('Network is unreachable'), class: 'no-route', observed: 'deny', ms: ICMP_ERROR },
    { task: tcp('tcp-reset', 84), exit: 1, output: ncFail(84, 'Connection refused'), class: 'refused', observed: 'deny', ms: FAST },
    { task: tcp('admin-prohibited', 85), exit: 1, output: ncFail(85, 'No route to host'), class: 'no-route', observed: 'deny', ms: ICMP_ERROR },
    { task: tcp('closed', 86), exit: 1, output: ncFail(86, 'Connection refused'), class: 'refused', observed: 'deny', ms: FAST },
    { task: http('closed-http', `http://${S}:86/`), exit: 1, output: wgetFail('Connection refused'), class: 'refused', observed: 'deny', ms: FAST },
    {
      task: dns('dns-resolved', 'ok.kk.test.', S),
      exit: 0,
      output: `${nsHeader}Name:\tok.kk.test\nAddress: ${S}\n\n`,
      class: 'resolved',
      addresses: [S],
      observed: 'allow',
      ms: FAST,
    },
    {
      task: dns('dns-nxdomain', 'nope.kk.test.', S),
      exit: 1,
      output: `${nsHeader}** server can't find nope.kk.test.: NXDOMAIN\n\n`,
      class: 'name-not-found',
      observed: 'allow',
      ms: FAST,
    },
    {
      task: dns('dns-via-resolv-conf', 'ok.kk.test.'),
      exit: 0,
      output: `${nsHeader}Name:\tok.kk.test\nAddress: ${S}\n\n`,
      class: 'resolved',
      addresses: [S],
      observed: 'allow',
      ms: FAST,
    },
    { task: http('http-by-name', 'http://ok.kk.test./'), exit: 0, output: '', class: 'http-status', httpStatus: 200, observed: 'allow', ms: FAST },
    { task: tcp('tcp-by-name', 8080, 'ok.kk.test.'), exit: 0, output: `ok.kk.test. (${S}:8080) open\nsent 0, rcvd 0\n`, class: 'connected', observed: 'allow', ms: FAST },
    { task: tcp('tcp-bad-name', 80, 'nope.kk.test.'), exit: 1, output: "nc: bad address 'nope.kk.test.'\n", class: 'name-not-found', observed: 'error', ms: FAST },
    { task: http('http-bad-name', 'http://nope.kk.test./'), exit: 1, output: "wget: bad address 'nope.kk.test.'\n", class: 'name-not-found', observed: 'error', ms: FAST },
  ];
}

function check(c: Case, raw: RawTaskResult | undefined): void {
  const id = c.task.id;
  expect(raw, `${id}: no result`).toBeDefined();
  if (!raw) return;
  expect({ id, exit: raw.exitCode, output: raw.output }).toEqual({ id, exit: c.exit, output: c.output });
  expect(raw.durationMs, `${id}: duration ${raw.durationMs} ms`).toBeGreaterThanOrEqual(c.ms[0]);
  expect(raw.durationMs, `${id}: duration ${raw.durationMs} ms`).toBeLessThanOrEqual(c.ms[1]);
  const outcome = classifyOutcome(c.task, raw);
  expect({ id, class: outcome.class }).toEqual({ id, class: c.class });
  if (c.httpStatus !== undefined) expect(httpStatusOf(outcome), id).toBe(c.httpStatus);
  if (c.addresses !== undefined) expect(addressesOf(outcome), id).toEqual(c.addresses);
  expect(outcome.detail, id).not.toBe('');
  expect(judgeOutcome(c.task.kind, outcome, DEFAULT_DENY_OUTCOMES), id).toBe(c.observed);
}

describe('one batch against DROP, REJECT, listeners and DNS in a private network', () => {
  it('runs all probes concurrently: the whole batch costs about one timeout', async () => {
    const list = cases();
    const { raw, wallMs } = await batch(list.map((c) => c.task));
    console.info(`mixed batch of ${list.length}: wall ${Math.round(wallMs)} ms; ${list.map((c) => `${c.task.id}=${raw.get(c.task.id)?.durationMs}`).join(' ')}`);
    for (const c of list) check(c, raw.get(c.task.id));
    // Two 2 s DROPs and everything else in parallel: well under the sum of the timeouts.
    expect(wallMs).toBeLessThan(3500);
  });
});

describe('DNS that cannot be reached', () => {
  const unreachable = (rule: readonly string[], output: string, ms: readonly [number, number]) => async () => {
    net.inServer(['iptables', '-I', 'INPUT', ...rule]);
    try {
      const task: ProbeTask = { id: 'dns', kind: 'dns', name: 'ok.kk.test.', server: S, timeoutSeconds: 2 };
      const { raw } = await batch([task]);
      check({ task, exit: 1, output, class: 'dns-unreachable', observed: 'deny', ms }, raw.get('dns'));
    } finally {
      net.inServer(['iptables', '-D', 'INPUT', ...rule]);
    }
  };
  const summary = ';; connection timed out; no servers could be reached\n\n';
  it('DROP on udp/53 → timed out, no servers', unreachable(['-p', 'udp', '--dport', '53', '-j', 'DROP'], summary, TWO_SECONDS));
  it(
    'REJECT (port unreachable) on udp/53 → read: Connection refused, once per try',
    unreachable(['-p', 'udp', '--dport', '53', '-j', 'REJECT'], `nslookup: read: Connection refused\nnslookup: read: Connection refused\n${summary}`, TWO_SECONDS),
  );
  it(
    'REJECT (host unreachable) on udp/53 → only the summary line',
    unreachable(['-p', 'udp', '--dport', '53', '-j', 'REJECT', '--reject-with', 'icmp-host-unreachable'], summary, TWO_SECONDS),
  );

  it('a tcp probe by name with the resolver dropped is stopped by the outer timeout: not a verdict on the path', async () => {
    const rule = ['-p', 'udp', '--dport', '53', '-j', 'DROP'];
    net.inServer(['iptables', '-I', 'INPUT', ...rule]);
    try {
      const task: ProbeTask = { id: 'by-name', kind: 'tcp', host: 'ok.kk.test.', port: 80, timeoutSeconds: 1 };
      const { raw } = await batch([task]);
      const result = raw.get('by-name');
      // Timeout 1 + grace 2: BusyBox timeout TERMs nc at 3 s, long before glibc's 2 × 5 s resolver wait.
      expect({ exit: result?.exitCode, output: result?.output }).toEqual({ exit: 143, output: 'sent 0, rcvd 0\npunt!\nTerminated\n' });
      expect(result?.durationMs).toBeGreaterThanOrEqual(2900);
      expect(result?.durationMs).toBeLessThan(3600);
      const outcome = classifyOutcome(task, result ?? { id: '', exitCode: 0, output: '', durationMs: 0 });
      expect(outcome.class).toBe('dns-unreachable');
      expect(judgeOutcome('tcp', outcome, DEFAULT_DENY_OUTCOMES)).toBe('error');
    } finally {
      net.inServer(['iptables', '-D', 'INPUT', ...rule]);
    }
  });
});

describe('batch timing', () => {
  it('10 tasks, 5 of them dropped at a 2 s timeout, finish in about one timeout', async () => {
    const tasks: ProbeTask[] = Array.from({ length: 10 }, (_, i) => ({
      id: `t${i}`,
      kind: 'tcp',
      host: S,
      port: i % 2 === 0 ? 81 : 80,
      timeoutSeconds: 2,
    }));
    const { raw, wallMs } = await batch(tasks);
    const classes = tasks.map((t) => classifyOutcome(t, raw.get(t.id) ?? { id: t.id, exitCode: -1, output: '', durationMs: 0 }).class);
    expect(classes).toEqual(tasks.map((t) => (t.kind === 'tcp' && t.port === 81 ? 'timeout' : 'connected')));
    console.info(`batch of 10 (5 dropped, timeout 2 s): wall ${Math.round(wallMs)} ms; per task ${tasks.map((t) => raw.get(t.id)?.durationMs).join(',')} ms`);
    expect(wallMs).toBeLessThan(4500);
  });
});

describe('probe pod main script (listener)', () => {
  it('accepts a crowd: 120 probes knocking at once all connect within a 1 s timeout (no SYN dropped)', async () => {
    const crowd: ProbeTask[] = Array.from({ length: 120 }, (_, i) => ({ id: `k${i}`, kind: 'tcp', host: S, port: i % 2 ? 80 : 8080, timeoutSeconds: 1 }));
    const run = await runScript(applets, buildBatchScript(crowd), { netns: net.clientNs, uid: NOBODY, timeoutMs: 20_000 });
    const parsed = parseBatchOutput(run.stdout, crowd.map((t) => t.id));
    const classes = parsed.results.map((r, i) => classifyOutcome(crowd[i] as ProbeTask, r).class);
    expect(parsed.missing).toEqual([]);
    expect(classes.filter((c) => c !== 'connected'), 'a dropped SYN would show as a timeout').toEqual([]);
  });

  it('serves as uid 65534 and exits promptly on SIGTERM', async () => {
    expect(listener.exitCode).toBeNull();
    const { code, ms } = await terminate(listener);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(2000);
    // Its tcpsvd children go with it, a moment after the shell: the trap sends them TERM and exits
    // without waiting, so on a busy machine one look right after the shell's exit can still find a
    // listener that has not yet closed its socket.
    await waitUntil('port 80 closed after SIGTERM', async () => !(await serverUp(80)), 3000);
    await waitUntil('port 8080 closed after SIGTERM', async () => !(await serverUp(8080)), 3000);
  });

  it('exits non-zero, naming the port, when a listener cannot start', async () => {
    const holder = net.spawnInServer([applets.busybox, 'sh', '-c', buildPodMainScript([{ port: 9090, protocol: 'TCP' }], 30)], { env: { PATH: applets.dir } });
    await waitUntil('first listener on 9090', () => serverUp(9090));
    const second = net.spawnInServer([applets.busybox, 'sh', '-c', buildPodMainScript([{ port: 9090, protocol: 'TCP' }], 30)], { env: { PATH: applets.dir } });
    let stderr = '';
    second.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    holder.kill('SIGTERM');
    expect(code).toBe(1);
    expect(stderr).toContain('kubeknock: listener on port 9090 failed to start');
  });
});
