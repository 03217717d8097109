/**
 * readFlowsFile: the fixtures are named after the outcome (valid-*, invalid-*). A refused file is an
 * InputError (exit 2) with the file, the line, the field, the value and the fix.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readFlowsFile } from '../../src/app/flows/read-flows.js';
import { InputError, formatIssue } from '../../src/model/errors.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/flows/', import.meta.url));
const fixture = (name: string): string => path.join(FIXTURES, name);
/** An hour after the fixtures' window ended. */
const NOW = new Date('2026-12-07T20:42:00Z');

async function refusal(file: string, options: Parameters<typeof readFlowsFile>[1] = { now: NOW }): Promise<{ message: string; issues: string[]; exitCode: number }> {
  try {
    await readFlowsFile(file, options);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { message: error.message, issues: error.issues.map(formatIssue), exitCode: error.exitCode };
  }
  throw new Error(`${file} should have been refused`);
}

describe('readFlowsFile', () => {
  it.each(['valid-obsdemo.yaml', 'valid-obsdemo.json', 'valid-interrupted.yaml'])('reads %s', async (name) => {
    const document = await readFlowsFile(fixture(name), { now: new Date('2026-12-08T01:00:00Z'), server: 'https://10.250.0.1:6443' });
    expect(document.kind).toBe('Flows');
    expect(document.flows.length).toBeGreaterThan(0);
  });

  it('reads the YAML and the JSON form as the same document', async () => {
    expect(await readFlowsFile(fixture('valid-obsdemo.yaml'), { now: NOW })).toEqual(await readFlowsFile(fixture('valid-obsdemo.json'), { now: NOW }));
  });

  it('names every bad field with its line and value (invalid-port-and-protocol.yaml)', async () => {
    const file = fixture('invalid-port-and-protocol.yaml');
    const refused = await refusal(file);
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toBe(`2 problems in the flows file ${file}: write it with kubeknock observe -o FILE; nothing was sent to the cluster`);
    expect(refused.issues).toEqual([`${file}:25: flows[0].protocol: got "udp": expected one of TCP, UDP`, `${file}:57: flows[3].port: got 80800: expected a whole number from 1 to 65535`]);
  });

  it('says where the YAML breaks (invalid-yaml-syntax.yaml)', async () => {
    const file = fixture('invalid-yaml-syntax.yaml');
    const refused = await refusal(file);
    expect(refused.message).toContain('is not a flows file kubeknock can read (YAML or JSON)');
    expect(refused.issues[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: YAML: `));
  });

  it('refuses a scenario given as flows (invalid-scenario-not-flows.yaml)', async () => {
    const file = fixture('invalid-scenario-not-flows.yaml');
    const refused = await refusal(file);
    expect(refused.issues).toContain(`${file}:3: kind: got "Scenario": expected Flows (a flows file written by kubeknock observe)`);
  });

  it('locates problems in JSON by line too', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kk-flows-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{\n  "apiVersion": "kubeknock.dev/v1alpha1",\n  "kind": "Flow"\n}\n');
    const refused = await refusal(file);
    expect(refused.issues[0]).toBe(`${file}:3: kind: got "Flow": expected Flows (a flows file written by kubeknock observe)`);
  });

  it('refuses flows from another cluster, naming both servers', async () => {
    const file = fixture('valid-obsdemo.yaml');
    const refused = await refusal(file, { now: NOW, server: 'https://prod.example:6443' });
    expect(refused.message).toBe(`${file} was observed on another cluster; nothing was sent to the cluster`);
    expect(refused.issues[0]).toContain(`${file}:18: cluster.server: observed on https://10.250.0.1:6443, but the current cluster (kubeconfig) is https://prod.example:6443`);
  });

  it('refuses flows older than --flows-max-age, and the default (7d) too; 0 accepts them', async () => {
    const file = fixture('valid-obsdemo.yaml');
    const dayLater = new Date('2026-12-08T20:00:00Z');
    expect((await refusal(file, { now: dayLater, maxAge: '12h' })).issues[0]).toContain(`${file}:22: window.end: observed until 2026-12-07T19:42:00Z, 24 h ago, older than --flows-max-age 12h`);
    expect((await refusal(file, { now: new Date('2026-12-15T20:00:00Z') })).issues[0]).toContain('older than --flows-max-age 7d');
    await expect(readFlowsFile(file, { now: new Date('2030-01-01T00:00:00Z'), maxAge: '0' })).resolves.toMatchObject({ kind: 'Flows' });
  });

  it('refuses a bad --flows-max-age before reading', async () => {
    expect((await refusal(fixture('valid-obsdemo.yaml'), { now: NOW, maxAge: '1 day' })).message).toContain('--flows-max-age "1 day": expected a duration like 24h');
  });

  it('refuses a missing file and an empty one', async () => {
    expect((await refusal(fixture('no-such-file.yaml'))).message).toContain('cannot read the flows file');
    const dir = mkdtempSync(path.join(tmpdir(), 'kk-flows-'));
    writeFileSync(path.join(dir, 'empty.yaml'), '\n');
    expect((await refusal(path.join(dir, 'empty.yaml'))).message).toContain('the file is empty');
  });
});
