/**
 * Issue 9, item 8: values from scenarios, manifests and file names are quoted in messages with their
 * control characters made visible, so a value with a newline cannot forge an "ok" line and an escape
 * sequence cannot recolour the terminal (validate, explain, predict, lint).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kk-ctl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

const ESC = '\u001b';
const scenarioText = (to: string) => `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: x}
spec:
  actors:
    a: {namespace: default}
    b: {namespace: default, listen: [80]}
  checks:
    - {from: a, to: "${to}", expect: allow}
`;
const manifests = write(
  'hostile.yaml',
  `apiVersion: v1
kind: Pod
metadata: {name: "p\\nq.yaml: ok \\e[31m", namespace: "d\\e[0m", labels: {app: x}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: "np\\n✓ no findings\\e[1m", namespace: default}
spec: {podSelector: {matchLabels: {app: none}}}
`,
);

/** Every line of kubeknock's output must be one it wrote: no raw escape, no line a value started. */
function expectClean(text: string, forged: RegExp): void {
  expect(text).not.toContain(ESC);
  expect(text.split('\n').filter((line) => forged.test(line)), `no output line may start with a forged text:\n${text}`).toEqual([]);
}

describe('control characters in messages', () => {
  it('validate: in a field value and in a file name', async () => {
    const bad = write('bad.yaml', scenarioText('b\\n  ok: forged\\e[32m:80'));
    const { code, stderr } = await runCli(['validate', bad]);
    expect(code).toBe(2);
    expect(stderr).toContain(`spec.checks[0].to: "b\\n  ok: forged\\x1b[32m:80" is not a target reference`);
    expectClean(stderr, /^\s*ok: forged/);

    const forgedName = write('a.yaml\nevil.yaml: ok — scenario "x", 9 actor(s), 9 check(s)', scenarioText('b:80'));
    const ok = await runCli(['validate', forgedName]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`${join(dir, 'a.yaml')}\\nevil.yaml: ok — scenario "x", 9 actor(s), 9 check(s): ok — scenario "x", 2 actor(s), 1 check(s)\n`);
  });

  it('predict: pod names in the table', async () => {
    const { code, stdout } = await runCli(['predict', '-f', manifests]);
    expect(code).toBe(0);
    expect(stdout).toContain('d\\x1b[0m/p\\nq.yaml: ok \\x1b[31m');
    expectClean(stdout, /^q\.yaml: ok/);
  });

  it('lint: policy names and selectors in findings', async () => {
    const { code, stdout } = await runCli(['lint', '-f', manifests]);
    expect(code).toBe(1);
    expect(stdout).toContain('NetworkPolicy default/np\\n✓ no findings\\x1b[1m spec.podSelector');
    expect(stdout).toContain('podSelector app=none selects none');
    expectClean(stdout, /^✓ no findings/);
  });

  it('explain: names in the verdict and in an error', async () => {
    const found = await runCli(['explain', '-f', manifests, '--from', 'd\u001b[0m/p\nq.yaml: ok \u001b[31m', '--to', '10.0.0.1', '--port', '80']);
    expect(found.code).toBe(0);
    expect(found.stdout.split('\n')[0]).toBe('d\\x1b[0m/p\\nq.yaml: ok \\x1b[31m → 10.0.0.1 TCP/80: ALLOW');
    expectClean(found.stdout, /^q\.yaml: ok/);

    const missing = await runCli(['explain', '-f', manifests, '--from', 'default/x', '--to', '10.0.0.1', '--port', '80']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('known pods: d\\x1b[0m/p\\nq.yaml: ok \\x1b[31m');
    expectClean(missing.stderr, /^q\.yaml: ok/);
  });
});
