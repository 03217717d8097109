/**
 * udp checks with the real BusyBox on both ends, in a private network (test/support/netns.ts): the
 * probe pod's main script serves UDP ports with its responder as uid 65534 in the server namespace;
 * udp probes run in one batch, as uid 65534, from the client namespace. The firewall rules that make
 * a responder silent or unreachable are iptables rules inside the server namespace only.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observed, OutcomeClass } from '../../src/model/outcome.js';
import type { ProbeTask, RawTaskResult } from '../../src/model/probe.js';
import { buildBatchScript, parseBatchOutput } from '../../src/probe/batch-script.js';
import { classifyOutcome } from '../../src/probe/classify.js';
import { DEFAULT_DENY_OUTCOMES, judgeOutcome } from '../../src/probe/judge.js';
import { buildPodMainScript } from '../../src/probe/listener-script.js';
import { udpToken } from '../../src/probe/plan.js';
import { createAppletDir, runScript, type AppletDir } from '../support/busybox.js';
import { createTestNetwork, terminate, type TestNetwork } from '../support/netns.js';

const NOBODY = 65534;
/** Served by the responder; 5354–5357 are too, each behind a rule; 5360 is served by nothing. */
const ECHO = 5353;
const PORTS = { drop: 5354, reject: 5355, adminProhibited: 5356, hostUnreachable: 5357, closed: 5360 } as const;
let net: TestNetwork;
let applets: AppletDir;
let pod: ChildProcess;
let S = '';

const udp = (id: string, port: number, timeoutSeconds = 2): Extract<ProbeTask, { kind: 'udp' }> => ({
  id,
  kind: 'udp',
  host: S,
  port,
  token: udpToken(id, 'kubeknock-client-x7k2q'),
  timeoutSeconds,
});

async function batch(tasks: readonly ProbeTask[]): Promise<{ raw: Map<string, RawTaskResult>; wallMs: number }> {
  const run = await runScript(applets, buildBatchScript(tasks), { netns: net.clientNs, uid: NOBODY, timeoutMs: 30_000 });
  expect(run.exitCode, run.stderr).toBe(0);
  const parsed = parseBatchOutput(run.stdout, tasks.map((t) => t.id));
  expect(parsed.missing, run.stdout).toEqual([]);
  return { raw: new Map(parsed.results.map((r) => [r.id, r])), wallMs: run.wallMs };
}

async function answered(port: number): Promise<boolean> {
  const run = await runScript(applets, `nslookup -type=a -timeout=1 -retry=1 up.kubeknock. ${S}:${port}`, { netns: net.clientNs });
  return run.stdout.includes("can't find up.kubeknock.: NXDOMAIN");
}

async function waitUntil(what: string, ready: () => Promise<boolean>, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen within ${withinMs / 1000} s`);
}

beforeAll(async () => {
  applets = createAppletDir();
  net = createTestNetwork();
  S = net.serverAddress;
  // See batch-netns.test.ts: without this, the kernel rate-limits the port-unreachable answers.
  net.inServer(['sysctl', '-q', '-w', 'net.ipv4.icmp_ratelimit=0']);
  const served = [ECHO, PORTS.drop, PORTS.reject, PORTS.adminProhibited, PORTS.hostUnreachable].map((port) => ({ port, protocol: 'UDP' as const }));
  pod = net.spawnInServer([applets.busybox, 'sh', '-c', buildPodMainScript([{ port: 8080, protocol: 'TCP' }, ...served], 300)], { uid: NOBODY, env: { PATH: applets.dir } });
  const rules: string[][] = [
    ['--dport', String(PORTS.drop), '-j', 'DROP'],
    ['--dport', String(PORTS.reject), '-j', 'REJECT'],
    ['--dport', String(PORTS.adminProhibited), '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'],
    ['--dport', String(PORTS.hostUnreachable), '-j', 'REJECT', '--reject-with', 'icmp-host-unreachable'],
  ];
  for (const rule of rules) net.inServer(['iptables', '-A', 'INPUT', '-p', 'udp', ...rule]);
  await waitUntil(`responder on ${ECHO}`, () => answered(ECHO));
}, 30_000);

afterAll(() => {
  net?.destroy();
  applets?.remove();
});

interface Case {
  readonly task: Extract<ProbeTask, { kind: 'udp' }>;
  readonly exit: number;
  /** The exact output of the real BusyBox nslookup; `S` stands for the server address, `T` for the token. */
  readonly output: (token: string) => string;
  readonly class: OutcomeClass;
  readonly observed: Observed;
  readonly ms: readonly [number, number];
}

const FAST: readonly [number, number] = [0, 1000];
/** nslookup sits out its whole `-timeout` when no answer comes, even after a port unreachable. */
const TWO_SECONDS: readonly [number, number] = [1900, 3000];
const SUMMARY = ';; connection timed out; no servers could be reached\n\n';

function cases(): Case[] {
  return [
    {
      task: udp('c1', ECHO),
      exit: 1,
      output: (token) => `Server:\t\t${S}:${ECHO}\nAddress:\t${S}:${ECHO}\n\n** server can't find ${token}: NXDOMAIN\n\n`,
      class: 'echoed',
      observed: 'allow',
      ms: FAST,
    },
    { task: udp('c2', PORTS.closed), exit: 1, output: () => `nslookup: read: Connection refused\n${SUMMARY}`, class: 'refused', observed: 'deny', ms: TWO_SECONDS },
    // A udp probe at a port served only over TCP: nothing listens for UDP there.
    { task: udp('c3', 8080), exit: 1, output: () => `nslookup: read: Connection refused\n${SUMMARY}`, class: 'refused', observed: 'deny', ms: TWO_SECONDS },
    { task: udp('c4', PORTS.drop), exit: 1, output: () => SUMMARY, class: 'timeout', observed: 'deny', ms: TWO_SECONDS },
    { task: udp('c5', PORTS.reject), exit: 1, output: () => `nslookup: read: Connection refused\n${SUMMARY}`, class: 'refused', observed: 'deny', ms: TWO_SECONDS },
    { task: udp('c6', PORTS.adminProhibited), exit: 1, output: () => `nslookup: read: No route to host\n${SUMMARY}`, class: 'no-route', observed: 'deny', ms: TWO_SECONDS },
    // Linux does not report a host unreachable to a UDP socket: the probe sees only silence.
    { task: udp('c7', PORTS.hostUnreachable), exit: 1, output: () => SUMMARY, class: 'timeout', observed: 'deny', ms: TWO_SECONDS },
  ];
}

