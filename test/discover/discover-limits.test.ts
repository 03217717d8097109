/**
 * Issue 18 item 4: the scenario file limit (1 MiB) guards files only. A scenario discover makes in
 * memory (run --discover, rollout --discover) is never held to it; a scenario discover would write
 * over it is refused with the sizes and what to do, and nothing is written, instead of a file that
 * validate and run would refuse.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_DISCOVERED_CHECKS } from '../../src/discover/plan.js';
import { loadScenarios } from '../../src/scenario/load.js';
import { MAX_SCENARIO_BYTES } from '../../src/scenario/yaml-limits.js';
import { runCli } from '../support/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kk-discover-limits-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Workloads with a port each: no two alike, so every pair is its own check (n² checks). */
function distinctWorkloads(count: number): string {
  return Array.from({ length: count }, (_, index) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: w${index}, namespace: big}
spec:
  template:
    metadata: {labels: {app: w${index}}}
    spec: {containers: [{name: c, ports: [{containerPort: ${10000 + index}}]}]}
`).join('---\n');
}

describe('discover and the scenario file limit', () => {
  it('an inline (in-memory) scenario over the file limit still loads', async () => {
    const scenario = `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: discovered}
spec:
  actors:
    a: {namespace: default}
    b: {namespace: default, listen: [80]}
  checks:
    - {from: a, to: b:80, expect: allow}
`;
    const text = `${scenario}${'# padding as a big discovery would have\n'.repeat(Math.ceil((MAX_SCENARIO_BYTES * 1.5) / 40))}`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_SCENARIO_BYTES);
    const [loaded] = await loadScenarios([], [{ file: 'discovered from the cluster', text }]);
    expect(loaded?.checks).toHaveLength(1);
  });

  it('refuses to write a scenario file over the limit, saying the sizes and what to do, and writes nothing', async () => {
    const manifests = join(scratch, 'big.yaml');
    writeFileSync(manifests, distinctWorkloads(220));
    const output = join(scratch, 'out.yaml');
    for (const argv of [['discover', '-f', manifests], ['discover', '-f', manifests, '-o', output]]) {
      const { code, stdout, stderr } = await runCli(argv);
      expect(code, stderr).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/the discovered scenario \(220 probe pods, \d+ checks\) would not fit a scenario file: the file is \d+ bytes \([\d.]+ MiB\), over the 1 MiB limit \(1048576 bytes\) for a scenario, so validate and run would refuse it; nothing was written\. Narrow the selection \(-n, -l, --exclude-namespace\)/);
      expect(existsSync(output)).toBe(false);
    }
  });

  it('refuses a plan over MAX_DISCOVERED_CHECKS before building it, with the counts and how to narrow', async () => {
    const manifests = join(scratch, 'huge.yaml');
    writeFileSync(manifests, distinctWorkloads(600));
    const { code, stdout, stderr } = await runCli(['discover', '-f', manifests]);
    expect(code, stderr).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`discover would plan up to ${600 * 601} checks (600 classes of workloads), over the ${MAX_DISCOVERED_CHECKS} one discovered scenario may have; nothing was planned: narrow the selection (-n, -l, --exclude-namespace) into several scenarios`);
  });
});
