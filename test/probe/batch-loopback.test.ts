/**
 * The real batch script, run by the real BusyBox sh against listeners on 127.0.0.1, classified and
 * judged. Only loopback is targeted here; everything that needs DROP/REJECT or DNS lives in
 * batch-netns.test.ts.
 */
import { execFile } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeTask } from '../../src/model/probe.js';
import { buildBatchScript, parseBatchOutput } from '../../src/probe/batch-script.js';
import { classifyOutcome } from '../../src/probe/classify.js';
import { DEFAULT_DENY_OUTCOMES, judgeOutcome } from '../../src/probe/judge.js';
import { createAppletDir, hostTool, runScript } from '../support/busybox.js';
import { httpStatusOf } from '../support/outcome.js';

const applets = createAppletDir();
const servers: (Server | HttpServer)[] = [];
let tcpPort = 0;
let httpPort = 0;
let closedPort = 0;
let resetPort = 0;
let silentPort = 0;
let notHttpPort = 0;

const sockets = new Set<Socket>();

function listen(server: Server | HttpServer): Promise<number> {
  servers.push(server);
  // close() waits for open connections; remember them so afterAll can end them.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  tcpPort = await listen(createNetServer((socket) => socket.end()));
  // Connected, then something other than an HTTP answer: the path is open but wget cannot say so.
  resetPort = await listen(createNetServer((socket) => socket.resetAndDestroy()));
  silentPort = await listen(createNetServer(() => undefined));
  notHttpPort = await listen(createNetServer((socket) => socket.end('garbage, not http\r\n\r\n')));
  httpPort = await listen(
    createHttpServer((req, res) => {
      res.statusCode = req.url === '/' ? 200 : 404;
      res.end(req.url === '/' ? 'ok' : 'nope');
    }),
  );
  // A port that was just free: nothing listens there.
  const probe = createNetServer();
  closedPort = await new Promise((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)));
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  applets.remove();
});

function tasks(): ProbeTask[] {
  return [
    { id: 'tcp-open', kind: 'tcp', host: '127.0.0.1', port: tcpPort, timeoutSeconds: 2 },
    { id: 'tcp-closed', kind: 'tcp', host: '127.0.0.1', port: closedPort, timeoutSeconds: 2 },
    { id: 'http-200', kind: 'http', url: `http://127.0.0.1:${httpPort}/`, host: '127.0.0.1', timeoutSeconds: 2 },
    { id: 'http-404', kind: 'http', url: `http://127.0.0.1:${httpPort}/missing`, host: '127.0.0.1', timeoutSeconds: 2 },
    { id: 'http-closed', kind: 'http', url: `http://127.0.0.1:${closedPort}/`, host: '127.0.0.1', timeoutSeconds: 2 },
  ];
}

