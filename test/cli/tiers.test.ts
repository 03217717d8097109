/** The commands judge with cluster-scoped tiers when the files hold ClusterNetworkPolicy objects (test/fixtures/tiers-shop). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const SHOP = 'test/fixtures/tiers-shop';
const scratch = mkdtempSync(join(tmpdir(), 'kk-tiers-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
};

describe('cluster-scoped tiers through the CLI', () => {
  it('explain names the Admin Pass that handed the connection to the NetworkPolicy', async () => {
    const { code, stdout } = await runCli(['explain', '-f', SHOP, '--from', 'monitoring/prometheus', '--to', 'payments/ledger', '--port', '8080']);
    expect(code).toBe(0);
    expect(stdout).toContain('monitoring/prometheus → payments/ledger TCP/8080: ALLOW');
    expect(stdout).toContain('allowed by payments/payments-ingress spec.ingress[0]');
    expect(stdout).toContain('passed by ClusterNetworkPolicy pass-monitoring (Admin, priority 10) spec.ingress[0] "monitoring-goes-to-namespace-policies": Pass');
  });

  it('explain names the Admin rule that denied, over a NetworkPolicy that admits', async () => {
    const { stdout } = await runCli(['explain', '-f', SHOP, '--from', 'shop/web', '--to', 'payments/ledger', '--port', '8080']);
    expect(stdout).toContain('shop/web → payments/ledger TCP/8080: DENY');
    expect(stdout).toContain('denied by ClusterNetworkPolicy protect-ledger (Admin, priority 20) spec.ingress[1] "nobody-else": Deny');
  });

  it('explain names the Baseline rule for a pod no NetworkPolicy selects', async () => {
    const { stdout } = await runCli(['explain', '-f', SHOP, '--from', 'shop/web', '--to', 'monitoring/prometheus', '--port', '8080']);
    expect(stdout).toContain('DENY: decided in the Baseline tier');
    expect(stdout).toContain('denied by ClusterNetworkPolicy default-deny (Baseline, priority 0) spec.ingress[0] "deny-all": Deny');
  });

  it('predict fills the matrix in tier order', async () => {
    const { code, stdout } = await runCli(['predict', '-f', SHOP, '--port', '8080', '-o', 'json']);
    expect(code).toBe(0);
    const text = stdout;
    // shop → payments/api: the NetworkPolicy admits; shop → ledger: the Admin Deny; api → ledger: the Admin Accept.
    for (const [from, to, verdict] of [
      ['shop/web', 'payments/api', 'allow'],
      ['shop/web', 'payments/ledger', 'deny'],
      ['payments/api', 'payments/ledger', 'allow'],
      ['payments/ledger', 'payments/api', 'deny'],
      ['shop/web', 'monitoring/prometheus', 'deny'],
    ] as const) {
      expect(text, `${from} → ${to}`).toMatch(new RegExp(`"from":\\s*"${from}",\\s*"to":\\s*"${to}",\\s*"verdict":\\s*"${verdict}"`));
    }
  });

  it('discover --snapshot takes its expectations from the tiers', async () => {
    const { code, stdout } = await runCli(['discover', '-f', SHOP, '--snapshot']);
    expect(code).toBe(0);
    expect(stdout).toContain('{from: shop-web, to: payments-ledger:8080, expect: deny}');
    expect(stdout).toContain('{from: payments-api, to: payments-ledger:8080, expect: allow}');
  });

  it('diff judges candidate NetworkPolicies under the current tiers', async () => {
    const candidate = write('open-shop.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: open, namespace: shop}\nspec:\n  podSelector: {}\n  ingress: [{}]\n');
    const { code, stdout } = await runCli(['diff', '-f', SHOP, '--to', candidate]);
    expect(code, stdout).toBe(1);
    // The NetworkPolicy now selects shop/web, so the Baseline deny no longer applies: opened.
    expect(stdout).toContain('diff: 0 connections cut, 3 opened');
  });

  it('diff refuses cluster-scoped policies among the candidates', async () => {
    const { code, stderr } = await runCli(['diff', '-f', SHOP, '--to', `${SHOP}/policies.yaml`]);
    expect(code).toBe(2);
    expect(stderr).toContain('holds cluster-scoped policies (ClusterNetworkPolicy pass-monitoring');
  });

  it("refuses AWS's ClusterNetworkPolicy by name (exit 2)", async () => {
    const aws = write('aws.yaml', 'apiVersion: networking.k8s.aws/v1alpha1\nkind: ClusterNetworkPolicy\nmetadata: {name: aws-deny}\nspec: {}\n');
    const { code, stderr } = await runCli(['predict', '-f', SHOP, '-f', aws, '--port', '8080']);
    expect(code).toBe(2);
    expect(stderr).toContain('ClusterNetworkPolicy (networking.k8s.aws/v1alpha1) is not modelled by kubeknock');
  });
});
