/**
 * What use-case tests of `runCommand` share: the smallest scenario (a client knocking on a database
 * port), a temporary file for it, and a progress sink that prints nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** `client → db:5432` in one namespace, fast defaults (1 s timeout, one attempt, no settle). */
export function clientDbScenario(name: string, namespace: string, expect: string): string {
  return `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: ${name}}
spec:
  defaults: {timeoutSeconds: 1, attempts: 1, retryDelaySeconds: 0, settleSeconds: 0}
  actors:
    client: {namespace: ${namespace}}
    db: {namespace: ${namespace}, listen: [5432]}
  checks:
    - {from: client, to: db:5432, expect: ${expect}}
`;
}

/** Writes the scenario to a file removed when the test ends; returns its path. */
export function scenarioFile(text: string, name = 'scenario.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'kk-use-case-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

export const quietProgress = { step: () => undefined, update: () => undefined, failed: () => undefined, finish: () => undefined };
