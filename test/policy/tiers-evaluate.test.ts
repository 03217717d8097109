/** Cluster-scoped tiers: Admin by priority, then NetworkPolicy, then Baseline; Pass, rule order, same priority, DNS, self. */
import { describe, expect, it } from 'vitest';
import { computeMatrix, explainConnection, matrixCell, resolveEndpoint, type DirectionVerdict, type Endpoint, type Protocol } from '../../src/policy/index.js';
import { compiled, namespace, pod, policy } from './builders.js';

function cnp(name: string, tier: 'Admin' | 'Baseline', priority: number, spec: Record<string, unknown>): unknown {
  return { apiVersion: 'policy.networking.k8s.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name }, spec: { tier, priority, ...spec } };
}

const everyNamespace = { namespaces: {} };
const nsA = { namespaces: { matchLabels: { team: 'a' } } };
const nsB = { namespaces: { matchLabels: { team: 'b' } } };
const WORLD = [
  namespace('a', { team: 'a' }),
  namespace('b', { team: 'b' }),
  pod('a/web', { labels: { app: 'web' }, ip: '10.0.0.1', ports: [{ name: 'http', containerPort: 80 }] }),
  pod('a/other', { ip: '10.0.0.2' }),
  pod('b/client', { labels: { app: 'client' }, ip: '10.0.1.1' }),
  pod('b/no-ip'),
  pod('b/host', { hostNetwork: true, ip: '192.168.0.9' }),
];
const denyIngressFromAll = (name: string, tier: 'Admin' | 'Baseline', priority: number, subject: unknown = nsA): unknown =>
  cnp(name, tier, priority, { subject, ingress: [{ action: 'Deny', from: [everyNamespace] }] });
const npDefaultDeny = policy('a/deny-all', { podSelector: {}, policyTypes: ['Ingress'] });

interface Case {
  readonly name: string;
  readonly objects: readonly unknown[];
  readonly from: string;
  readonly to: string;
  readonly port?: number;
  readonly protocol?: Protocol;
  readonly verdict: 'allow' | 'deny' | 'unknown';
  /** The direction that decides, and what its verdict must contain. */
  readonly direction: 'ingress' | 'egress';
  readonly expect: Record<string, unknown>;
}

const CASES: readonly Case[] = [
  { name: 'an Admin Deny denies', objects: [denyIngressFromAll('deny', 'Admin', 1)], from: 'b/client', to: 'a/web', verdict: 'deny', direction: 'ingress', expect: { kind: 'tier-decided', tier: 'Admin', decidedBy: [expect.objectContaining({ name: 'deny', rule: 'spec.ingress[0]', action: 'Deny' })] } },
  {
    name: 'an Admin Accept overrides a NetworkPolicy that would deny',
    objects: [npDefaultDeny, cnp('accept', 'Admin', 1, { subject: nsA, ingress: [{ action: 'Accept', from: [nsB] }] })],
    from: 'b/client', to: 'a/web', verdict: 'allow', direction: 'ingress', expect: { kind: 'tier-decided', verdict: 'allow' },
  },
  {
    name: 'an Admin Pass hands the connection to the NetworkPolicy, which denies',
    objects: [npDefaultDeny, cnp('pass', 'Admin', 1, { subject: nsA, ingress: [{ action: 'Pass', from: [nsB] }] }), cnp('accept-later', 'Admin', 2, { subject: nsA, ingress: [{ action: 'Accept', from: [nsB] }] })],
    from: 'b/client', to: 'a/web', verdict: 'deny', direction: 'ingress', expect: { kind: 'denied', passed: [expect.objectContaining({ name: 'pass', action: 'Pass' })] },
  },
  {
    name: 'an Admin Pass skips a lower-priority Admin Deny; the Baseline then decides',
    objects: [cnp('pass', 'Admin', 1, { subject: nsA, ingress: [{ action: 'Pass', from: [nsB] }] }), denyIngressFromAll('deny', 'Admin', 2), cnp('base', 'Baseline', 0, { subject: nsA, ingress: [{ action: 'Accept', from: [nsB] }] })],
    from: 'b/client', to: 'a/web', verdict: 'allow', direction: 'ingress', expect: { kind: 'tier-decided', tier: 'Baseline', passed: [expect.objectContaining({ name: 'pass' })] },
  },
  {
    name: 'the lower priority number is judged first',
    objects: [denyIngressFromAll('deny', 'Admin', 5), cnp('accept', 'Admin', 3, { subject: nsA, ingress: [{ action: 'Accept', from: [nsB] }] })],
    from: 'b/client', to: 'a/web', verdict: 'allow', direction: 'ingress', expect: { decidedBy: [expect.objectContaining({ name: 'accept', priority: 3 })] },
  },
  {
    name: 'within a policy the first matching rule acts',
    objects: [cnp('ordered', 'Admin', 1, { subject: nsA, ingress: [{ action: 'Accept', from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' } } } }] }, { action: 'Deny', from: [everyNamespace] }] })],
    from: 'b/client', to: 'a/web', verdict: 'allow', direction: 'ingress', expect: { decidedBy: [expect.objectContaining({ rule: 'spec.ingress[0]' })] },
  },
  {
    name: 'the second rule acts for a peer the first does not match',
    objects: [cnp('ordered', 'Admin', 1, { subject: nsA, ingress: [{ action: 'Accept', from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' } } } }] }, { action: 'Deny', from: [everyNamespace] }] })],
    from: 'a/other', to: 'a/web', verdict: 'deny', direction: 'ingress', expect: { decidedBy: [expect.objectContaining({ rule: 'spec.ingress[1]' })] },
  },
  {
    name: 'a NetworkPolicy that selects the pod overrides the Baseline',
    objects: [denyIngressFromAll('base', 'Baseline', 0), policy('a/allow-b', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }] }] })],
    from: 'b/client', to: 'a/web', verdict: 'allow', direction: 'ingress', expect: { kind: 'allowed' },
  },
  { name: 'a Baseline Deny applies to a pod no NetworkPolicy selects', objects: [denyIngressFromAll('base', 'Baseline', 0)], from: 'b/client', to: 'a/web', verdict: 'deny', direction: 'ingress', expect: { kind: 'tier-decided', tier: 'Baseline' } },
  { name: 'a pod talking to its own IP is never subject to cluster policies', objects: [denyIngressFromAll('deny', 'Admin', 1)], from: 'a/web', to: 'a/web', verdict: 'allow', direction: 'ingress', expect: { kind: 'not-isolated' } },
  { name: 'host-networked pods are in no subject', objects: [denyIngressFromAll('deny', 'Admin', 1, everyNamespace)], from: 'a/web', to: 'b/host', verdict: 'allow', direction: 'ingress', expect: { kind: 'host-network' } },
  {
    name: 'networks match pod IPs',
    objects: [cnp('no-b', 'Admin', 1, { subject: nsA, egress: [{ action: 'Deny', to: [{ networks: ['10.0.1.0/24'] }] }] })],
    from: 'a/web', to: 'b/client', verdict: 'deny', direction: 'egress', expect: { kind: 'tier-decided', verdict: 'deny' },
  },
  {
    name: 'networks against a pod without a known IP are undecided',
    objects: [cnp('no-b', 'Admin', 1, { subject: nsA, egress: [{ action: 'Deny', to: [{ networks: ['10.0.1.0/24'] }] }] })],
    from: 'a/web', to: 'b/no-ip', verdict: 'unknown', direction: 'egress', expect: { kind: 'tier-undecided', reason: 'pod-ip-unknown' },
  },
  {
    name: 'a domainNames rule that comes first depends on DNS',
    objects: [cnp('fqdn', 'Admin', 1, { subject: nsA, egress: [{ action: 'Accept', to: [{ domainNames: ['example.com'] }] }, { action: 'Deny', to: [everyNamespace] }] })],
    from: 'a/web', to: 'b/client', verdict: 'unknown', direction: 'egress', expect: { kind: 'depends-on-dns', tier: 'Admin', rules: [expect.objectContaining({ rule: 'spec.egress[0]' })] },
  },
  {
    name: 'same-priority policies that disagree are undecided',
    objects: [denyIngressFromAll('deny', 'Admin', 7), cnp('accept', 'Admin', 7, { subject: nsA, ingress: [{ action: 'Accept', from: [nsB] }] })],
    from: 'b/client', to: 'a/web', verdict: 'unknown', direction: 'ingress', expect: { kind: 'tier-undecided', reason: 'same-priority' },
  },
  {
    name: 'same-priority policies that agree decide together',
    objects: [denyIngressFromAll('deny', 'Admin', 7), cnp('deny-too', 'Admin', 7, { subject: nsA, ingress: [{ action: 'Deny', from: [nsB] }] })],
    from: 'b/client', to: 'a/web', verdict: 'deny', direction: 'ingress', expect: { decidedBy: [expect.objectContaining({ name: 'deny' }), expect.objectContaining({ name: 'deny-too' })] },
  },
  {
    name: 'a rule for another port does not match',
    objects: [cnp('p80', 'Admin', 1, { subject: nsA, ingress: [{ action: 'Deny', from: [everyNamespace], protocols: [{ tcp: { destinationPort: { number: 80 } } }] }] })],
    from: 'b/client', to: 'a/web', port: 81, verdict: 'allow', direction: 'ingress', expect: { kind: 'not-isolated' },
  },
  {
    name: 'a named port resolves on the destination pod',
    objects: [cnp('named', 'Admin', 1, { subject: nsA, ingress: [{ action: 'Deny', from: [everyNamespace], protocols: [{ destinationNamedPort: 'http' }] }] })],
    from: 'b/client', to: 'a/web', port: 80, verdict: 'deny', direction: 'ingress', expect: { kind: 'tier-decided' },
  },
  {
    name: 'v1alpha1: AdminNetworkPolicy Allow accepts before the BaselineAdminNetworkPolicy',
    objects: [
      { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: 'anp' }, spec: { priority: 1, subject: nsA, ingress: [{ action: 'Allow', from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' } } } }] }] } },
      { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec: { subject: nsA, ingress: [{ action: 'Deny', from: [everyNamespace] }] } },
    ],
    from: 'b/client', to: 'a/web', verdict: 'allow', direction: 'ingress', expect: { kind: 'tier-decided', decidedBy: [expect.objectContaining({ kind: 'AdminNetworkPolicy', action: 'Accept' })] },
  },
  {
    name: 'v1alpha1: the BaselineAdminNetworkPolicy denies what the ANP does not accept',
    objects: [{ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec: { subject: nsA, ingress: [{ action: 'Deny', from: [everyNamespace] }] } }],
    from: 'a/other', to: 'a/web', verdict: 'deny', direction: 'ingress', expect: { kind: 'tier-decided', tier: 'Baseline', decidedBy: [expect.objectContaining({ kind: 'BaselineAdminNetworkPolicy' })] },
  },
];

describe('cluster-scoped policy tiers', () => {
  it.each(CASES)('$name', (c) => {
    const engine = compiled([...WORLD, ...c.objects]);
    const from = resolveEndpoint(engine, c.from) as Endpoint;
    const to = resolveEndpoint(engine, c.to) as Endpoint;
    const explanation = explainConnection(engine, { from, to, port: c.port ?? 80, protocol: c.protocol ?? 'TCP' });
    expect(explanation.verdict, JSON.stringify(explanation, null, 1)).toBe(c.verdict);
    expect(explanation[c.direction] as DirectionVerdict).toMatchObject(c.expect);
    // The fast path (predict's matrix) must agree with explain on every cell.
    const matrix = computeMatrix(engine, c.port ?? 80, c.protocol ?? 'TCP');
    for (let i = 0; i < engine.pods.length; i += 1) {
      for (let j = 0; j < engine.pods.length; j += 1) {
        const cell = matrixCell(matrix, i, j);
        const slow = explainConnection(engine, { from: { type: 'pod', pod: engine.pods[i]! }, to: { type: 'pod', pod: engine.pods[j]! }, port: c.port ?? 80, protocol: c.protocol ?? 'TCP' });
        expect(cell.verdict, `${cell.from} → ${cell.to}`).toBe(slow.verdict);
      }
    }
  });
});
