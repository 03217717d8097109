/**
 * The real Prometheus parts the metrics tests run against, built from the Go module proxy by
 * test/metrics/build.sh and cached under KUBEKNOCK_CACHE (a fresh machine builds them once, in a few
 * minutes; later runs find them). The tests fail, not skip, without Go: the exposition is only proven
 * by Prometheus' own parser, the push only by a real Pushgateway.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const BUILD = fileURLToPath(new URL('../metrics/build.sh', import.meta.url));

export interface PrometheusTools {
  readonly pushgateway: string;
  readonly promcheck: string;
}

let built: PrometheusTools | undefined;

/** Builds or finds both binaries; slow only the first time on a machine. */
export function prometheusTools(): PrometheusTools {
  if (built) return built;
  let out: string;
  try {
    out = execFileSync('bash', [BUILD], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const log = String((error as { stderr?: string }).stderr ?? '').trimEnd().split('\n').slice(-20).join('\n');
    throw new Error(`test/metrics/build.sh failed (it needs Go >= 1.24 and the Go module proxy); the end of its log:\n${log}`, { cause: error });
  }
  const [pushgateway, promcheck] = out.trim().split('\n').slice(-2);
  if (!pushgateway || !promcheck) throw new Error(`test/metrics/build.sh printed no binary paths: ${out}`);
  built = { pushgateway, promcheck };
  return built;
}

export interface Parsed {
  readonly types: Record<string, string>;
  readonly help: Record<string, string>;
  readonly samples: readonly { readonly name: string; readonly labels: Record<string, string>; readonly value: string }[];
}

/** Prometheus' parser's reading of an exposition; throws with the parser's message when it rejects it. */
export function promcheck(text: string, format: 'text' | 'openmetrics'): Parsed {
  try {
    return JSON.parse(execFileSync(prometheusTools().promcheck, [format], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })) as Parsed;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new Error(`Prometheus' ${format} parser rejected the exposition: ${stderr || String(error)}`, { cause: error });
  }
}

export interface RunningPushgateway {
  readonly url: string;
  stop(): Promise<void>;
}

/** A Pushgateway on 127.0.0.1 at a free port, in memory (no persistence file); ready when this resolves. */
export async function startPushgateway(): Promise<RunningPushgateway> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(prometheusTools().pushgateway, [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
  // Bounded wait for /-/ready: 200 tries, 50 ms apart.
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) break;
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`the Pushgateway did not become ready on ${url}; its log:\n${log}`);
}

/** A port on 127.0.0.1 nobody listened on a moment ago (also: a port where a connection is refused). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
