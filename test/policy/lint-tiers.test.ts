/** Lint rules for cluster-scoped tiers fire on their mistake and stay quiet on the correct form. */
import { describe, expect, it } from 'vitest';
import { lintPolicies, type LintFinding } from '../../src/policy/index.js';
import { inventoryOf, namespace, pod, policy } from './builders.js';

const cnp = (name: string, tier: 'Admin' | 'Baseline', priority: number, spec: Record<string, unknown>): unknown => ({
  apiVersion: 'policy.networking.k8s.io/v1beta1',
  kind: 'ClusterNetworkPolicy',
  metadata: { name },
  spec: { tier, priority, ...spec },
});
const nsA = { namespaces: { matchLabels: { team: 'a' } } };
const nsB = { namespaces: { matchLabels: { team: 'b' } } };
const everyNamespace = { namespaces: {} };
const WORLD = [namespace('a', { team: 'a' }), namespace('b', { team: 'b' }), pod('a/web', { labels: { app: 'web' } }), pod('b/client')];
const npIsolatesA = policy('a/only-b', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }] }] });
const dnsAccept = { action: 'Accept', to: [{ pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: {} } }], protocols: [{ udp: { destinationPort: { number: 53 } } }] };

const summary = (findings: readonly LintFinding[]) => findings.filter((f) => f.kind !== undefined).map((f) => `${f.rule} ${f.policy ?? '-'} ${f.field}`);

const CASES: readonly { name: string; objects: readonly unknown[]; expected: readonly string[] }[] = [
  {
    name: "a Baseline Deny on pods a namespace's NetworkPolicy selects",
    objects: [cnp('base', 'Baseline', 0, { subject: everyNamespace, ingress: [{ action: 'Deny', from: [everyNamespace] }] }), npIsolatesA],
    expected: ['baseline-overridden base spec.ingress[0]'],
  },
  { name: 'a Baseline Deny on pods no NetworkPolicy selects: no finding', objects: [cnp('base', 'Baseline', 0, { subject: everyNamespace, ingress: [{ action: 'Deny', from: [everyNamespace] }] })], expected: [] },
  { name: 'an Admin Pass with nothing below', objects: [cnp('pass', 'Admin', 1, { subject: nsA, ingress: [{ action: 'Pass', from: [nsB] }] })], expected: ['pass-to-nothing pass spec.ingress[0]'] },
  { name: 'an Admin Pass to a NetworkPolicy: no finding', objects: [cnp('pass', 'Admin', 1, { subject: nsA, ingress: [{ action: 'Pass', from: [nsB] }] }), npIsolatesA], expected: [] },
  { name: 'an Admin egress Deny that cuts DNS', objects: [cnp('lockdown', 'Admin', 1, { subject: nsA, egress: [{ action: 'Deny', to: [everyNamespace] }] })], expected: ['dns-cut-by-admin lockdown spec.egress[0]'] },
  { name: 'an Admin egress Deny after a DNS Accept: no finding', objects: [cnp('lockdown', 'Admin', 1, { subject: nsA, egress: [dnsAccept, { action: 'Deny', to: [everyNamespace] }] })], expected: [] },
  {
    name: 'a rule shadowed by a higher-priority policy',
    objects: [cnp('deny-all', 'Admin', 1, { subject: nsA, ingress: [{ action: 'Deny', from: [everyNamespace] }] }), cnp('allow-b', 'Admin', 2, { subject: nsA, ingress: [{ action: 'Accept', from: [nsB] }] })],
    expected: ['shadowed-rule allow-b spec.ingress[0]'],
  },
  {
    name: 'a rule shadowed by an earlier rule of its policy',
    objects: [cnp('ordered', 'Admin', 1, { subject: nsA, ingress: [{ action: 'Deny', from: [everyNamespace] }, { action: 'Accept', from: [nsB] }] })],
    expected: ['shadowed-rule ordered spec.ingress[1]'],
  },
  {
    name: 'a narrower rule first does not shadow a broader one',
    objects: [cnp('ordered', 'Admin', 1, { subject: nsA, ingress: [{ action: 'Accept', from: [nsB], protocols: [{ tcp: { destinationPort: { number: 80 } } }] }, { action: 'Deny', from: [everyNamespace] }] })],
    expected: [],
  },
];

describe('lint rules for cluster-scoped tiers', () => {
  it.each(CASES)('$name', ({ objects, expected }) => {
    expect(summary(lintPolicies(inventoryOf([...WORLD, ...objects])))).toEqual(expected);
  });

  it('names the cluster-scoped policy, its file and the rule line', () => {
    const [finding] = lintPolicies(inventoryOf([...WORLD, cnp('pass', 'Admin', 1, { subject: nsA, ingress: [{ action: 'Pass', from: [nsB] }] })])).filter((f) => f.kind);
    expect(finding).toMatchObject({ kind: 'ClusterNetworkPolicy', policy: 'pass', namespace: '', severity: 'warning' });
  });
});
