/** The engine says why: which policy and rule allowed, or what isolated the pod and why no rule matched. */
import { describe, expect, it } from 'vitest';
import { addPods, computeMatrix, judgeConnection, judgeWithPods, matrixCell, UnknownEndpointError } from '../../src/policy/index.js';
import { explanationSummary } from '../../src/report/policy-explain.js';
import { compiled, pod, policy } from './builders.js';

const objects = [
  pod('prod/api', { labels: { app: 'api' }, ip: '10.0.0.1', ports: [{ name: 'http', containerPort: 8080 }] }),
  pod('prod/db', { labels: { app: 'db' }, ip: '10.0.0.2' }),
  policy('prod/default-deny', { podSelector: {}, policyTypes: ['Ingress'] }),
  policy('prod/db-from-api', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5432 }] }] }),
];

describe('explanations', () => {
  it('names the policy, rule, peer and port that allowed the connection', () => {
    const result = judgeConnection(compiled(objects), { from: 'prod/api', to: 'prod/db', port: 5432, protocol: 'TCP' });
    expect(result.verdict).toBe('allow');
    expect(result.egress, 'the source has no egress policy').toEqual({ kind: 'not-isolated', verdict: 'allow' });
    expect(result.ingress, 'db is isolated by both policies and admitted by rule 0 of db-from-api').toEqual({
      kind: 'allowed',
      verdict: 'allow',
      isolatedBy: [
        { namespace: 'prod', name: 'default-deny', file: 'test.yaml', line: 0 },
        { namespace: 'prod', name: 'db-from-api', file: 'test.yaml', line: 0 },
      ],
      allowedBy: [{ policy: { namespace: 'prod', name: 'db-from-api', file: 'test.yaml', line: 0 }, rule: 'spec.ingress[0]', peer: 'from[0]', port: 'ports[0] (TCP 5432)' }],
    });
  });

  it('says the port matched but the peer did not', () => {
    const result = judgeConnection(compiled(objects), { from: 'prod/db', to: 'prod/db', port: 5432, protocol: 'TCP' });
    expect(result.verdict).toBe('deny');
    expect(result.loopback, 'a pod talking to itself is flagged loopback').toBe(true);
    expect(result.ingress.kind === 'denied' && result.ingress.misses, 'the one rule failed on its peer only').toEqual([
      { policy: { namespace: 'prod', name: 'db-from-api', file: 'test.yaml', line: 0 }, rule: 'spec.ingress[0]', peerMatched: false, portMatched: true, wants: { peers: ['pods app=api of namespace prod'], ports: ['TCP 5432'] } },
    ]);
  });

  it('says the peer matched but the port did not', () => {
    const result = judgeConnection(compiled(objects), { from: 'prod/api', to: 'prod/db', port: 80, protocol: 'TCP' });
    expect(result.ingress.kind === 'denied' && result.ingress.misses[0], 'peer api matches, port 80 is not 5432').toMatchObject({ peerMatched: true, portMatched: false });
  });

  it('reports an address outside the inventory as not governed on its side', () => {
    const result = judgeConnection(compiled(objects), { from: '198.51.100.1', to: 'prod/api', port: 8080, protocol: 'TCP' });
    expect(result.egress.kind, 'an outside source has no egress policy of ours').toBe('outside');
    expect(result.ingress.kind, 'api is isolated by default-deny with no rules').toBe('denied');
    expect(result.ingress.kind === 'denied' && result.ingress.misses, 'default-deny has no rules to miss').toEqual([]);
  });

  it('rejects an unknown pod name', () => {
    expect(() => judgeConnection(compiled(objects), { from: 'prod/nope', to: 'prod/db', port: 1, protocol: 'TCP' })).toThrow(UnknownEndpointError);
  });
});

describe('runner query with extra (probe) pods', () => {
  it('judges a probe pod carrying the labels of a workload as that workload', () => {
    const inventory = compiled(objects);
    const probe = { namespace: 'prod', name: 'kubeknock-api-x7', labels: { app: 'api' }, ip: '10.0.0.9' };
    const viaOnce = judgeWithPods(inventory, [probe], { from: 'prod/kubeknock-api-x7', to: 'prod/db', port: 5432, protocol: 'TCP' });
    expect(viaOnce.verdict, 'a probe labelled app=api reaches db on 5432').toBe('allow');
    const withProbes = addPods(inventory, [probe, { namespace: 'prod', name: 'probe-db', labels: { app: 'db' }, containerPorts: [{ name: 'pg', port: 5432 }] }]);
    expect(judgeConnection(withProbes, { from: '10.0.0.9', to: 'prod/probe-db', port: 5432, protocol: 'TCP' }).verdict, 'the probe is found by its IP too').toBe('allow');
    expect(judgeConnection(withProbes, { from: 'prod/db', to: 'prod/probe-db', port: 5432, protocol: 'TCP' }).verdict, 'db may not reach db').toBe('deny');
  });

  it('lets an extra pod replace an inventory pod of the same name', () => {
    const relabelled = addPods(compiled(objects), [{ namespace: 'prod', name: 'api', labels: { app: 'other' } }]);
    expect(relabelled.pods.map((pod) => pod.key), 'one prod/api, not two').toEqual(['prod/db', 'prod/api']);
    expect(judgeConnection(relabelled, { from: 'prod/api', to: 'prod/db', port: 5432, protocol: 'TCP' }).verdict, 'the new labels count').toBe('deny');
  });
});

describe('matrix', () => {
  it('holds one cell per ordered pair, loopback flagged, verdict = egress AND ingress', () => {
    const matrix = computeMatrix(compiled(objects), 5432, 'TCP');
    expect(matrix.pods).toEqual(['prod/api', 'prod/db']);
    expect([0, 1].flatMap((i) => [0, 1].map((j) => matrixCell(matrix, i, j)))).toEqual([
      { from: 'prod/api', to: 'prod/api', verdict: 'deny', ingress: 'deny', egress: 'allow', loopback: true },
      { from: 'prod/api', to: 'prod/db', verdict: 'allow', ingress: 'allow', egress: 'allow', loopback: false },
      { from: 'prod/db', to: 'prod/api', verdict: 'deny', ingress: 'deny', egress: 'allow', loopback: false },
      { from: 'prod/db', to: 'prod/db', verdict: 'deny', ingress: 'deny', egress: 'allow', loopback: true },
    ]);
  });
});

describe('explanation summary (for matrix footnotes)', () => {
  it('gives the decisive reason in one line', () => {
    const inventory = compiled(objects);
    expect(explanationSummary(judgeConnection(inventory, { from: 'prod/api', to: 'prod/db', port: 5432, protocol: 'TCP' }))).toBe(
      'policy says allow: ingress allowed by prod/db-from-api spec.ingress[0]',
    );
    expect(explanationSummary(judgeConnection(inventory, { from: 'prod/db', to: 'prod/api', port: 80, protocol: 'TCP' }))).toBe(
      'policy says deny: ingress denied: isolated by prod/default-deny, no rule matched',
    );
  });
});
