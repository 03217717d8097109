import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const THREE_TIER = ['-f', 'scenarios/three-tier/policies.yaml', '-f', 'test/policy/fixtures/shop-workloads.yaml'];

describe('kubeknock explain', () => {
  it('names the isolating policies and the rule that allowed each direction', async () => {
    const { code, stdout } = await runCli(['explain', ...THREE_TIER, '--from', 'shop/frontend', '--to', 'shop/backend', '--port', '8080']);
    expect(code).toBe(0);
    expect(stdout, 'golden explanation of an allowed connection').toBe(
      [
        'shop/frontend → shop/backend TCP/8080: ALLOW',
        '  egress  of shop/frontend: allow',
        '    isolated by shop/default-deny-all, shop/allow-dns-egress, shop/frontend',
        '    allowed by shop/frontend spec.egress[0]: peer to[0], port ports[0] (TCP 8080)',
        '  ingress of shop/backend: allow',
        '    isolated by shop/default-deny-all, shop/backend',
        '    allowed by shop/backend spec.ingress[0]: peer from[0], port ports[0] (TCP 8080)',
        '',
      ].join('\n'),
    );
  });

  it('says why a connection is denied: isolated by which policies, and what each rule failed on', async () => {
    const { stdout } = await runCli(['explain', ...THREE_TIER, '--from', 'shop/frontend', '--to', 'shop/database', '--port', '5432']);
    expect(stdout, 'golden explanation of a denied connection').toBe(
      [
        'shop/frontend → shop/database TCP/5432: DENY',
        '  egress  of shop/frontend: DENY',
        '    isolated by shop/default-deny-all, shop/allow-dns-egress, shop/frontend; no egress rule matched:',
        '    - shop/allow-dns-egress spec.egress[0]: neither peer nor port matched (admits pods k8s-app=kube-dns of namespaces kubernetes.io/metadata.name=kube-system on UDP 53, TCP 53)',
        '    - shop/frontend spec.egress[0]: neither peer nor port matched (admits pods app=backend of namespace shop on TCP 8080)',
        '  ingress of shop/database: DENY',
        '    isolated by shop/default-deny-all, shop/database; no ingress rule matched:',
        '    - shop/database spec.ingress[0]: port matched, peer did not (admits pods app=backend of namespace shop)',
        '',
      ].join('\n'),
    );
  });

  it('judges pods that do not exist yet from their labels (--from-labels / --to-labels)', async () => {
    const { code, stdout } = await runCli([
      'explain', '-f', 'scenarios/postgres-lockdown/policies.yaml',
      '--from', 'production/api', '--from-labels', 'app=backend', '--to', 'production/pg', '--to-labels', 'app=postgres', '--port', '5432',
    ]);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0], 'backend reaches postgres on 5432').toBe('production/api → production/pg TCP/5432: ALLOW');
  });

  it('prints the explanation as JSON with -o json', async () => {
    const { stdout } = await runCli(['explain', ...THREE_TIER, '--from', 'shop/frontend', '--to', '10.244.0.9', '--port', '80', '-o', 'json']);
    const parsed = JSON.parse(stdout) as { to: string; verdict: string; egress: { kind: string } };
    expect(parsed.to, 'a pod IP resolves to the pod').toBe('default/debug');
    expect(parsed.verdict).toBe('deny');
    expect(parsed.egress.kind).toBe('denied');
  });

  it('exits 2 for an unknown pod, listing known ones', async () => {
    const { code, stderr } = await runCli(['explain', ...THREE_TIER, '--from', 'shop/nope', '--to', 'shop/backend', '--port', '80']);
    expect(code).toBe(2);
    expect(stderr).toContain('--from: "shop/nope" is neither a pod of the inventory');
  });
});
