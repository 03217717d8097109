/** Edge cases of every rule in the "NetworkPolicy semantics" list, each as one table row. */
import { describe, expect, it } from 'vitest';
import { judgeConnection, type Protocol } from '../../src/policy/index.js';
import { compiled, namespace, pod, policy } from './builders.js';

interface Row {
  readonly name: string;
  readonly objects: readonly unknown[];
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol?: Protocol;
  readonly ipBlockMatchesPods?: boolean;
  readonly expect: 'allow' | 'deny';
}

const server = (labels: Record<string, string> = { app: 'server' }, ports: { name?: string; containerPort: number; protocol?: string }[] = []) =>
  pod('s/server', { labels, ip: '10.1.0.1', ports });
const client = (ref = 'c/client', labels: Record<string, string> = { app: 'client' }) => pod(ref, { labels, ip: '10.2.0.1' });

const ROWS: readonly Row[] = [
  {
    name: 'policyTypes omitted + egress rules: defaults to [Ingress, Egress], so ingress is isolated too',
    objects: [server(), client('s/peer'), policy('s/egress-only', { podSelector: {}, egress: [{}] })],
    from: 's/peer',
    to: 's/server',
    port: 80,
    expect: 'deny',
  },
  {
    name: 'policyTypes omitted + only ingress rules: egress stays open',
    objects: [server(), client(), policy('s/ingress', { podSelector: {}, ingress: [{}] })],
    from: 's/server',
    to: 'c/client',
    port: 80,
    expect: 'allow',
  },
  {
    name: 'policyTypes: [] is defaulted like an omitted list',
    objects: [server(), client(), policy('s/empty-types', { podSelector: {}, policyTypes: [] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'deny',
  },
  {
    name: 'policyTypes [Egress] ignores ingress rules: ingress not isolated',
    objects: [server(), client(), policy('s/e', { podSelector: {}, policyTypes: ['Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { none: 'x' } } }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'allow',
  },
  {
    name: 'union of policies: a second policy opens what the first does not',
    objects: [
      server(),
      client(),
      policy('s/only-81', { podSelector: {}, ingress: [{ ports: [{ port: 81 }] }] }),
      policy('s/from-client-ns', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'c' } } }] }] }),
    ],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'allow',
  },
  {
    name: 'podSelector {} peer means the policy namespace only',
    objects: [server(), client(), policy('s/p', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'deny',
  },
  {
    name: 'namespaceSelector {} peer means every namespace',
    objects: [server(), client(), policy('s/p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'allow',
  },
  {
    name: 'NotIn matches a pod without the key',
    objects: [server(), client('c/client', {}), policy('s/p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['bad'] }] } }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'allow',
  },
  {
    name: 'DoesNotExist matches a pod without the key',
    objects: [server(), client(), policy('s/p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'quarantine', operator: 'DoesNotExist' }] } }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'allow',
  },
  {
    name: 'In does not match a pod without the key',
    objects: [server(), client('c/client', {}), policy('s/p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['client'] }] } }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'deny',
  },
  {
    name: 'Exists needs the key (any value)',
    objects: [server(), client(), policy('s/p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'allow',
  },
  {
    name: 'matchLabels AND matchExpressions must both hold',
    objects: [server(), client(), policy('s/p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'deny',
  },
  {
    name: 'a port without protocol is TCP: UDP on it is denied',
    objects: [server(), client(), policy('s/p', { podSelector: {}, ingress: [{ ports: [{ port: 53 }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 53,
    protocol: 'UDP',
    expect: 'deny',
  },
  {
    name: 'a port-less entry admits every port of its protocol',
    objects: [server(), client(), policy('s/p', { podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP' }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 31337,
    protocol: 'UDP',
    expect: 'allow',
  },
  ...[
    [7999, 'deny'],
    [8000, 'allow'],
    [8080, 'allow'],
    [8081, 'deny'],
  ].map(([port, verdict]) => ({
    name: `endPort range 8000-8080 is inclusive: ${port} → ${verdict}`,
    objects: [server(), client(), policy('s/p', { podSelector: {}, ingress: [{ ports: [{ port: 8000, endPort: 8080 }] }] })],
    from: 'c/client',
    to: 's/server',
    port: port as number,
    expect: verdict as 'allow' | 'deny',
  })),
  ...[
    [8080, 'allow'],
    [9090, 'deny'],
  ].map(([port, verdict]) => ({
    name: `a named port resolves on the destination (server http=8080, client http=9090): ${port} → ${verdict}`,
    objects: [
      server({ app: 'server' }, [{ name: 'http', containerPort: 8080 }]),
      pod('c/client', { labels: { app: 'client' }, ip: '10.2.0.1', ports: [{ name: 'http', containerPort: 9090 }] }),
      policy('s/p', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] }),
    ],
    from: 'c/client',
    to: 's/server',
    port: port as number,
    expect: verdict as 'allow' | 'deny',
  })),
  {
    name: 'a named egress port resolves on the destination pod, not the source',
    objects: [
      server({ app: 'server' }, [{ name: 'metrics', containerPort: 9100 }]),
      pod('c/client', { labels: { app: 'client' }, ip: '10.2.0.1', ports: [{ name: 'metrics', containerPort: 9200 }] }),
      policy('c/p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'metrics' }] }] }),
    ],
    from: 'c/client',
    to: 's/server',
    port: 9100,
    expect: 'allow',
  },
  {
    name: 'a named port matches by name AND protocol (dns is UDP on the pod, the policy asks TCP)',
    objects: [
      server({ app: 'server' }, [{ name: 'dns', containerPort: 53, protocol: 'UDP' }]),
      client(),
      policy('s/p', { podSelector: {}, ingress: [{ ports: [{ port: 'dns' }] }] }),
    ],
    from: 'c/client',
    to: 's/server',
    port: 53,
    protocol: 'TCP',
    expect: 'deny',
  },
  {
    name: 'a named port never matches an address outside the cluster',
    objects: [client(), policy('c/p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'https' }] }] })],
    from: 'c/client',
    to: '203.0.113.7',
    port: 443,
    expect: 'deny',
  },
  {
    name: 'ipBlock matches pod IPs by default',
    objects: [server(), client(), policy('s/p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.2.0.0/16' } }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'allow',
  },
  {
    name: 'ipBlock does not match pod IPs when switched off (Cilium-like CNI)',
    objects: [server(), client(), policy('s/p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.2.0.0/16' } }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    ipBlockMatchesPods: false,
    expect: 'deny',
  },
  {
    name: 'ipBlock except carves an address out',
    objects: [client(), policy('c/p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '192.0.2.0/24', except: ['192.0.2.128/25'] } }] }] })],
    from: 'c/client',
    to: '192.0.2.200',
    port: 443,
    expect: 'deny',
  },
  {
    name: 'ipBlock admits an address inside the cidr and outside the except',
    objects: [client(), policy('c/p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '192.0.2.0/24', except: ['192.0.2.128/25'] } }] }] })],
    from: 'c/client',
    to: '192.0.2.10',
    port: 443,
    expect: 'allow',
  },
  {
    name: 'IPv6 ipBlock',
    objects: [client(), policy('c/p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32' } }] }] })],
    from: 'c/client',
    to: '2001:db8:0:1::5',
    port: 443,
    expect: 'allow',
  },
  {
    name: 'a hostNetwork pod is never selected: default deny does not isolate it',
    objects: [pod('s/node-agent', { hostNetwork: true, ip: '192.168.1.10' }), client(), policy('s/deny', { podSelector: {}, policyTypes: ['Ingress'] })],
    from: 'c/client',
    to: 's/node-agent',
    port: 80,
    expect: 'allow',
  },
  {
    name: 'a hostNetwork pod is not matched by a podSelector peer',
    objects: [server(), pod('s/node-agent', { hostNetwork: true, ip: '192.168.1.10' }), policy('s/p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: {} }] }] })],
    from: 's/node-agent',
    to: 's/server',
    port: 80,
    expect: 'deny',
  },
  {
    name: 'the namespace name label is present even on namespaces never declared',
    objects: [server(), client(), policy('s/p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'c' } } }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'allow',
  },
  {
    name: 'the API server overrides a declared namespace name label',
    objects: [namespace('c', { 'kubernetes.io/metadata.name': 'spoofed' }), server(), client(), policy('s/p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'c' } } }] }] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'allow',
  },
  {
    name: 'traffic to a pod IP is judged as traffic to that pod',
    objects: [server(), client(), policy('s/deny', { podSelector: {}, policyTypes: ['Ingress'] })],
    from: 'c/client',
    to: '10.1.0.1',
    port: 80,
    expect: 'deny',
  },
  {
    name: 'policies of another namespace do not select a pod',
    objects: [server(), client(), policy('c/deny', { podSelector: {}, policyTypes: ['Ingress'] })],
    from: 'c/client',
    to: 's/server',
    port: 80,
    expect: 'allow',
  },
];

describe('policy semantics edge cases', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const inventory = compiled(row.objects, { ipBlockMatchesPods: row.ipBlockMatchesPods ?? true });
    const result = judgeConnection(inventory, { from: row.from, to: row.to, port: row.port, protocol: row.protocol ?? 'TCP' });
    expect(result.verdict, `${row.from} → ${row.to} ${row.protocol ?? 'TCP'}/${row.port} should be ${row.expect}`).toBe(row.expect);
  });
});
