/**
 * Issue 18, item 1: start-up is module loading, so an offline command must not load what only other
 * commands need: the Kubernetes client (most of the old start-up), Ajv's schema compiler (the
 * validator is compiled at build time), the spinner. Checked on the BUILT CLI by recording every
 * module it imports; the time itself is measured by `npm run bench:startup`, not here.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.js';

/** A loader hook that prints each module URL the CLI imports on stderr, one per line. */
const HOOKS = `export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  process._rawDebug('IMPORTED ' + result.url);
  return result;
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;

function importsOf(args: readonly string[]): string[] {
  const result = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, join(REPO, 'bin/kubeknock'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/nonexistent', NO_COLOR: '1' },
    timeout: 60_000,
  });
  expect([0, 1], `kubeknock ${args.join(' ')} exited ${String(result.status)}: ${result.stderr}`).toContain(result.status);
  return result.stderr.split('\n').flatMap((line) => (line.startsWith('IMPORTED ') ? [line.slice('IMPORTED '.length)] : []));
}

const HEAVY = ['node_modules/@kubernetes/client-node/', 'node_modules/ajv/dist/ajv.js', 'node_modules/ora/', 'dist/cluster/'];

describe('what an offline command loads', () => {
  it.each([
    ['--help', ['--help']],
    ['validate', ['validate', 'scenarios/three-tier.yaml']],
    ['lint', ['lint', '-f', 'scenarios/three-tier/']],
    ['explain', ['explain', '-f', 'scenarios/three-tier/', '--from', 'shop/frontend', '--from-labels', 'app=frontend', '--to', 'shop/backend', '--to-labels', 'app=backend', '--port', '8080']],
  ])('%s loads neither the cluster client, nor the schema compiler, nor the spinner', (_name, args) => {
    const imported = importsOf(args);
    expect(imported.some((url) => url.includes('/dist/cli/main.js')), 'the hook saw the CLI load').toBe(true);
    expect(imported.filter((url) => HEAVY.some((heavy) => url.includes(heavy)))).toEqual([]);
  });

  // `report` converts saved reports; its use case reaches every renderer and the run use case, about
  // 140 modules that a static import in its command file made every command load at start-up.
  it.each([
    ['validate', ['validate', 'scenarios/three-tier.yaml']],
    ['lint', ['lint', '-f', 'scenarios/three-tier/']],
    ['explain', ['explain', '-f', 'scenarios/three-tier/', '--from', 'shop/frontend', '--from-labels', 'app=frontend', '--to', 'shop/backend', '--to-labels', 'app=backend', '--port', '8080']],
  ])('%s loads neither the report renderers nor the run use case', (_name, args) => {
    const imported = importsOf(args);
    expect(imported.some((url) => url.includes('/dist/cli/main.js')), 'the hook saw the CLI load').toBe(true);
    const renderers = ['dist/app/convert-report.js', 'dist/app/run.js', 'dist/report/format.js', 'dist/report/table.js', 'dist/report/junit.js', 'dist/report/html/', 'node_modules/cli-table3/'];
    expect(imported.filter((url) => renderers.some((renderer) => url.includes(renderer)))).toEqual([]);
  });

  it.each([[['--version']], [['--help']], [['help']], [['run', '--help']], [['--help', 'validate']]])('%j loads no argument parser at all', (args) => {
    const imported = importsOf(args);
    expect(imported.some((url) => url.includes('/dist/cli/main.js'))).toBe(true);
    expect(imported.filter((url) => url.includes('node_modules/'))).toEqual([]);
  });
});
