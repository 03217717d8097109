/**
 * The probe commands over IPv6 with the real BusyBox, in a private network (test/support/netns.ts):
 * the probe pod's main script listening dual-stack on `::`, ip6tables DROP and REJECT in the server
 * namespace, a missing route, and a small AAAA responder (BusyBox dnsd answers A only) inside it.
 * Outputs are what BusyBox 1.35.0 printed here, byte for byte; probes target only the namespaces'
 * unique-local fd00:beef:N::/64 addresses.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observed, OutcomeClass } from '../../src/model/outcome.js';
import type { ProbeTask, RawTaskResult } from '../../src/model/probe.js';
import { buildBatchScript, parseBatchOutput } from '../../src/probe/batch-script.js';
import { classifyOutcome } from '../../src/probe/classify.js';
import { hostPort } from '../../src/probe/host-port.js';
import { DEFAULT_DENY_OUTCOMES, judgeOutcome } from '../../src/probe/judge.js';
import { buildPodMainScript } from '../../src/probe/listener-script.js';
import { udpToken } from '../../src/probe/plan.js';
import { createAppletDir, runScript, type AppletDir } from '../support/busybox.js';
import { createTestNetwork, type TestNetwork } from '../support/netns.js';
import { addressesOf, httpStatusOf } from '../support/outcome.js';

const NOBODY = 65534;
const RESPONDER = fileURLToPath(new URL('../support/aaaa-responder.mjs', import.meta.url));
let net: TestNetwork;
let applets: AppletDir;
let listener: ChildProcess;
/** The server's IPv6 address, its IPv4 one, one with no DNS server, one whose DNS is dropped, one without a route. */
let S6 = '';
let S4 = '';
let NO_DNS = '';
let DROPPED_DNS = '';
let UNROUTED = '';

async function batch(tasks: readonly ProbeTask[]): Promise<Map<string, RawTaskResult>> {
  const run = await runScript(applets, buildBatchScript(tasks), { netns: net.clientNs, uid: NOBODY });
  expect(run.exitCode, run.stderr).toBe(0);
  const parsed = parseBatchOutput(run.stdout, tasks.map((t) => t.id));
  expect(parsed.missing, run.stdout).toEqual([]);
  return new Map(parsed.results.map((r) => [r.id, r]));
}

