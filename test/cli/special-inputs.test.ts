/**
 * Issue 9, item 8: a lone "-" was dropped without a word (`validate -` exit 0, `run - -o junit`
 * "0/0 checks passed"), and a FIFO given as a scenario hung even through a second Ctrl-C. Each is now
 * refused with exit 2 and a message that says what to do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateFiles } from '../../src/app/validate.js';
import { loadScenarios } from '../../src/scenario/load.js';
import { runCli } from '../support/cli.js';
import { spawnCli } from '../support/spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kk-special-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fifo = join(dir, 'scenario.yaml');
execFileSync('mkfifo', [fifo]);

const STDIN = 'kubeknock: a lone "-" (standard input) is not supported: kubeknock reads scenarios and manifests from files only; save the input to a file and pass its path\nRun "kubeknock --help" for usage.\n';
const FIFO = 'is a FIFO (named pipe), not a regular file; kubeknock reads only regular files: save the content to a file and pass its path';

describe('a lone "-"', () => {
  for (const argv of [['validate', '-'], ['run', '-', '-o', 'junit'], ['run', '-', '--dry-run'], ['manifests', 'cronjob', '-', '--image', 'x:1'], ['lint', '-f', '-'], ['doctor', '-']]) {
    it(`is refused: ${argv.join(' ')}`, async () => {
      const { code, stdout, stderr } = await runCli(argv, { KUBECONFIG: '/nonexistent' });
      expect(stderr).toBe(STDIN);
      expect(stdout).toBe('');
      expect(code).toBe(2);
    });
  }
});

describe('no scenario file at all', () => {
  it('is refused by every loader, never a pass over nothing', async () => {
    await expect(validateFiles([])).rejects.toThrow('no scenario files given: name at least one scenario file (YAML)');
    await expect(loadScenarios([])).rejects.toThrow('no scenario files given: name at least one scenario file (YAML)');
  });

  it('an empty file name says so', async () => {
    const { code, stderr } = await runCli(['validate', '']);
    expect(code).toBe(2);
    expect(stderr).toContain(': an empty file name; name a scenario file');
  });
});

describe('a FIFO or a device', () => {
  // The built CLI as a process: on the old code these hung until the test's own timeout.
  for (const [name, argv] of [
    ['validate', ['validate', fifo]],
    ['run --dry-run', ['run', fifo, '--dry-run']],
    ['manifests', ['manifests', 'cronjob', fifo, '--image', 'x:1']],
    ['predict -f', ['predict', '-f', fifo]],
  ] as const) {
    it(`is refused at once: ${name}`, async () => {
      const started = Date.now();
      const { code, stderr } = await spawnCli(argv, 'read');
      expect(stderr).toContain(`${fifo}: ${FIFO}`);
      expect(code).toBe(2);
      expect(Date.now() - started).toBeLessThan(10_000);
    }, 20_000);
  }

  it('a character device is refused too', async () => {
    const { code, stderr } = await runCli(['validate', '/dev/zero']);
    expect(code).toBe(2);
    expect(stderr).toContain('/dev/zero: is a device, not a regular file');
  });
});
