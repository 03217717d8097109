import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const PLAYBOOK = ['default-deny-dns', 'postgres-lockdown', 'namespace-isolation', 'monitoring-scrape', 'three-tier'].flatMap((name) => ['-f', `scenarios/${name}/policies.yaml`]);

describe('kubeknock lint', () => {
  it('finds nothing in the playbook policies: exit 0', async () => {
    const { code, stdout } = await runCli(['lint', ...PLAYBOOK]);
    expect(stdout).toBe('✓ no findings\n');
    expect(code, 'no findings is exit 0').toBe(0);
  });

  it('warns on the monitoring-scrape OR pattern, naming policy and field: exit 1', async () => {
    const { code, stdout } = await runCli(['lint', '-f', 'scenarios/monitoring-scrape/examples/or-mistake.yaml']);
    expect(code, 'findings are exit 1').toBe(1);
    expect(stdout).toContain('warning scenarios/monitoring-scrape/examples/or-mistake.yaml:15: NetworkPolicy apps/allow-prometheus-scrape-or spec.ingress[0].from [or-peers]');
    expect(stdout).toContain('EVERY pod in namespaces matching team=monitoring, or pods matching app=prometheus in namespace apps');
  });

  it('reports shapes the API server rejects as errors, and judges nothing else of those policies', async () => {
    const { code, stdout } = await runCli(['lint', '-f', 'test/policy/fixtures/invalid-policies.yaml', '-o', 'json']);
    expect(code).toBe(1);
    const { findings } = JSON.parse(stdout) as { findings: { rule: string; severity: string; policy: string; field: string; line: number }[] };
    expect(findings.map((f) => [f.rule, f.severity, f.policy, f.field, f.line])).toEqual([
      ['invalid-shape', 'error', 'egress-object', 'spec.egress[0].to', 9],
      ['invalid-shape', 'error', 'empty-peer', 'spec.ingress[0].from[0]', 22],
    ]);
  });

  it('exits 2 when a file cannot be read', async () => {
    const { code, stderr } = await runCli(['lint', '-f', 'does/not/exist.yaml']);
    expect(code, 'unreadable input is exit 2').toBe(2);
    expect(stderr).toContain('does/not/exist.yaml: no such file or directory');
  });
});

describe('kubeknock lint on a Sock Shop-like namespace (policies for name: cart, pods labelled name: carts)', () => {
  it('finds the typo from three sides, the dead DefaultDeny annotation, and nothing about kube-system', async () => {
    const { code, stdout } = await runCli(['lint', '-f', 'test/policy/fixtures/sock-shop-cart-typo.yaml', '-o', 'json']);
    expect(code, 'findings are exit 1').toBe(1);
    const { findings } = JSON.parse(stdout) as { findings: { rule: string; namespace: string; policy?: string; field: string; message: string }[] };
    expect(findings.map((f) => `${f.rule} ${f.namespace}/${f.policy ?? '-'} ${f.field}`), 'exactly these findings').toEqual([
      'legacy-default-deny sock-shop/- metadata.annotations.net.beta.kubernetes.io/network-policy',
      'selects-no-pod sock-shop/carts-access spec.podSelector',
      'peer-matches-no-pod sock-shop/carts-access spec.ingress[0].from[1]',
      'unreachable sock-shop/carts-db-access spec.podSelector',
      'peer-matches-no-pod sock-shop/carts-db-access spec.ingress[0].from[0]',
      'unreachable sock-shop/default-deny-ingress spec.podSelector',
    ]);
    const unreachable = findings.find((f) => f.rule === 'unreachable' && f.policy === 'default-deny-ingress');
    expect(unreachable?.message, 'names the pods nothing can reach').toContain('2 pods (sock-shop/carts, sock-shop/carts-db)');
  });

  it('judges peers and reachability only when the input has pods or workloads, and says so', async () => {
    const { code, stdout, stderr } = await runCli(['lint', '-f', 'scenarios/monitoring-scrape/examples/or-mistake.yaml', '-o', 'json']);
    expect(code).toBe(1);
    expect(stdout, 'no peer or reachability finding without pods').not.toContain('peer-matches-no-pod');
    expect(stderr, 'a note says what was not judged').toContain('no pods or workloads');
  });
});