async function waitUntil(what: string, ready: () => Promise<boolean>, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen within ${withinMs / 1000} s`);
}

function started(child: ChildProcess, word: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    const hear = (chunk: Buffer): void => {
      said += chunk.toString('utf8');
      if (said.includes(word)) resolve();
    };
    child.stdout?.on('data', hear);
    child.stderr?.on('data', hear);
    child.once('exit', (code) => reject(new Error(`exited ${code} before saying "${word}": ${said}`)));
  });
}

beforeAll(async () => {
  applets = createAppletDir();
  net = createTestNetwork();
  S6 = net.serverAddress6;
  S4 = net.serverAddress;
  NO_DNS = net.ipv6('3');
  DROPPED_DNS = net.ipv6('4');
  UNROUTED = net.unroutedAddress6;
  net.addServerAddress6(NO_DNS);
  net.addServerAddress6(DROPPED_DNS);
  net.inServer(['sysctl', '-q', '-w', 'net.ipv4.ip_unprivileged_port_start=0']);
  // As in batch-netns.test.ts: no ICMP error may be rate-limited into a silence.
  net.inServer(['sysctl', '-q', '-w', 'net.ipv6.icmp.ratelimit=0']);
  listener = net.spawnInServer(
    [applets.busybox, 'sh', '-c', buildPodMainScript([{ port: 80, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }, { port: 5353, protocol: 'UDP' }], 300, { dualStack: true })],
    { uid: NOBODY, env: { PATH: applets.dir } },
  );
  const zone = JSON.stringify({ 'six.kk.test': { A: [S4], AAAA: [S6, NO_DNS] }, 'four.kk.test': { A: [S4] } });
  const responder = net.spawnInServer([process.execPath, RESPONDER, S6, '53', zone]);
  await started(responder, 'ready');
  const rules: string[][] = [
    ['-p', 'tcp', '--dport', '81', '-j', 'DROP'],
    ['-p', 'tcp', '--dport', '82', '-j', 'REJECT', '--reject-with', 'icmp6-adm-prohibited'],
    ['-p', 'tcp', '--dport', '83', '-j', 'REJECT', '--reject-with', 'icmp6-addr-unreachable'],
    ['-p', 'tcp', '--dport', '84', '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    ['-p', 'udp', '--dport', '5354', '-j', 'DROP'],
    ['-p', 'udp', '--dport', '5355', '-j', 'REJECT', '--reject-with', 'icmp6-adm-prohibited'],
    ['-d', DROPPED_DNS, '-p', 'udp', '--dport', '53', '-j', 'DROP'],
  ];
  for (const rule of rules) net.inServer(['ip6tables', '-A', 'INPUT', ...rule]);
  const up = async (host: string, port: number) => (await runScript(applets, `nc -z -w 1 ${host} ${port}`, { netns: net.clientNs })).exitCode === 0;
  await waitUntil('listener on [::]:80', () => up(S6, 80));
  await waitUntil('listener on [::]:8080', () => up(S6, 8080));
}, 30_000);

afterAll(() => {
  net?.destroy();
  applets?.remove();
});

interface Case {
  readonly task: ProbeTask;
  readonly exit: number;
  /** The exact output of the real BusyBox. */
  readonly output: string;
  readonly class: OutcomeClass;
  readonly observed: Observed;
  readonly httpStatus?: number;
  readonly addresses?: readonly string[];
  readonly ms: readonly [number, number];
}

const FAST: readonly [number, number] = [0, 1000];
const TWO_SECONDS: readonly [number, number] = [1900, 3000];
/** An ICMPv6 error for a SYN is a soft error too: connect() fails after one retransmit, ~1 s. */
const ICMP_ERROR: readonly [number, number] = [0, 1600];

function cases(): Case[] {
  const tcp = (id: string, port: number, host = S6): ProbeTask => ({ id, kind: 'tcp', host, port, timeoutSeconds: 2 });
  const http = (id: string, port: number, path = '/', host = S6): ProbeTask => ({ id, kind: 'http', url: `http://${hostPort(host, port)}${path}`, host, timeoutSeconds: 2 });
  const udp = (id: string, port: number, host = S6): ProbeTask => ({ id, kind: 'udp', host, port, token: udpToken(id, 'kubeknock-client-x1'), timeoutSeconds: 2 });
  const aaaa = (id: string, name: string, server: string): ProbeTask => ({ id, kind: 'dns', name, server, recordType: 'AAAA', timeoutSeconds: 2 });
  const ncFail = (port: number, why: string, host = S6): string => `nc: ${host} ([${host}]:${port}): ${why}\nsent 0, rcvd 0\n`;
  const wgetFail = (why: string): string => `wget: can't connect to remote host: ${why}\n`;
  const dnsHeader = (server: string): string => `Server:\t\t${server}\nAddress:\t[${server}]:53\n\n`;
  const noServers = ';; connection timed out; no servers could be reached\n\n';
  const token = (id: string): string => udpToken(id, 'kubeknock-client-x1');
  return [
    { task: tcp('open', 80), exit: 0, output: `${S6} ([${S6}]:80) open\nsent 0, rcvd 0\n`, class: 'connected', observed: 'allow', ms: FAST },
    // The dual-stack listener takes IPv4 too: one pod serves both families of a check.
    { task: tcp('open-ipv4', 8080, S4), exit: 0, output: `${S4} (${S4}:8080) open\nsent 0, rcvd 0\n`, class: 'connected', observed: 'allow', ms: FAST },
    { task: tcp('drop', 81), exit: 1, output: ncFail(81, 'Connection timed out'), class: 'timeout', observed: 'deny', ms: TWO_SECONDS },
    { task: tcp('adm-prohibited', 82), exit: 1, output: ncFail(82, 'Permission denied'), class: 'no-route', observed: 'deny', ms: ICMP_ERROR },
    { task: tcp('addr-unreachable', 83), exit: 1, output: ncFail(83, 'No route to host'), class: 'no-route', observed: 'deny', ms: ICMP_ERROR },
    { task: tcp('tcp-reset', 84), exit: 1, output: ncFail(84, 'Connection refused'), class: 'refused', observed: 'deny', ms: FAST },
    { task: tcp('closed', 86), exit: 1, output: ncFail(86, 'Connection refused'), class: 'refused', observed: 'deny', ms: FAST },
    { task: tcp('no-route', 80, UNROUTED), exit: 1, output: ncFail(80, 'Network is unreachable', UNROUTED), class: 'no-route', observed: 'deny', ms: FAST },
    { task: http('http-200', 80), exit: 0, output: '', class: 'http-status', httpStatus: 200, observed: 'allow', ms: FAST },
    { task: http('http-404', 8080, '/nope'), exit: 1, output: 'wget: server returned error: HTTP/1.1 404 Not Found\n', class: 'http-status', httpStatus: 404, observed: 'allow', ms: FAST },
    { task: http('http-drop', 81), exit: 1, output: 'wget: download timed out\n', class: 'timeout', observed: 'deny', ms: TWO_SECONDS },
    { task: http('http-adm-prohibited', 82), exit: 1, output: wgetFail('Permission denied'), class: 'no-route', observed: 'deny', ms: ICMP_ERROR },
    { task: http('http-tcp-reset', 84), exit: 1, output: wgetFail('Connection refused'), class: 'refused', observed: 'deny', ms: FAST },
    { task: http('http-closed', 86), exit: 1, output: wgetFail('Connection refused'), class: 'refused', observed: 'deny', ms: FAST },
    { task: http('http-no-route', 80, '/', UNROUTED), exit: 1, output: wgetFail('Network is unreachable'), class: 'no-route', observed: 'deny', ms: FAST },
    {
      task: udp('udp-echoed', 5353),
      exit: 1,
      output: `Server:\t\t[${S6}]:5353\nAddress:\t[${S6}]:5353\n\n** server can't find ${token('udp-echoed')}: NXDOMAIN\n\n`,
      class: 'echoed',
      observed: 'allow',
      ms: FAST,
    },
    { task: udp('udp-drop', 5354), exit: 1, output: noServers, class: 'timeout', observed: 'deny', ms: TWO_SECONDS },
    { task: udp('udp-adm-prohibited', 5355), exit: 1, output: `nslookup: read: Permission denied\n${noServers}`, class: 'no-route', observed: 'deny', ms: TWO_SECONDS },
    { task: udp('udp-closed', 5356), exit: 1, output: `nslookup: read: Connection refused\n${noServers}`, class: 'refused', observed: 'deny', ms: TWO_SECONDS },
    { task: udp('udp-no-route', 5353, UNROUTED), exit: 1, output: "nslookup: can't connect to remote host: Network is unreachable\n", class: 'no-route', observed: 'deny', ms: FAST },
    {
      task: aaaa('aaaa-resolved', 'six.kk.test.', S6),
      exit: 0,
      output: `${dnsHeader(S6)}Name:\tsix.kk.test\nAddress: ${S6}\nName:\tsix.kk.test\nAddress: ${NO_DNS}\n\n`,
      class: 'resolved',
      addresses: [S6, NO_DNS],
      observed: 'allow',
      ms: FAST,
    },
    { task: aaaa('aaaa-none', 'four.kk.test.', S6), exit: 0, output: `${dnsHeader(S6)}\n`, class: 'name-not-found', observed: 'allow', ms: FAST },
    { task: aaaa('aaaa-nxdomain', 'nope.kk.test.', S6), exit: 1, output: `${dnsHeader(S6)}** server can't find nope.kk.test.: NXDOMAIN\n\n`, class: 'name-not-found', observed: 'allow', ms: FAST },
    {
      task: aaaa('aaaa-no-server', 'six.kk.test.', NO_DNS),
      exit: 1,
      output: `nslookup: read: Connection refused\nnslookup: read: Connection refused\n${noServers}`,
      class: 'dns-unreachable',
      observed: 'deny',
      ms: TWO_SECONDS,
    },
    { task: aaaa('aaaa-dropped', 'six.kk.test.', DROPPED_DNS), exit: 1, output: noServers, class: 'dns-unreachable', observed: 'deny', ms: TWO_SECONDS },
    { task: aaaa('aaaa-no-route', 'six.kk.test.', UNROUTED), exit: 1, output: "nslookup: can't connect to remote host: Network is unreachable\n", class: 'dns-unreachable', observed: 'deny', ms: FAST },
  ];
}

