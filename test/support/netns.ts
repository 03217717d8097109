/**
 * A private two-namespace network for the probe tests: probes run in `kk-test-<pid>` and reach exactly
 * one address, the veth peer in `kk-test-<pid>-srv`, where the servers and the DROP/REJECT rules live.
 * Neither namespace has a default route and the host's own namespace and firewall are never touched,
 * so no probe packet can leave the machine. IPv4 addresses come from 198.18.0.0/15 (benchmark
 * testing), IPv6 ones from the unique-local fd00:beef:N::/64 (N from the pid, so parallel workers never
 * share one); IPv6 addresses are added `nodad`, usable at once.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostTool } from './busybox.js';

export interface TestNetwork {
  /** Namespace the probes run in. */
  readonly clientNs: string;
  /** Namespace of the servers and firewall rules. */
  readonly serverNs: string;
  readonly clientAddress: string;
  /** The only address probes may target. */
  readonly serverAddress: string;
  readonly clientAddress6: string;
  /** The server's IPv6 address on the shared link (`fd00:beef:N::1`). */
  readonly serverAddress6: string;
  /** `fd00:beef:N::<suffix>`, in the link's prefix. */
  ipv6(suffix: string): string;
  /** Adds another address of the link's IPv6 prefix to the server end. */
  addServerAddress6(address: string): void;
  /**
   * An address of the server namespace (on its loopback) in a prefix the client has no route to:
   * a missing route, with no packet ever sent.
   */
  readonly unroutedAddress6: string;
  /** Runs a host tool (iptables, sysctl, …) inside the server namespace and returns its stdout. */
  inServer(argv: readonly string[]): string;
  /** Starts a long-running process in the server namespace; stopped by destroy(). */
  spawnInServer(argv: readonly string[], options?: { readonly uid?: number; readonly env?: NodeJS.ProcessEnv }): ChildProcess;
  /** Points the client namespace's /etc/resolv.conf (bind-mounted by `ip netns exec`) at `nameserver`. */
  setResolver(nameserver: string): void;
  destroy(): void;
}

function run(argv: readonly string[]): string {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('empty argv');
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Best-effort teardown step: cleanup must go on even when one step fails. */
function tryRun(argv: readonly string[]): void {
  try {
    run(argv);
  } catch {
    // Already gone, or never created.
  }
}

export function createTestNetwork(): TestNetwork {
  const ip = hostTool('ip');
  hostTool('iptables'); // fail early with the install hint
  const clientNs = `kk-test-${process.pid}`;
  const serverNs = `${clientNs}-srv`;
  // One /30 per process, so parallel test files in other workers never share a subnet.
  const subnet = `198.18.${process.pid % 256}`;
  const clientAddress = `${subnet}.2`;
  const serverAddress = `${subnet}.1`;
  const prefix6 = `fd00:beef:${(process.pid % 0x10000).toString(16)}`;
  const ipv6 = (suffix: string): string => `${prefix6}::${suffix}`;
  const clientAddress6 = ipv6('2');
  const serverAddress6 = ipv6('1');
  const unroutedAddress6 = `${prefix6}:1::1`;
  const children: ChildProcess[] = [];
  const etcDir = `/etc/netns/${clientNs}`;

  const pidsInNamespaces = (): number[] =>
    [clientNs, serverNs].flatMap((ns) => {
      try {
        return run([ip, 'netns', 'pids', ns]).split('\n').filter((p) => /^\d+$/.test(p)).map(Number);
      } catch {
        return []; // no such namespace
      }
    });
  const signal = (pids: readonly number[], sig: NodeJS.Signals): void => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // Already gone.
      }
    }
  };

  const destroy = (): void => {
    // TERM first so scripts run their cleanup traps, then KILL whatever is left, grandchildren (httpd
    // under a shell) included: nothing may outlive the namespaces.
    const running = pidsInNamespaces();
    if (running.length > 0) {
      signal(running, 'SIGTERM');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      signal(pidsInNamespaces(), 'SIGKILL');
    }
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    tryRun([ip, 'netns', 'del', clientNs]);
    tryRun([ip, 'netns', 'del', serverNs]);
    rmSync(etcDir, { recursive: true, force: true });
  };

  destroy(); // leftovers of a crashed run with the same pid
  try {
    run([ip, 'netns', 'add', clientNs]);
    run([ip, 'netns', 'add', serverNs]);
    // Both ends are created directly inside the namespaces: no interface ever appears on the host.
    run([ip, '-n', clientNs, 'link', 'add', 'kkc0', 'type', 'veth', 'peer', 'name', 'kks0', 'netns', serverNs]);
    run([ip, '-n', clientNs, 'addr', 'add', `${clientAddress}/30`, 'dev', 'kkc0']);
    run([ip, '-n', serverNs, 'addr', 'add', `${serverAddress}/30`, 'dev', 'kks0']);
    run([ip, '-n', clientNs, 'addr', 'add', `${clientAddress6}/64`, 'dev', 'kkc0', 'nodad']);
    run([ip, '-n', serverNs, 'addr', 'add', `${serverAddress6}/64`, 'dev', 'kks0', 'nodad']);
    run([ip, '-n', serverNs, 'addr', 'add', `${unroutedAddress6}/64`, 'dev', 'lo', 'nodad']);
    for (const [ns, dev] of [[clientNs, 'kkc0'], [serverNs, 'kks0']] as const) {
      run([ip, '-n', ns, 'link', 'set', 'lo', 'up']);
      run([ip, '-n', ns, 'link', 'set', dev, 'up']);
    }
    mkdirSync(etcDir, { recursive: true });
    // Until a test says otherwise, the resolver is a dead address inside the test network.
    writeFileSync(`${etcDir}/resolv.conf`, `nameserver ${serverAddress}\n`);
  } catch (error) {
    destroy();
    throw error;
  }

  return {
    clientNs,
    serverNs,
    clientAddress,
    serverAddress,
    clientAddress6,
    serverAddress6,
    ipv6,
    addServerAddress6: (address) => {
      run([ip, '-n', serverNs, 'addr', 'add', `${address}/64`, 'dev', 'kks0', 'nodad']);
    },
    unroutedAddress6,
    inServer: (argv) => {
      const [tool, ...args] = argv;
      if (tool === undefined) throw new Error('empty argv');
      return run([ip, 'netns', 'exec', serverNs, tool.startsWith('/') ? tool : hostTool(tool), ...args]);
    },
    spawnInServer: (argv, options = {}) => {
      const user = options.uid === undefined ? [] : [hostTool('setpriv'), `--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups'];
      const child = spawn(ip, ['netns', 'exec', serverNs, ...user, ...argv], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: options.env ?? {},
      });
      children.push(child);
      return child;
    },
    setResolver: (nameserver) => writeFileSync(`${etcDir}/resolv.conf`, `nameserver ${nameserver}\n`),
    destroy,
  };
}

/** Sends SIGTERM to a running child and says how it exited and how long that took. */
export function terminate(child: ChildProcess): Promise<{ readonly code: number | null; readonly ms: number }> {
  return new Promise((resolve) => {
    const sent = performance.now();
    child.once('exit', (code) => resolve({ code, ms: performance.now() - sent }));
    child.kill('SIGTERM');
  });
}
