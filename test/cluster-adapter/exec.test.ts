/**
 * The exec adapter against a local API-server stand-in: client-node's real Exec and WebSocket code
 * talk to a `ws` server on 127.0.0.1 that speaks the Kubernetes channel protocol (v5 and v4).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { execInPod } from '../../src/cluster/exec.js';
import { createKubeCluster } from '../../src/cluster/kube-cluster.js';

type Behaviour =
  | { readonly type: 'session'; readonly protocol: string; readonly script: (ws: WebSocket) => void }
  | { readonly type: 'refuse'; readonly status: number; readonly body: string }
  | { readonly type: 'silent' };

interface Seen {
  readonly url: string;
  readonly offered: readonly string[];
  readonly authorization?: string;
  chosen?: string;
}

let server: Server;
let wss: WebSocketServer;
let kc: KubeConfig;
let behaviour: Behaviour;
let seen: Seen[] = [];
const heldSockets = new Set<Socket>();

const frame = (channel: number, payload: string): Buffer => Buffer.concat([Buffer.from([channel]), Buffer.from(payload)]);
const status = (value: object): Buffer => frame(3, JSON.stringify(value));
const pod = { namespace: 'production', name: 'probe-abc12' };

beforeAll(async () => {
  wss = new WebSocketServer({
    noServer: true,
    handleProtocols: () => (behaviour.type === 'session' ? behaviour.protocol : false),
  });
  server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const record: Seen = { url: req.url ?? '', offered, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
    seen.push(record);
    switch (behaviour.type) {
      case 'refuse':
        socket.end(
          `HTTP/1.1 ${behaviour.status} Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(behaviour.body)}\r\nConnection: close\r\n\r\n${behaviour.body}`,
        );
        return;
      case 'silent':
        // Accept the TCP connection and never answer the upgrade.
        heldSockets.add(socket);
        socket.on('close', () => heldSockets.delete(socket));
        return;
      case 'session': {
        const script = behaviour.script;
        wss.handleUpgrade(req, socket, head, (ws) => {
          record.chosen = ws.protocol;
          script(ws);
        });
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'tester', token: 'secret-token' }],
    contexts: [{ name: 'local', cluster: 'local', user: 'tester' }],
    currentContext: 'local',
  });
});

afterAll(async () => {
  for (const socket of heldSockets) socket.destroy();
  wss.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
});

describe('execInPod against a v5/v4 channel server', () => {
  it('sends the command, container and stream flags in the exec URL and negotiates v5.channel.k8s.io', async () => {
    behaviour = { type: 'session', protocol: 'v5.channel.k8s.io', script: (ws) => ws.send(status({ status: 'Success' })) };
    await execInPod(kc, pod, 'probe', ['sh', '-c', 'nc -z -w 2 10.0.0.1 5432 && echo ok'], { timeoutMs: 5000 });
    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    const url = new URL(request.url, 'http://x');
    expect(url.pathname).toBe('/api/v1/namespaces/production/pods/probe-abc12/exec');
    expect(url.searchParams.getAll('command')).toEqual(['sh', '-c', 'nc -z -w 2 10.0.0.1 5432 && echo ok']);
    expect(url.searchParams.get('container')).toBe('probe');
    expect(url.searchParams.get('stdout')).toBe('true');
    expect(url.searchParams.get('stderr')).toBe('true');
    expect(url.searchParams.get('stdin')).toBe('false');
    expect(url.searchParams.get('tty')).toBe('false');
    expect(request.offered[0]).toBe('v5.channel.k8s.io');
    expect(request.offered).toContain('v4.channel.k8s.io');
    expect(request.chosen).toBe('v5.channel.k8s.io');
    expect(request.authorization).toBe('Bearer secret-token');
  });

  it.each(['v5.channel.k8s.io', 'v4.channel.k8s.io'])('%s: stdout and stderr frames then Success → exited 0', async (protocol) => {
    behaviour = {
      type: 'session',
      protocol,
      script: (ws) => {
        ws.send(frame(1, 'line one\n'));
        ws.send(frame(2, 'nc: 10.0.0.1 (10.0.0.1:5432) open\n'));
        ws.send(frame(1, 'line two\n'));
        ws.send(status({ status: 'Success' }));
      },
    };
    const result = await execInPod(kc, pod, 'probe', ['true'], { timeoutMs: 5000 });
    expect(result).toEqual({ type: 'exited', exitCode: 0, stdout: 'line one\nline two\n', stderr: 'nc: 10.0.0.1 (10.0.0.1:5432) open\n' });
    expect(seen[0]?.chosen).toBe(protocol);
  });

  it('NonZeroExitCode with cause ExitCode 3 → exited 3, output kept', async () => {
    behaviour = {
      type: 'session',
      protocol: 'v5.channel.k8s.io',
      script: (ws) => {
        ws.send(frame(2, 'wget: download timed out\n'));
        ws.send(
          status({
            metadata: {},
            status: 'Failure',
            message: 'command terminated with non-zero exit code: error executing command [wget], exit code 3',
            reason: 'NonZeroExitCode',
            details: { causes: [{ reason: 'ExitCode', message: '3' }] },
          }),
        );
      },
    };
    const result = await execInPod(kc, pod, 'probe', ['wget'], { timeoutMs: 5000 });
    expect(result).toEqual({ type: 'exited', exitCode: 3, stdout: '', stderr: 'wget: download timed out\n' });
  });

  it('a Failure that is not an exit code → failed with the server message', async () => {
    behaviour = {
      type: 'session',
      protocol: 'v5.channel.k8s.io',
      script: (ws) => ws.send(status({ status: 'Failure', reason: 'InternalError', message: 'container not found ("probe")' })),
    };
    const result = await execInPod(kc, pod, 'probe', ['true'], { timeoutMs: 5000 });
    expect(result.type).toBe('failed');
    expect(result.type === 'failed' && result.reason).toContain('container not found');
  });

  it('socket closed without a status frame → failed, partial output kept', async () => {
    behaviour = {
      type: 'session',
      protocol: 'v5.channel.k8s.io',
      script: (ws) => {
        ws.send(frame(1, 'partial'));
        setTimeout(() => ws.close(), 20);
      },
    };
    const result = await execInPod(kc, pod, 'probe', ['true'], { timeoutMs: 5000 });
    expect(result).toEqual({ type: 'failed', reason: 'exec connection closed without an exit status', stdout: 'partial', stderr: '' });
  });

  it('handshake answered with HTTP 403 → failed naming pods/exec', async () => {
    behaviour = {
      type: 'refuse',
      status: 403,
      body: JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: 'pods "probe-abc12" is forbidden: User "ci" cannot create resource "pods/exec" in API group "" in the namespace "production"',
        reason: 'Forbidden',
        code: 403,
      }),
    };
    const result = await execInPod(kc, pod, 'probe', ['true'], { timeoutMs: 5000 });
    expect(result.type).toBe('failed');
    const reason = result.type === 'failed' ? result.reason : '';
    expect(reason).toContain('403');
    expect(reason).toContain('pods/exec');
    expect(reason).toContain('production');
  });

  it('handshake answered with HTTP 404 → failed saying the pod is gone', async () => {
    behaviour = { type: 'refuse', status: 404, body: '{"kind":"Status","reason":"NotFound","code":404}' };
    const result = await execInPod(kc, pod, 'probe', ['true'], { timeoutMs: 5000 });
    expect(result.type === 'failed' && result.reason).toContain('not found');
  });

  it('a server that never answers → our timeout fires', async () => {
    behaviour = { type: 'silent' };
    const started = Date.now();
    const result = await execInPod(kc, pod, 'probe', ['true'], { timeoutMs: 300 });
    expect(result).toEqual({ type: 'failed', reason: 'exec timed out after 300 ms', stdout: '', stderr: '' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a session that never sends a status → our timeout fires and the socket is terminated', async () => {
    let serverSawClose = false;
    behaviour = {
      type: 'session',
      protocol: 'v5.channel.k8s.io',
      script: (ws) => {
        ws.send(frame(1, 'waiting…'));
        ws.on('close', () => {
          serverSawClose = true;
        });
      },
    };
    const result = await execInPod(kc, pod, 'probe', ['sleep', '60'], { timeoutMs: 300 });
    expect(result).toEqual({ type: 'failed', reason: 'exec timed out after 300 ms', stdout: 'waiting…', stderr: '' });
    await expect.poll(() => serverSawClose, { timeout: 2000 }).toBe(true);
  });

  it('an abort signal ends the exec at once', async () => {
    behaviour = { type: 'session', protocol: 'v5.channel.k8s.io', script: () => undefined };
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('interrupted by SIGINT')), 100);
    const result = await execInPod(kc, pod, 'probe', ['sleep', '60'], { timeoutMs: 10_000, signal: controller.signal });
    expect(result).toEqual({ type: 'failed', reason: 'exec aborted: interrupted by SIGINT', stdout: '', stderr: '' });
  });

  it('an already aborted signal never connects', async () => {
    behaviour = { type: 'session', protocol: 'v5.channel.k8s.io', script: (ws) => ws.send(status({ status: 'Success' })) };
    const result = await execInPod(kc, pod, 'probe', ['true'], { timeoutMs: 5000, signal: AbortSignal.abort() });
    expect(result.type).toBe('failed');
    expect(seen).toHaveLength(0);
  });

  it('caps captured output', async () => {
    behaviour = {
      type: 'session',
      protocol: 'v5.channel.k8s.io',
      script: (ws) => {
        ws.send(frame(1, 'x'.repeat(100)));
        ws.send(status({ status: 'Success' }));
      },
    };
    const result = await execInPod(kc, pod, 'probe', ['yes'], { timeoutMs: 5000, maxOutputBytes: 10 });
    expect(result.stdout).toBe(`${'x'.repeat(10)}\n[kubeknock: 90 more bytes dropped]`);
  });
});

describe('KubeCluster.exec', () => {
  it('goes through the same adapter and counts the exec', async () => {
    behaviour = {
      type: 'session',
      protocol: 'v5.channel.k8s.io',
      script: (ws) => {
        ws.send(frame(1, 'ok\n'));
        ws.send(status({ status: 'Success' }));
      },
    };
    const cluster = createKubeCluster({ kc, server: kc.getCurrentCluster()?.server ?? '', context: 'local', source: 'flag' });
    const result = await cluster.exec(pod, 'probe', ['echo', 'ok'], { timeoutMs: 5000 });
    expect(result).toEqual({ type: 'exited', exitCode: 0, stdout: 'ok\n', stderr: '' });
    expect(cluster.stats()).toEqual({ apiRequests: 1, execs: 1 });
  });
});