describe('probes over IPv6 against the real BusyBox', () => {
  it('classifies open, refused, timeout, no-route, HTTP, UDP and AAAA outcomes, all in one batch', async () => {
    const list = cases();
    const raw = await batch(list.map((c) => c.task));
    for (const c of list) {
      const id = c.task.id;
      const result = raw.get(id);
      expect(result, `${id}: no result`).toBeDefined();
      if (!result) continue;
      expect({ id, exit: result.exitCode, output: result.output }).toEqual({ id, exit: c.exit, output: c.output });
      expect(result.durationMs, `${id}: ${result.durationMs} ms`).toBeGreaterThanOrEqual(c.ms[0]);
      expect(result.durationMs, `${id}: ${result.durationMs} ms`).toBeLessThanOrEqual(c.ms[1]);
      const outcome = classifyOutcome(c.task, result);
      expect({ id, class: outcome.class }).toEqual({ id, class: c.class });
      if (c.httpStatus !== undefined) expect(httpStatusOf(outcome), id).toBe(c.httpStatus);
      if (c.addresses !== undefined) expect(addressesOf(outcome), id).toEqual(c.addresses);
      expect(judgeOutcome(c.task.kind, outcome, DEFAULT_DENY_OUTCOMES), id).toBe(c.observed);
    }
  });

  it('says what an IPv6 REJECT with admin-prohibited was, and an empty AAAA answer which record was missing', async () => {
    const list = cases().filter((c) => ['adm-prohibited', 'aaaa-none'].includes(c.task.id));
    const raw = await batch(list.map((c) => c.task));
    const details = list.map((c) => classifyOutcome(c.task, raw.get(c.task.id) as RawTaskResult).detail);
    expect(details).toEqual([
      `nc: ${S6} ([${S6}]:82): Permission denied (ICMPv6 administratively prohibited: a REJECT rule)`,
      'DNS answered with no AAAA record for four.kk.test.',
    ]);
  });

  it('an IPv4 listener (no check over IPv6) refuses IPv6: why an actor reached over IPv6 listens on ::', async () => {
    const v4only = net.spawnInServer([applets.busybox, 'sh', '-c', buildPodMainScript([{ port: 9090, protocol: 'TCP' }], 30)], { uid: NOBODY, env: { PATH: applets.dir } });
    await waitUntil('IPv4 listener on 9090', async () => (await runScript(applets, `nc -z -w 1 ${S4} 9090`, { netns: net.clientNs })).exitCode === 0);
    const raw = await batch([{ id: 'v6', kind: 'tcp', host: S6, port: 9090, timeoutSeconds: 2 }]);
    v4only.kill('SIGTERM');
    expect(raw.get('v6')?.output).toBe(`nc: ${S6} ([${S6}]:9090): Connection refused\nsent 0, rcvd 0\n`);
  });
});
