/** Cluster-scoped policy tiers: valid-*.yaml decode without issues, each invalid-*.yaml yields the issue its header names. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifestText } from '../../src/scenario/read-manifests.js';
import { decodeObjects } from '../../src/policy/index.js';

const DIR = join(import.meta.dirname, 'fixtures', 'tiers');
const files = readdirSync(DIR).filter((name) => name.endsWith('.yaml'));

function decodeFile(name: string) {
  const text = readFileSync(join(DIR, name), 'utf8');
  const parsed = parseManifestText(text, name);
  expect(parsed.issues, 'the YAML itself should parse').toEqual([]);
  return { text, result: decodeObjects(parsed.objects) };
}

describe('cluster-scoped policy decoding', () => {
  it.each(files.filter((name) => name.startsWith('valid-')))('%s decodes without issues', (name) => {
    const { result } = decodeFile(name);
    expect(result.issues).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(result.inventory.clusterPolicies?.length ?? 0).toBeGreaterThan(0);
  });

  it.each(files.filter((name) => name.startsWith('invalid-')))('%s is rejected with the field, line and message its header names', (name) => {
    const { text, result } = decodeFile(name);
    const header = /^# expect: (\S+) :: (.+)$/m.exec(text);
    expect(header, `${name} needs a "# expect: path :: message" header`).not.toBeNull();
    const [, path, message] = header as RegExpExecArray;
    const issue = result.issues.find((candidate) => candidate.path === path && candidate.message.includes(message ?? ''));
    expect(issue, `issues were: ${JSON.stringify(result.issues)}`).toBeDefined();
    expect(issue?.line).toBeGreaterThan(1);
    expect(issue?.file).toBe(name);
    expect(result.inventory.clusterPolicies ?? []).toEqual([]);
  });

  it('decodes every ClusterNetworkPolicy field into the engine shape', () => {
    const policies = decodeFile('valid-cluster-network-policy.yaml').result.inventory.clusterPolicies ?? [];
    const [admin, baseline] = policies;
    expect(admin).toMatchObject({ kind: 'ClusterNetworkPolicy', name: 'admin-guard', tier: 'Admin', priority: 10, subject: { type: 'namespaces', namespaces: { matchLabels: { team: 'shop' } } } });
    expect(admin?.ingress[0]).toMatchObject({ path: 'spec.ingress[0]', name: 'pass-same-team', action: 'Pass', line: 13 });
    expect(admin?.ingress[1]?.ports).toEqual([
      { type: 'number', protocol: 'TCP', port: 80 },
      { type: 'number', protocol: 'UDP', port: 5000, endPort: 5010 },
      { type: 'number', protocol: 'SCTP', port: 9 },
      { type: 'named', name: 'http' },
    ]);
    expect(admin?.egress.map((rule) => rule.peers.map((peer) => peer.type))).toEqual([['domainNames'], ['networks', 'nodes']]);
    expect(baseline).toMatchObject({ name: 'baseline-default-deny', tier: 'Baseline', subject: { type: 'pods', namespaceSelector: {}, podSelector: {} } });
  });

  it('maps v1alpha1 Allow to Accept and fixes the tiers of AdminNetworkPolicy and BaselineAdminNetworkPolicy', () => {
    const [anp, banp] = decodeFile('valid-admin-network-policy.yaml').result.inventory.clusterPolicies ?? [];
    expect(anp).toMatchObject({ kind: 'AdminNetworkPolicy', tier: 'Admin', priority: 5 });
    expect(anp?.ingress[0]?.action).toBe('Accept');
    expect(anp?.ingress[0]?.ports).toEqual([
      { type: 'number', protocol: 'TCP', port: 9090 },
      { type: 'number', protocol: 'UDP', port: 100, endPort: 200 },
      { type: 'named', name: 'metrics' },
    ]);
    expect(banp).toMatchObject({ kind: 'BaselineAdminNetworkPolicy', name: 'default', tier: 'Baseline', priority: 0 });
  });
});
