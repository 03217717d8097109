/**
 * Issue 18 on the real cluster: a run of 12 probe pods (16 execs at once by default) prints no
 * MaxListenersExceededWarning, the verdict (stdout, --report) comes out before the pods are deleted,
 * the summary line says both times, and no probe pod is left.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { kubeknock, managedPods, reportPath, useNamespace, writeScenario } from './cluster.js';

const NS = 'kk-e2e-verdict';
const PODS = 12;

useNamespace(NS);

describe('the verdict before the teardown, 12 probe pods', () => {
  it('says when the verdict was out and when the pods were gone, with no listener warning', async () => {
    const actors = Array.from({ length: PODS }, (_, i) => `    a${i}: {namespace: ${NS}, labels: {app: a${i}}, listen: [8080]}`);
    const checks = Array.from({ length: PODS }, (_, i) => `    - {from: a${i}, to: "a${(i + 1) % PODS}:8080", expect: allow}`);
    const file = writeScenario('verdict-first', `  actors:\n${actors.join('\n')}\n  checks:\n${checks.join('\n')}\n`);
    const reportFile = reportPath('verdict-first.json');
    const run = await kubeknock(['run', file, '-o', 'json', '--report', reportFile]);
    expect(run.code, `exit code; stderr:\n${run.stderr}`).toBe(0);
    expect(run.stderr).not.toContain('MaxListenersExceededWarning');
    const times = /verdict after (\d+\.\d)s, probe pods removed after (\d+\.\d)s/.exec(run.stderr);
    expect(times, `the summary line on stderr:\n${run.stderr}`).not.toBeNull();
    expect(Number(times?.[1]), 'the verdict comes before the pods are gone').toBeLessThan(Number(times?.[2]));
    expect((JSON.parse(run.stdout) as RunReport).summary).toMatchObject({ total: PODS, passed: PODS });
    expect((JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport).teardownMs, 'the report file, rewritten after the teardown').toBeGreaterThan(0);
    expect(await managedPods()).toEqual([]);
  }, 180_000);
});