function check(c: Case, raw: RawTaskResult | undefined): void {
  const id = c.task.id;
  expect(raw, `${id}: no result`).toBeDefined();
  if (!raw) return;
  expect({ id, exit: raw.exitCode, output: raw.output }).toEqual({ id, exit: c.exit, output: c.output(c.task.token) });
  expect(raw.durationMs, `${id}: duration ${raw.durationMs} ms`).toBeGreaterThanOrEqual(c.ms[0]);
  expect(raw.durationMs, `${id}: duration ${raw.durationMs} ms`).toBeLessThanOrEqual(c.ms[1]);
  const outcome = classifyOutcome(c.task, raw);
  expect({ id, class: outcome.class }).toEqual({ id, class: c.class });
  expect(judgeOutcome('udp', outcome, DEFAULT_DENY_OUTCOMES), id).toBe(c.observed);
}

describe('udp probes against the probe pod responder in a private network', () => {
  it('tell an echo, a port unreachable, a DROP and an ICMP error apart, in one batch of about one timeout', async () => {
    const list = cases();
    const { raw, wallMs } = await batch(list.map((c) => c.task));
    console.info(`udp batch of ${list.length}: wall ${Math.round(wallMs)} ms; ${list.map((c) => `${c.task.id}=${raw.get(c.task.id)?.durationMs}`).join(' ')}`);
    for (const c of list) check(c, raw.get(c.task.id));
    expect(wallMs).toBeLessThan(3500);
  });

  it('answers a crowd: 120 probes asking at once are all echoed within a 1 s timeout (no datagram lost)', async () => {
    const crowd = Array.from({ length: 120 }, (_, i) => udp(`k${i}`, ECHO, 1));
    const { raw } = await batch(crowd);
    const classes = crowd.map((task) => classifyOutcome(task, raw.get(task.id) ?? { id: task.id, exitCode: -1, output: '', durationMs: 0 }).class);
    expect(classes.filter((c) => c !== 'echoed'), 'a lost datagram would show as a timeout').toEqual([]);
  });

  it('never takes another probe’s answer for its own', async () => {
    // The responder answers every name; one probe's token in another probe's answer is a bug, not an allow.
    const task = udp('c1', ECHO);
    const { raw } = await batch([{ ...task, token: udpToken('c9', 'kubeknock-client-x7k2q') }]);
    const result = raw.get('c1');
    expect(result && classifyOutcome(task, result).class).toBe('exec-error');
  });

  it('stops with the pod on SIGTERM, taking the responders along', async () => {
    expect(pod.exitCode).toBeNull();
    const { code, ms } = await terminate(pod);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(2000);
    await waitUntil(`responder on ${ECHO} gone after SIGTERM`, async () => !(await answered(ECHO)), 3000);
  });

  it('exits non-zero, naming the port, when a responder cannot start', async () => {
    const script = buildPodMainScript([{ port: 9091, protocol: 'UDP' }], 30);
    const holder = net.spawnInServer([applets.busybox, 'sh', '-c', script], { env: { PATH: applets.dir } });
    await waitUntil('first responder on 9091', () => answered(9091));
    const second = net.spawnInServer([applets.busybox, 'sh', '-c', script], { env: { PATH: applets.dir } });
    let stderr = '';
    second.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    holder.kill('SIGTERM');
    expect(code).toBe(1);
    expect(stderr).toContain('dnsd: bind: Address already in use');
    expect(stderr).toContain('kubeknock: listener on port 9091/udp failed to start');
  });
});
