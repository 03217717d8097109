/** The pure verdict diff: which cells flip between the current and the candidate policies, and who is responsible. */
import { describe, expect, it } from 'vitest';
import { diffPolicies, type DiffResult } from '../../src/diff/index.js';
import { DEFAULT_ENGINE_OPTIONS, type Inventory } from '../../src/policy/index.js';
import { deployment, line, namespace, NONE, objects, pod, policy, scenario } from './builders.js';

const shop = [
  namespace('shop'),
  pod('shop/web', { labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 9090 }] }),
  pod('shop/api', { labels: { app: 'api' }, ports: [{ containerPort: 8000 }] }),
  pod('shop/db', { labels: { app: 'db' }, ports: [{ containerPort: 5432 }] }),
];
const denyIngress = policy('shop/deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
const dbFrom = (name: string, apps: string[]) =>
  policy(`shop/${name}`, { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: apps.map((app) => ({ podSelector: { matchLabels: { app } } })), ports: [{ port: 5432 }] }] });

function run(current: Inventory, candidate: Inventory, scenarios = [] as Parameters<typeof diffPolicies>[0]['scenarios']): DiffResult {
  return diffPolicies({ current, candidate, scenarios, engine: DEFAULT_ENGINE_OPTIONS });
}

interface Case {
  readonly name: string;
  readonly current: readonly unknown[];
  readonly candidate: readonly unknown[];
  readonly cut: readonly string[];
  readonly opened: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: 'a default deny cuts every cell into its namespace and names itself',
    current: shop,
    candidate: [denyIngress],
    cut: [
      'shop/api → shop/db TCP/5432 by shop/deny-ingress',
      'shop/api → shop/web TCP/8080 by shop/deny-ingress',
      'shop/api → shop/web TCP/9090 by shop/deny-ingress',
      'shop/db → shop/api TCP/8000 by shop/deny-ingress',
      'shop/db → shop/web TCP/8080 by shop/deny-ingress',
      'shop/db → shop/web TCP/9090 by shop/deny-ingress',
      'shop/web → shop/api TCP/8000 by shop/deny-ingress',
      'shop/web → shop/db TCP/5432 by shop/deny-ingress',
    ],
    opened: [],
  },
  {
    name: 'egress isolation without a DNS rule cuts the cells to the DNS stand-in too',
    current: shop,
    candidate: [policy('shop/web-egress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }] })],
    cut: ['shop/web → kube-system/cluster-dns TCP/53 by shop/web-egress', 'shop/web → kube-system/cluster-dns UDP/53 by shop/web-egress', 'shop/web → shop/api TCP/8000 by shop/web-egress'],
    opened: [],
  },
  {
    name: 'an allow under a current default deny opens its cells',
    current: [...shop, denyIngress],
    candidate: [dbFrom('db-from-web', ['web'])],
    cut: [],
    opened: ['shop/web → shop/db TCP/5432 by shop/db-from-web'],
  },
  {
    name: 'a narrower replacement cuts what it no longer admits, and names the policy',
    current: [...shop, dbFrom('db', ['web', 'api'])],
    candidate: [dbFrom('db', ['web'])],
    cut: ['shop/api → shop/db TCP/5432 by shop/db'],
    opened: [],
  },
  {
    name: 'a replacement that stops isolating ingress opens it and starts cutting egress',
    current: [...shop, policy('shop/db', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] })],
    candidate: [policy('shop/db', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Egress'] })],
    cut: ['shop/db → kube-system/cluster-dns TCP/53 by shop/db', 'shop/db → kube-system/cluster-dns UDP/53 by shop/db', 'shop/db → shop/api TCP/8000 by shop/db', 'shop/db → shop/web TCP/8080 by shop/db', 'shop/db → shop/web TCP/9090 by shop/db'],
    opened: ['shop/api → shop/db TCP/5432 by shop/db', 'shop/web → shop/db TCP/5432 by shop/db'],
  },
  {
    name: 'a named port resolves on the destination: only the other port of web is cut',
    current: shop,
    candidate: [policy('shop/web-http', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'http' }] }] })],
    cut: ['shop/api → shop/web TCP/9090 by shop/web-http', 'shop/db → shop/web TCP/9090 by shop/web-http'],
    opened: [],
  },
  {
    name: 'only the changed policies are responsible, not the ones that already isolated',
    current: [...shop, denyIngress, dbFrom('db', ['web', 'api'])],
    candidate: [policy('shop/api-egress', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'] })],
    cut: ['shop/api → kube-system/cluster-dns TCP/53 by shop/api-egress', 'shop/api → kube-system/cluster-dns UDP/53 by shop/api-egress', 'shop/api → shop/db TCP/5432 by shop/api-egress'],
    opened: [],
  },
  {
    name: 'a new policy isolating an already isolated pod is not responsible for a replacement\'s cut',
    current: [...shop, denyIngress, dbFrom('db', ['web', 'api'])],
    candidate: [dbFrom('db', ['web']), policy('shop/all-8080', { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] })],
    cut: ['shop/api → shop/db TCP/5432 by shop/db'],
    opened: ['shop/api → shop/web TCP/8080 by shop/all-8080', 'shop/db → shop/web TCP/8080 by shop/all-8080'],
  },
];

