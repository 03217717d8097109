/**
 * Before the unit tests, so that `npm ci && npm test` is enough on a fresh Debian machine (as root):
 * the Debian packages of the network tests (iproute2, iptables, …), installed when missing; the real
 * BusyBox the output-classification tests need, built and cached when missing; the real Pushgateway
 * and Prometheus' parsers the metrics tests need (likewise, once, before the test files run in
 * parallel; they need Go); and a dist/ as new as src/ (some tests run the built CLI as a process, the
 * way a user does).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { busyboxCacheDir, cachedBusybox } from './support/busybox.js';
import { findHostTool, missingPackages, NETWORK_TEST_TOOLS } from './support/host-packages.js';
import { prometheusTools } from './support/prometheus-tools.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));

export default function setup(): void {
  ensureHostTools();
  ensureBusybox();
  prometheusTools();
  ensureBuilt();
}

/** The network tools of the root-only namespace tests (iproute2, iptables, …), installed when missing. */
function ensureHostTools(): void {
  const packages = missingPackages(NETWORK_TEST_TOOLS, (command) => findHostTool(command) !== undefined);
  if (packages.length === 0) return;
  const blockers = installBlockers();
  if (blockers.length > 0) {
    throw new Error(`the network tests need ${packages.join(', ')}, and installing them here needs ${blockers.join(' and ')}. Run "sudo apt-get install ${packages.join(' ')}" once.`);
  }
  process.stderr.write(`npm test: installing the network tests' Debian packages: ${packages.join(' ')}\n`);
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10 * 60_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10 * 60_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (error) {
    const log = String((error as { stderr?: Buffer }).stderr ?? '').trimEnd().split('\n').slice(-20).join('\n');
    throw new Error(`apt-get install ${packages.join(' ')} failed:\n${log}`, { cause: error });
  }
  const still = missingPackages(NETWORK_TEST_TOOLS, (command) => findHostTool(command) !== undefined);
  if (still.length > 0) throw new Error(`apt-get installed ${packages.join(' ')}, yet the tools of ${still.join(', ')} are still missing`);
}

/** Why this process cannot install Debian packages, if it cannot. */
function installBlockers(): string[] {
  return [
    process.getuid?.() === 0 ? undefined : 'root',
    ['/usr/bin/apt-get', '/bin/apt-get'].some(existsSync) ? undefined : 'apt-get',
  ].filter((what) => what !== undefined);
}

function ensureBusybox(): void {
  if (process.env['KUBEKNOCK_BUSYBOX'] || cachedBusybox() !== undefined) return;
  const cache = busyboxCacheDir();
  const missing = installBlockers();
  if (missing.length > 0) {
    throw new Error(
      `no BusyBox build under ${cache}, and building one here needs ${missing.join(' and ')} (it adds a deb-src entry, installs build tools and fetches Debian’s busybox source). Run "sudo bash test/busybox/build.sh" once (KUBEKNOCK_CACHE moves the cache), or set KUBEKNOCK_BUSYBOX to a static defconfig busybox binary.`,
    );
  }
  process.stderr.write(`npm test: no BusyBox under ${cache}; building it once with test/busybox/build.sh (about a minute)\n`);
  try {
    // Its log (apt, hundreds of `make defconfig` lines) matters only when the build fails.
    execFileSync('bash', [join(REPO, 'test/busybox/build.sh')], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const log = String((error as { stderr?: Buffer }).stderr ?? '').trimEnd().split('\n').slice(-30).join('\n');
    throw new Error(`test/busybox/build.sh failed; the end of its log:\n${log}`, { cause: error });
  }
  if (cachedBusybox() === undefined) throw new Error(`test/busybox/build.sh finished but left no busybox under ${cache}`);
}

function ensureBuilt(): void {
  const built = join(REPO, 'dist/cli/entry.js');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const assets = join(REPO, 'dist/report/html-assets.json');
  const assetsAt = existsSync(assets) ? statSync(assets).mtimeMs : 0;
  const help = join(REPO, 'dist/cli/help-texts.json');
  const helpAt = existsSync(help) ? statSync(help).mtimeMs : 0;
  if (builtAt > 0 && assetsAt > 0 && helpAt > 0 && newestMtime(join(REPO, 'src')) <= Math.min(builtAt, assetsAt, helpAt)) return;
  process.stderr.write('npm test: dist/ is older than src/; building (npm run build)\n');
  execFileSync(process.execPath, [join(REPO, 'scripts/compile-scenario-schema.mjs')], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.json')], { stdio: 'inherit' });
  // The scripts and style -o html inlines (src/report/html/*.js, *.css, and the bundled libraries).
  execFileSync(process.execPath, [join(REPO, 'scripts/build-html-assets.mjs')], { stdio: 'inherit' });
  // The help texts the fast path prints (rendered by the built parser, so after tsc).
  execFileSync(process.execPath, [join(REPO, 'scripts/render-help.mjs')], { stdio: 'inherit' });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
