/**
 * Before the unit tests: the real BusyBox the output-classification tests need, built and cached when
 * missing (so `npm ci && npm test` works on a fresh machine), and a dist/ as new as src/ (some tests
 * run the built CLI as a process, the way a user does).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { busyboxCacheDir, cachedBusybox } from './support/busybox.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));

export default function setup(): void {
  ensureBusybox();
  ensureBuilt();
}

function ensureBusybox(): void {
  if (process.env['KUBEKNOCK_BUSYBOX'] || cachedBusybox() !== undefined) return;
  const cache = busyboxCacheDir();
  const missing = [
    process.getuid?.() === 0 ? undefined : 'root (it adds a deb-src entry and installs build tools)',
    ['/usr/bin/apt-get', '/bin/apt-get'].some(existsSync) ? undefined : 'apt-get (it fetches Debian’s busybox source)',
  ].filter((what) => what !== undefined);
  if (missing.length > 0) {
    throw new Error(
      `no BusyBox build under ${cache}, and building one here needs ${missing.join(' and ')}. Run "sudo bash test/busybox/build.sh" once (KUBEKNOCK_CACHE moves the cache), or set KUBEKNOCK_BUSYBOX to a static defconfig busybox binary.`,
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
  if (builtAt > 0 && assetsAt > 0 && newestMtime(join(REPO, 'src')) <= Math.min(builtAt, assetsAt)) return;
  process.stderr.write('npm test: dist/ is older than src/; building (npm run build)\n');
  execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.json')], { stdio: 'inherit' });
  // The scripts and style -o html inlines (src/report/html/*.js, *.css, and the bundled libraries).
  execFileSync(process.execPath, [join(REPO, 'scripts/build-html-assets.mjs')], { stdio: 'inherit' });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
