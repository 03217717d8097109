/**
 * Issue 18, item 5.2: a SIGTERM while an offline command writes its output. `discover -o FILE` left an
 * existing FILE at 0 bytes (it was truncated, then the process exited); `discover` to stdout said
 * "stopped" and exited 0 with the whole output; a second signal exited 130 talking about probe pods
 * that an offline command never makes. Output files are now written to a temporary file and renamed,
 * an interrupt always exits 130/143, and `-o` naming an input is refused.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeOutputFile } from '../../src/app/output-file.js';
import { REPO, runCli } from '../support/cli.js';
import { spawnCli } from '../support/spawn-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kk-interrupted-output-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const HOOK = pathToFileURL(join(REPO, 'test/support/term-on-write.mjs')).href;
const PREVIOUS = '# the scenario the user already had\n';

describe('SIGTERM while discover writes', () => {
  it('-o FILE: the existing file keeps its content (it was left at 0 bytes), exit 143, no temporary file left', async () => {
    const dir = mkdtempSync(join(scratch, 'o-'));
    const output = join(dir, 'scenario.yaml');
    writeFileSync(output, PREVIOUS);
    const { code, stderr } = await spawnCli(['discover', '-f', 'examples/microshop/', '-o', output], 'read', { NODE_OPTIONS: `--import=${HOOK}`, KK_TERM_ON: dir });
    expect(readFileSync(output, 'utf8'), 'the file given to -o').toBe(PREVIOUS);
    expect(readdirSync(dir)).toEqual(['scenario.yaml']);
    expect(stderr).toContain('kubeknock: SIGTERM received: stopped');
    expect(stderr).not.toContain('scenario written to');
    expect(code).toBe(143);
  }, 90_000);

  it('to stdout: exit 143 even though the whole scenario was printed (it exited 0)', async () => {
    const { code, stdout, stderr } = await spawnCli(['discover', '-f', 'examples/microshop/'], 'read', { NODE_OPTIONS: `--import=${HOOK}`, KK_TERM_ON: 'stdout' });
    expect(stdout).toContain('kind: Scenario');
    expect(stderr).toContain('kubeknock: SIGTERM received: stopped');
    expect(code).toBe(143);
  }, 90_000);
});

describe('a second SIGTERM', () => {
  it('in an offline command: exit 143, and no word of probe pods (it exited 130 "probe pods may be left behind")', async () => {
    const { code, stderr } = await spawnCli(['discover', '-f', 'examples/microshop/'], 'read', { NODE_OPTIONS: `--import=${HOOK}`, KK_TERM_ON: 'stdout-twice' });
    expect(stderr).toContain('kubeknock: SIGTERM again: exiting now\n');
    expect(stderr).not.toContain('may be left behind');
    expect(stderr).not.toContain('kubeknock cleanup');
    expect(code).toBe(143);
  }, 90_000);
});

describe('-o naming an input', () => {
  const dir = mkdtempSync(join(scratch, 'in-'));
  const manifest = join(dir, 'shop.yaml');
  copyFileSync(join(REPO, 'examples/microshop/app.yaml'), manifest);
  const original = readFileSync(manifest, 'utf8');
  symlinkSync(manifest, join(dir, 'link.yaml'));
  mkdirSync(join(dir, 'out'));

  for (const [name, output, input] of [
    ['the same path', manifest, manifest],
    ['a link to it', join(dir, 'link.yaml'), manifest],
    ['a file read from an input directory', manifest, dir],
  ] as const) {
    it(`is refused, exit 2, the input untouched: ${name}`, async () => {
      const { code, stderr } = await runCli(['discover', '-f', input, '-o', output]);
      expect(stderr).toContain(`kubeknock: -o ${output} is also an input (${input}): writing it would overwrite what is being read; write the output to another file`);
      expect(readFileSync(manifest, 'utf8')).toBe(original);
      expect(code).toBe(2);
    });
  }

  it('run --report naming its scenario is refused too', async () => {
    const scenario = join(dir, 'scenario.yaml');
    copyFileSync(join(REPO, 'test/scenario/fixtures/valid-postgres.yaml'), scenario);
    const { code, stderr } = await runCli(['run', scenario, '--report', scenario], { KUBECONFIG: '/nonexistent' });
    expect(readFileSync(scenario, 'utf8')).toBe(readFileSync(join(REPO, 'test/scenario/fixtures/valid-postgres.yaml'), 'utf8'));
    expect(stderr).toContain(`--report ${scenario} is also an input (${scenario})`);
    expect(code).toBe(2);
  });
});

describe('writeOutputFile', () => {
  it('replaces the file whole, keeps the mode of an existing file and writes through a link', async () => {
    const dir = mkdtempSync(join(scratch, 'w-'));
    const file = join(dir, 'report.json');
    writeFileSync(file, 'old', { mode: 0o640 });
    symlinkSync(file, join(dir, 'link.json'));
    await writeOutputFile(join(dir, 'link.json'), 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(dir).sort()).toEqual(['link.json', 'report.json']);
    const { statSync, lstatSync } = await import('node:fs');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
  });
});
