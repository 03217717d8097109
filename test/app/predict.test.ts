import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const THREE_TIER = ['-f', 'scenarios/three-tier/policies.yaml', '-f', 'test/policy/fixtures/shop-workloads.yaml'];

describe('kubeknock predict', () => {
  it('-o json prints exactly one object with one result per ordered pair, loopback flagged', async () => {
    const { code, stdout, stderr } = await runCli(['predict', ...THREE_TIER, '--port', '8080', '-o', 'json']);
    expect(stderr, 'nothing on stderr').toBe('');
    expect(code, 'exit 0').toBe(0);
    const parsed = JSON.parse(stdout) as { port: number; protocol: string; results: Record<string, unknown>[] };
    expect(Object.keys(parsed), 'exactly port, protocol, results').toEqual(['port', 'protocol', 'results']);
    expect(parsed.port).toBe(8080);
    expect(parsed.protocol).toBe('TCP');
    expect(parsed.results, '4 pods → 16 ordered pairs').toHaveLength(16);
    expect(parsed.results[1], 'frontend → backend on 8080 is allowed').toEqual({ from: 'shop/frontend', to: 'shop/backend', verdict: 'allow', ingress: 'allow', egress: 'allow', loopback: false });
    expect(parsed.results[0], 'a loopback pair is included and flagged').toMatchObject({ from: 'shop/frontend', to: 'shop/frontend', loopback: true });
    expect(parsed.results.filter((r) => r.verdict === 'allow').map((r) => `${String(r.from)}>${String(r.to)}`), 'only frontend→backend and debug→itself').toEqual([
      'shop/frontend>shop/backend',
      'default/debug>default/debug',
    ]);
  });

  it('prints the truth table by default (rows from, columns to)', async () => {
    const { code, stdout } = await runCli(['predict', ...THREE_TIER, '--port', '5432', '--protocol', 'tcp']);
    expect(code).toBe(0);
    const backendRow = stdout.split('\n').find((line) => line.startsWith('│ shop/backend'));
    expect(backendRow, 'backend row: only the database column allows').toMatch(/│ shop\/backend\s+│ ✗ in\+eg\s+│ ✗ in\+eg ↺\s+│ ✓\s+│ ✗ eg\s+│/);
    expect(stdout).toContain('↺ loopback');
  });

  it('exits 2 listing every bad-input issue with file and line', async () => {
    const { code, stderr } = await runCli(['predict', '-f', 'test/policy/fixtures/invalid-policies.yaml']);
    expect(code, 'bad input is exit 2').toBe(2);
    expect(stderr, 'both problems, each with file:line and field').toContain('test/policy/fixtures/invalid-policies.yaml:9:7: spec.egress[0].to: must be a list');
    expect(stderr).toContain('test/policy/fixtures/invalid-policies.yaml:22:11: spec.ingress[0].from[0]: must specify a peer');
  });

  it('needs -f or --from-cluster', async () => {
    const { code, stderr } = await runCli(['predict']);
    expect(code).toBe(2);
    expect(stderr).toContain('Give manifests with -f');
  });
});
