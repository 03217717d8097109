/** `kubeknock report FILE -o FORMAT`: a saved JSON report in every format, and every bad file refused with exit 2. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderJson, renderJsonLines } from '../../src/report/json.js';
import { REPORT_FORMATS } from '../../src/report/format.js';
import { runCli } from '../support/cli.js';
import { allPass, mixed } from '../report/fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'kk-report-cmd-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

describe('kubeknock report', () => {
  const saved = file('mixed.json', renderJson(mixed));

  it.each(REPORT_FORMATS)('converts a run -o json report to %s', async (format) => {
    const { code, stdout, stderr } = await runCli(['report', saved, '-o', format]);
    expect(code, `exit 0 (stderr: ${stderr})`).toBe(0);
    expect(stdout.length).toBeGreaterThan(50);
  });

  it('gives the same JSON back that it read', async () => {
    const { stdout } = await runCli(['report', saved, '-o', 'json']);
    expect(stdout).toBe(readFileSync(saved, 'utf8'));
  });

  it('reads JSON Lines (several runs, or the steps of one) as one report of several sections', async () => {
    const lines = file('two.jsonl', renderJsonLines([allPass, mixed]));
    const { code, stdout } = await runCli(['report', lines, '-o', 'dot']);
    expect(code).toBe(0);
    expect(stdout.match(/^digraph /gm)).toHaveLength(2);
  });

  it.each([
    ['a file of another tool', '{"tool":{"name":"netassert"},"checks":[]}', /tool\.name: expected "kubeknock" \(got "netassert"\): this is not a kubeknock report/],
    ['a newer schema', renderJson(mixed).replace('"schemaVersion": 1', '"schemaVersion": 2'), /schemaVersion: the report has schema 2 \(written by kubeknock 0\.1\.0\); this kubeknock reads up to schema 1: upgrade kubeknock/],
    ['a truncated file', renderJson(mixed).slice(0, 400), /not complete JSON .*the file looks cut short \(truncated\)/],
    ['an empty file', '', /the file is empty/],
    ['a file that is not JSON at all', '# kubeknock\n\nA README.\n', /not JSON, so not a kubeknock report; give a JSON report written by kubeknock run -o json/],
    ['JSON that is not a report', '[1,2,3]', /a report is a JSON object/],
    ['a report with broken checks', renderJson(mixed).replace('"status": "fail"', '"status": "maybe"'), /checks\[0\]\.status: expected pass, fail or skipped/],
  ])('refuses %s with exit 2 and says why', async (_what, text, message) => {
    const path = file('bad.json', text);
    const { code, stdout, stderr } = await runCli(['report', path, '-o', 'html']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('refuses a file it cannot read, naming it', async () => {
    const { code, stderr } = await runCli(['report', join(scratch, 'nope.json')]);
    expect(code).toBe(2);
    expect(stderr).toContain(`cannot read the report ${join(scratch, 'nope.json')} (ENOENT)`);
  });

  it('says so, exit 2, when the output cannot be written, and still tells how the run ended', async () => {
    const { code, stderr } = await runCli(['report', saved, '-o', 'html', '--out', join(scratch, 'no-such-dir', 'r.html')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot write the report to .*no-such-dir\/r\.html \(ENOENT\).*; the run in .*mixed\.json itself ended with exit code 1/);
  });

  it('never puts a kubeconfig secret into the HTML, whatever the environment holds', async () => {
    const secret = 'kk-secret-token-5e3c9a';
    const kubeconfig = file(
      'kubeconfig',
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]\nusers: [{name: u, user: {token: ${secret}, client-key-data: ${secret}}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
    );
    const out = join(scratch, 'secret.html');
    const { code } = await runCli(['report', saved, '-o', 'html', '--out', out], { KUBECONFIG: kubeconfig, KUBEKNOCK_TOKEN: secret });
    expect(code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toContain(secret);
    expect(html, 'no kubeconfig fields at all').not.toMatch(/client-key-data|"token"|certificate-authority/);
    expect(html, 'the cluster is named by its server only, as the report has it').toContain('kubeknock');
  });
});
