import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const FLOWS = 'test/fixtures/flows/valid-obsdemo.yaml';
// The fixture was observed on 2026-12-07: any age, so the test does not expire.
const ANY_AGE = ['--flows-max-age', '0'];

describe('kubeknock propose', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeknock-propose-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the proposal of the observed namespace to stdout and a summary to stderr', async () => {
    const result = await runCli(['propose', '--flows', FLOWS, ...ANY_AGE]);
    expect(result.stderr).toBe(
      'obsdemo: 6 policies (default deny, DNS, 4 workloads) from 4 flows\n' +
        'Review the policies before applying them; check them with kubeknock diff --flows and roll them out with kubeknock rollout --flows.\n',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`# NetworkPolicies for namespace obsdemo, PROPOSED by \`kubeknock propose\` from ${FLOWS}:`);
    expect(result.stdout.match(/^kind: NetworkPolicy$/gm)).toHaveLength(6);
  });

  it('with -o DIR writes one file per namespace, the same bytes as stdout, and the same bytes on every run', async () => {
    const dir = tempDir();
    const first = await runCli(['propose', '--flows', FLOWS, ...ANY_AGE, '-o', join(dir, 'out')]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    expect(readdirSync(join(dir, 'out'))).toEqual(['kubeknock-proposed-obsdemo.yaml']);
    const written = readFileSync(join(dir, 'out', 'kubeknock-proposed-obsdemo.yaml'), 'utf8');
    expect(written).toBe((await runCli(['propose', '--flows', FLOWS, ...ANY_AGE])).stdout);
    await runCli(['propose', '--flows', FLOWS, ...ANY_AGE, '-o', join(dir, 'out')]);
    expect(readFileSync(join(dir, 'out', 'kubeknock-proposed-obsdemo.yaml'), 'utf8')).toBe(written);
  });

  it('with -f checks the selectors against the manifests\' workloads and says so', async () => {
    const result = await runCli(['propose', '--flows', FLOWS, ...ANY_AGE, '-f', 'test/fixtures/flows/captured/']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('#   obsdemo/postgres: app=postgres: its only stable label, and it selects it alone among the 4 workloads of obsdemo known from the flows and the manifests.');
    expect(result.stdout).not.toContain('checked against the workloads seen in the flows only');
  });

  it.each([
    [['propose'], /Give the flows file to propose from with --flows FILE/],
    [['propose', '--flows', FLOWS, ...ANY_AGE, '-n', 'shop'], /-n shop: test\/fixtures\/flows\/valid-obsdemo.yaml did not observe that namespace \(it observed obsdemo\)/],
    [['propose', '--flows', 'test/fixtures/flows/invalid-yaml-syntax.yaml', ...ANY_AGE], /invalid-yaml-syntax.yaml is not a flows file/],
    [['propose', '--flows', FLOWS, '--flows-max-age', '1s'], /is too old to trust/],
    [['propose', '--flows', FLOWS, ...ANY_AGE, '-f', 'x.yaml', '--from-cluster'], /Use either -f or --from-cluster, not both/],
  ])('refuses %j with exit 2 and writes nothing', async (argv, message) => {
    const result = await runCli(argv);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('refuses -o naming a file', async () => {
    const file = join(tempDir(), 'proposal.yaml');
    writeFileSync(file, 'keep me\n');
    const result = await runCli(['propose', '--flows', FLOWS, ...ANY_AGE, '-o', file]);
    expect(result.stderr).toContain('is a file; propose writes one file per namespace into a directory');
    expect(result.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
  });
});
