/**
 * Locates the real BusyBox the probe tests run against and runs scripts with it. The tests must fail,
 * not skip, when it is missing: classification is only proven by the real binary's messages.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { findHostTool, NETWORK_TEST_TOOLS } from './host-packages.js';

/** Where test/busybox/build.sh caches its builds: the same KUBEKNOCK_CACHE rule as every cache here. */
export function busyboxCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['KUBEKNOCK_CACHE'] || '/var/cache/kubeknock', 'busybox');
}
const HINT = 'run `bash test/busybox/build.sh` (npm test does it when the cache is empty; it prints the binary path) or set KUBEKNOCK_BUSYBOX';

/** Compares dotted versions numerically, so 1.36.1 sorts after 1.35.0 and 1.100 after 1.99. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** KUBEKNOCK_BUSYBOX, else the newest cached build; throws with the build hint when there is none. */
export function busyboxPath(): string {
  const fromEnv = process.env['KUBEKNOCK_BUSYBOX'];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`KUBEKNOCK_BUSYBOX=${fromEnv} does not exist; ${HINT}`);
    return fromEnv;
  }
  const found = cachedBusybox();
  if (found === undefined) throw new Error(`no BusyBox build found under ${busyboxCacheDir()}; ${HINT}`);
  return found;
}

/** The newest cached build, if any. */
export function cachedBusybox(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const cache = busyboxCacheDir(env);
  const versions = existsSync(cache)
    ? readdirSync(cache).filter((v) => existsSync(join(cache, v, 'busybox'))).sort(compareVersions)
    : [];
  const newest = versions.at(-1);
  return newest === undefined ? undefined : join(cache, newest, 'busybox');
}

export interface AppletDir {
  /** Directory of `<applet> -> busybox` symlinks (and `busybox` itself unless left out). */
  readonly dir: string;
  readonly busybox: string;
  remove(): void;
}

/**
 * Makes every applet callable by name, as in the official image where /bin holds them all. Only this
 * directory goes into PATH, so no host tool can stand in for a missing applet.
 */
export function createAppletDir(options: { readonly withBusyboxLink?: boolean } = {}): AppletDir {
  // Outside /tmp, so a test can mount a private tmpfs there (as a pod's emptyDir) and still find the
  // applets; world-readable, so scripts run as 65534 can use them.
  const dir = mkdtempSync('/var/tmp/kk-applets-');
  chmodSync(dir, 0o755);
  // A copy, not the cached binary itself: the cache may sit in a directory only root can enter (an
  // empty KUBEKNOCK_CACHE from `mktemp -d` is 0700), and scripts run as 65534 must still exec it. The
  // copy's own directory stays out of PATH, so `withBusyboxLink: false` really hides `busybox`.
  mkdirSync(join(dir, '.busybox'), { mode: 0o755 });
  const busybox = join(dir, '.busybox', 'busybox');
  copyFileSync(busyboxPath(), busybox);
  chmodSync(busybox, 0o755);
  const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) symlinkSync(busybox, join(dir, applet));
  if (options.withBusyboxLink ?? true) symlinkSync(busybox, join(dir, 'busybox'));
  return { dir, busybox, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ScriptRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly wallMs: number;
}

export interface RunOptions {
  /** Run inside this network namespace (`ip netns exec`), so /etc/netns/<ns>/resolv.conf applies. */
  readonly netns?: string;
  /** Run as this uid/gid (setpriv), like the probe pods' 65534. */
  readonly uid?: number;
  readonly timeoutMs?: number;
  /**
   * Run in a private mount namespace whose /tmp is a read-only tmpfs: a pod whose image or security
   * context leaves it no writable /tmp.
   */
  readonly readOnlyTmp?: boolean;
}

/** Absolute path of a host tool: the scripts' PATH holds only applets, so names alone would not resolve. */
export function hostTool(name: string): string {
  const path = findHostTool(name);
  if (path !== undefined) return path;
  const known = NETWORK_TEST_TOOLS.find((tool) => tool.command === name);
  throw new Error(`${name} not found on this machine (apt-get install ${known?.debianPackage ?? name}; npm test installs it when run as root)`);
}

/** The argv that runs `busybox sh -c script`, wrapped for a namespace and user when asked. */
export function shellArgv(applets: AppletDir, script: string, options: RunOptions = {}): string[] {
  let argv = [applets.busybox, 'sh', '-c', script];
  if (options.uid !== undefined) {
    argv = [hostTool('setpriv'), `--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups', ...argv];
  }
  if (options.readOnlyTmp) {
    const [first, ...rest] = argv;
    const inner = `mount -t tmpfs -o ro kk-ro-tmp /tmp || exit 99\nexec "$@"`;
    argv = [hostTool('unshare'), '--mount', '--propagation', 'private', applets.busybox, 'sh', '-c', inner, 'read-only-tmp', first ?? applets.busybox, ...rest];
  }
  if (options.netns !== undefined) argv = [hostTool('ip'), 'netns', 'exec', options.netns, ...argv];
  return argv;
}

/** Runs a script with the real BusyBox sh, only the applet dir in PATH. */
export function runScript(applets: AppletDir, script: string, options: RunOptions = {}): Promise<ScriptRun> {
  const [command, ...args] = shellArgv(applets, script, options);
  if (command === undefined) throw new Error('empty argv');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { PATH: applets.dir, HOME: '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 20_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (exitCode, signal) =>
      resolve({ stdout, stderr, exitCode, signal, wallMs: performance.now() - started }),
    );
  });
}