describe('batch script on loopback with the real BusyBox', () => {
  it('runs every probe, frames every result, and each classifies and judges as expected', async () => {
    const list = tasks();
    const run = await runScript(applets, buildBatchScript(list));
    expect(run.exitCode, run.stderr).toBe(0);
    const parsed = parseBatchOutput(run.stdout, list.map((t) => t.id));
    expect(parsed.missing).toEqual([]);
    expect(parsed.busyboxVersion).toMatch(/^BusyBox v\d+\.\d+\.\d+ .*multi-call binary\.$/);

    const seen = new Map(parsed.results.map((r) => [r.id, r]));
    const expected: Record<string, { exit: number; output: string; class: string; status?: number; observed: string }> = {
      'tcp-open': { exit: 0, output: `127.0.0.1 (127.0.0.1:${tcpPort}) open\nsent 0, rcvd 0\n`, class: 'connected', observed: 'allow' },
      'tcp-closed': {
        exit: 1,
        output: `nc: 127.0.0.1 (127.0.0.1:${closedPort}): Connection refused\nsent 0, rcvd 0\n`,
        class: 'refused',
        observed: 'deny',
      },
      'http-200': { exit: 0, output: '', class: 'http-status', status: 200, observed: 'allow' },
      'http-404': {
        exit: 1,
        output: 'wget: server returned error: HTTP/1.1 404 Not Found\n',
        class: 'http-status',
        status: 404,
        observed: 'allow',
      },
      'http-closed': {
        exit: 1,
        output: `wget: can't connect to remote host (127.0.0.1): Connection refused\n`,
        class: 'refused',
        observed: 'deny',
      },
    };
    for (const task of list) {
      const raw = seen.get(task.id);
      const want = expected[task.id];
      expect(raw, task.id).toBeDefined();
      if (!raw || !want) continue;
      expect({ id: task.id, exit: raw.exitCode, output: raw.output }).toEqual({ id: task.id, exit: want.exit, output: want.output });
      expect(raw.durationMs, `${task.id} duration`).toBeLessThan(1500);
      const outcome = classifyOutcome(task, raw);
      expect({ id: task.id, class: outcome.class, status: httpStatusOf(outcome) }).toEqual({ id: task.id, class: want.class, status: want.status });
      expect(judgeOutcome(task.kind, outcome, DEFAULT_DENY_OUTCOMES), task.id).toBe(want.observed);
    }
  });

  it.each([
    ['reset after accept', () => resetPort, 'wget: error getting response: Connection reset by peer\n', 'exec-error', [0, 1000]],
    ['not HTTP', () => notHttpPort, 'wget: error getting response\n', 'exec-error', [0, 1000]],
    // A server that accepts and never answers looks like a DROP to wget: only nc can tell them apart.
    ['accepts, never answers', () => silentPort, 'wget: download timed out\n', 'timeout', [900, 1600]],
  ] as const)('http to a server that %s: exact message and class', async (_name, port, output, cls, ms) => {
    const task: ProbeTask = { id: 'h', kind: 'http', url: `http://127.0.0.1:${port()}/`, host: '127.0.0.1', timeoutSeconds: 1 };
    const run = await runScript(applets, buildBatchScript([task]));
    const [raw] = parseBatchOutput(run.stdout, ['h']).results;
    expect({ exit: raw?.exitCode, output: raw?.output }).toEqual({ exit: 1, output });
    expect(raw?.durationMs).toBeGreaterThanOrEqual(ms[0]);
    expect(raw?.durationMs).toBeLessThanOrEqual(ms[1]);
    expect(classifyOutcome(task, raw ?? { id: 'h', exitCode: 0, output: '', durationMs: 0 }).class).toBe(cls);
  });

  it('never puts ids into the script: any id maps back by position', async () => {
    const ids = ["a b'c", '$(touch /tmp/pwned)', '@@kubeknock end 0', ''];
    const list: ProbeTask[] = ids.map((id) => ({ id, kind: 'tcp', host: '127.0.0.1', port: tcpPort, timeoutSeconds: 1 }));
    const script = buildBatchScript(list);
    for (const id of ids.filter(Boolean)) expect(script).not.toContain(id);
    const parsed = parseBatchOutput((await runScript(applets, script)).stdout, ids);
    expect(parsed.results.map((r) => [r.id, r.exitCode])).toEqual(ids.map((id) => [id, 0]));
  });

  it('reports a missing probe applet as an exec-error, never as a network result', async () => {
    const bare = createAppletDir();
    try {
      rmSync(`${bare.dir}/nc`);
      const task: ProbeTask = { id: 'no-nc', kind: 'tcp', host: '127.0.0.1', port: tcpPort, timeoutSeconds: 1 };
      const run = await runScript(bare, buildBatchScript([task]));
      const [raw] = parseBatchOutput(run.stdout, [task.id]).results;
      expect(raw?.exitCode).toBe(127);
      expect(raw?.output).toBe('timeout: can\'t execute \'nc\': No such file or directory\n');
      const outcome = classifyOutcome(task, raw ?? { id: 'x', exitCode: 0, output: '', durationMs: 0 });
      expect(outcome.class).toBe('exec-error');
      expect(outcome.detail).toContain("can't execute 'nc'");
    } finally {
      bare.remove();
    }
  });

  it.each([
    ['finds /bin/busybox', true],
    ['leaves the version out when there is none', false],
  ] as const)('with busybox not in PATH, %s, and still reports every result', async (_name, withBinBusybox) => {
    const noBusybox = createAppletDir({ withBusyboxLink: false });
    try {
      const list = tasks().slice(0, 2);
      // A private mount namespace with an empty /bin (so the host's /bin cannot decide the outcome),
      // holding /bin/busybox only when the case asks for it; the script's PATH has applets only.
      const bb = noBusybox.busybox;
      const outer = [
        `${bb} mount -t tmpfs kk-bin /bin || exit 99`,
        withBinBusybox ? `${bb} ln -s ${bb} /bin/busybox || exit 98` : ':',
        `${bb} sh -c "$1"`,
      ].join('\n');
      const { stdout } = await promisify(execFile)(
        hostTool('unshare'),
        ['--mount', '--propagation', 'private', bb, 'sh', '-c', outer, 'outer', buildBatchScript(list)],
        { env: { PATH: noBusybox.dir } },
      );
      const parsed = parseBatchOutput(stdout, list.map((t) => t.id));
      expect(parsed.missing).toEqual([]);
      if (withBinBusybox) expect(parsed.busyboxVersion).toMatch(/^BusyBox v\d+\.\d+\.\d+ /);
      else expect(parsed.busyboxVersion).toBeUndefined();
    } finally {
      noBusybox.remove();
    }
  });

  it('works as uid 65534 on a private /tmp (a pod emptyDir) and leaves nothing behind', async () => {
    const list = tasks();
    const outer = [
      'mount -t tmpfs kk-tmp /tmp || exit 99',
      `${hostTool('setpriv')} --reuid=65534 --regid=65534 --clear-groups ${applets.busybox} sh -c "$1"`,
      'echo "@@left [$(ls -A /tmp)]"',
    ].join('\n');
    const { stdout } = await promisify(execFile)(
      hostTool('unshare'),
      ['--mount', '--propagation', 'private', applets.busybox, 'sh', '-c', outer, 'outer', buildBatchScript(list)],
      { env: { PATH: applets.dir } },
    );
    const parsed = parseBatchOutput(stdout, list.map((t) => t.id));
    expect(parsed.missing).toEqual([]);
    expect(parsed.results.map((r) => r.exitCode)).toEqual([0, 1, 0, 1, 1]);
    expect(stdout).toContain('@@left []');
  });
});
