/**
 * A TCP relay in front of the test cluster's API server, so a test can make the API server
 * unreachable for kubeknock alone (the kubelet and the controllers keep their direct connection):
 * `cut()` drops every open connection and refuses new ones, `restore()` listens again on the same port.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export class ApiProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly target: { host: string; port: number },
    private port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<ApiProxy> {
    const proxy = new ApiProxy(target, 0);
    await proxy.listen();
    return proxy;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Every connection reset and the port closed: requests now fail with ECONNREFUSED. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
  }
}

/**
 * A copy of `kubeconfig` whose current cluster is reached through `serverUrl` (the API server's
 * certificate names 127.0.0.1, so TLS still verifies). Returns the file and a function removing it.
 */
export function kubeconfigVia(kubeconfig: string, serverUrl: string): { file: string; remove: () => void } {
  const config = parse(readFileSync(kubeconfig, 'utf8')) as { clusters: { cluster: { server: string } }[] };
  for (const entry of config.clusters) entry.cluster.server = serverUrl;
  const dir = mkdtempSync(join(tmpdir(), 'kk-proxy-'));
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, stringify(config), { mode: 0o600 });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** host and port of the current cluster's server in `kubeconfig`. */
export function apiServerAddress(kubeconfig: string): { host: string; port: number } {
  const config = parse(readFileSync(kubeconfig, 'utf8')) as { clusters: { cluster: { server: string } }[] };
  const url = new URL(config.clusters[0]?.cluster.server ?? '');
  return { host: url.hostname, port: Number(url.port || 443) };
}