describe('diffPolicies', () => {
  it.each(CASES)('$name', (testCase) => {
    const result = run(objects(...testCase.current), objects(...testCase.candidate));
    expect(result.diff.cut.map(line), 'cut').toEqual(testCase.cut);
    expect(result.diff.opened.map(line), 'opened').toEqual(testCase.opened);
  });

  it('says which candidates are added, replaced or the same as the current one', () => {
    const current = objects(...shop, denyIngress, dbFrom('db', ['web']));
    const result = run(current, objects(denyIngress, dbFrom('db', ['api']), dbFrom('db-2', ['web'])));
    const names = (refs: readonly { name: string }[]) => refs.map((ref) => ref.name);
    expect(names(result.policies.added)).toEqual(['db-2']);
    expect(names(result.policies.replaced)).toEqual(['db']);
    expect(names(result.policies.unchanged)).toEqual(['deny-ingress']);
    expect(result.policies.current).toBe(2);
  });

  it('a candidate identical to the current policies changes nothing', () => {
    const result = run(objects(...shop, denyIngress), objects(denyIngress));
    expect(result.diff.cut.length + result.diff.opened.length).toBe(0);
    expect(result.diff.judged, 'web 2 ports, api 1, db 1 from the other two, and 2 DNS ports from each of three').toBe(2 * 2 + 2 + 2 + 3 * 2);
  });

  it("uses the input's own DNS workload instead of the stand-in", () => {
    const dns = pod('kube-system/coredns', { labels: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }] });
    const result = run(objects(...shop, dns), objects(policy('shop/egress', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Egress'] })));
    expect(result.parties.map((party) => `${party.kind} ${party.label}`)).toEqual(['workload kube-system/coredns', 'workload shop/api', 'workload shop/db', 'workload shop/web']);
    expect(result.diff.cut.map(line)).toContain('shop/db → kube-system/coredns UDP/53 by shop/egress');
  });

  it('a Deployment has cells to itself (its pods talk to each other), a bare Pod does not (loopback)', () => {
    const result = run(objects(namespace('shop'), deployment('shop/cache', { app: 'cache' }, [{ containerPort: 6379 }]), pod('shop/one', { labels: { app: 'one' }, ports: [{ containerPort: 80 }] })), objects(denyIngress));
    expect(result.diff.cut.map(line)).toEqual(['shop/cache → shop/cache TCP/6379 by shop/deny-ingress', 'shop/cache → shop/one TCP/80 by shop/deny-ingress', 'shop/one → shop/cache TCP/6379 by shop/deny-ingress']);
  });

  it('scenario actors join as pods, and their written checks mark the cells they are on', () => {
    const s = scenario(`apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: chain}
spec:
  actors:
    client: {namespace: shop, labels: {app: web}}
    server: {namespace: shop, labels: {app: db}, listen: [5432]}
  checks:
    - {name: the way in, from: client, to: server:5432, expect: allow}
    - {name: names, from: server, dns: kubernetes.default.svc.cluster.local., expect: allow}
`);
    const result = run(NONE, objects(namespace('shop'), denyIngress), [s]);
    expect(result.diff.cut.map(line)).toEqual(['client → server TCP/5432 by shop/deny-ingress']);
    expect(result.diff.cut[0]?.expected).toEqual([{ scenario: 'chain', check: 'the way in', expect: 'allow', file: 'scenario.yaml', line: 9 }]);
    expect(result.notes).toContain('scenario chain: 1 check left out (1 dns): diff judges actor → actor checks only; the cells to the DNS pods stand for the dns checks');
  });

  it('Namespaces and workloads of the candidate join the picture; a differing label is named, the current one kept', () => {
    const current = objects(namespace('shop', { team: 'a' }));
    const candidate = objects(namespace('shop', { team: 'b' }), namespace('new'), pod('new/app', { labels: { app: 'x' }, ports: [{ containerPort: 80 }] }), policy('new/deny', { podSelector: {}, policyTypes: ['Ingress'] }));
    const result = run(current, candidate);
    expect(result.notes).toContain('Namespace shop: the candidate files give labels team=b, the current state has team=a; both states are judged with the current ones');
    expect(result.parties.map((party) => party.label)).toEqual(['new/app', 'kube-system/cluster-dns']);
  });
});
