/** Each lint rule fires on its mistake and stays quiet on the correct form. */
import { describe, expect, it } from 'vitest';
import { decodeObjects, lintPolicies, type LintFinding } from '../../src/policy/index.js';
import { inventoryOf, pod, policy } from './builders.js';
import { raw } from './model.js';

const dns = { ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };
const summary = (findings: readonly LintFinding[]) => findings.map((f) => `${f.rule} ${f.namespace}/${f.policy ?? '-'} ${f.field}`);

const CASES: readonly { name: string; objects: readonly unknown[]; expected: readonly string[] }[] = [
  {
    name: 'namespaceSelector item + podSelector item: the OR meant as AND',
    objects: [
      policy('apps/scrape', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'monitoring' } } }, { podSelector: { matchLabels: { app: 'prometheus' } } }] }],
      }),
    ],
    expected: ['or-peers apps/scrape spec.ingress[0].from'],
  },
  {
    name: 'both selectors in one item (AND): no finding',
    objects: [policy('apps/scrape', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }] }] })],
    expected: [],
  },
  {
    name: 'egress isolation without any DNS',
    objects: [policy('lockdown/deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
    expected: ['egress-without-dns lockdown/deny spec.policyTypes'],
  },
  {
    name: 'egress isolation with DNS on UDP only',
    objects: [policy('lockdown/deny', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })],
    expected: ['egress-without-dns lockdown/deny spec.policyTypes'],
  },
  {
    name: 'DNS on UDP and TCP from a separate policy: no finding',
    objects: [policy('lockdown/deny', { podSelector: {}, policyTypes: ['Egress'] }), policy('lockdown/dns', { podSelector: {}, policyTypes: ['Egress'], egress: [dns] })],
    expected: [],
  },
  {
    name: 'a DNS policy for other pods does not help the selected ones',
    objects: [
      policy('shop/web-egress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 443 }] }] }),
      policy('shop/dns-for-db', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Egress'], egress: [dns] }),
    ],
    expected: ['egress-without-dns shop/web-egress spec.policyTypes'],
  },
  {
    name: 'Sock Shop "default deny + allow same namespace": egress to podSelector {} only cuts DNS',
    objects: [
      policy('sock-shop/default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      policy('sock-shop/allow-same-namespace', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] }),
    ],
    expected: ['egress-without-dns sock-shop/allow-same-namespace spec.policyTypes', 'egress-without-dns sock-shop/default-deny spec.policyTypes'],
  },
  {
    name: 'egress to a namespaceSelector matching only the own namespace cuts DNS',
    objects: [policy('shop/own-ns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }] }] })],
    expected: ['egress-without-dns shop/own-ns spec.policyTypes'],
  },
  {
    name: 'egress to pods app=db on any port admits port 53 but not the DNS pods',
    objects: [policy('shop/web-to-db', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }] })],
    expected: ['egress-without-dns shop/web-to-db spec.policyTypes'],
  },
  {
    name: 'egress UDP and TCP 53 to the DNS pods of kube-system: no finding',
    objects: [
      policy('shop/deny', { podSelector: {}, policyTypes: ['Egress'] }),
      policy('shop/dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ...dns }],
      }),
    ],
    expected: [],
  },
  {
    name: 'egress to the input\'s own DNS pods (other labels than the stand-in\'s peer would match) is judged on them',
    objects: [
      pod('kube-system/coredns', { labels: { 'k8s-app': 'kube-dns', team: 'dns' } }),
      pod('shop/web', { labels: { app: 'web' } }),
      policy('shop/dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { team: 'dns' } } }], ...dns }] }),
    ],
    expected: [],
  },
  {
    name: 'a policy that selects none of the known pods',
    objects: [pod('shop/web', { labels: { app: 'web' } }), policy('shop/typo', { podSelector: { matchLabels: { app: 'wbe' } }, policyTypes: ['Ingress'] })],
    expected: ['selects-no-pod shop/typo spec.podSelector'],
  },
  {
    name: 'a named port no destination pod declares',
    objects: [
      pod('shop/web', { labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 8080 }] }),
      policy('shop/web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'https' }, { port: 'http' }] }] }),
    ],
    expected: ['never-matches shop/web spec.ingress[0].ports[0]'],
  },
  {
    name: 'a peer that matches none of the known pods (name: cart for name: carts)',
    objects: [
      pod('sock-shop/carts', { labels: { name: 'carts' } }),
      pod('sock-shop/front-end', { labels: { name: 'front-end' } }),
      policy('sock-shop/front-end-egress', { podSelector: { matchLabels: { name: 'front-end' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { name: 'cart' } } }, { namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] }] }),
    ],
    expected: ['peer-matches-no-pod sock-shop/front-end-egress spec.egress[0].to[0]'],
  },
  {
    name: 'a pod isolated for ingress that no known pod can reach',
    objects: [
      pod('shop/web', { labels: { app: 'web' } }),
      pod('shop/api', { labels: { app: 'api' } }),
      policy('shop/api', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
      policy('shop/web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }] }] }),
    ],
    expected: ['peer-matches-no-pod shop/web spec.ingress[0].from[0]', 'unreachable shop/web spec.podSelector'],
  },
  {
    name: 'a deliberate lockdown (deny all ingress, no allow meant) is not reported as unreachable',
    objects: [pod('vault/secrets', { labels: { app: 'secrets' } }), policy('vault/deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
    expected: ['egress-without-dns vault/deny-all spec.policyTypes'],
  },
  {
    name: 'the beta DefaultDeny namespace annotation isolates nothing',
    objects: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'legacy', annotations: { 'net.beta.kubernetes.io/network-policy': '{"ingress":{"isolation":"DefaultDeny"}}' } } },
    ],
    expected: ['legacy-default-deny legacy/- metadata.annotations.net.beta.kubernetes.io/network-policy'],
  },
  {
    name: 'kube-system without a policy is not reported (guides advise against policing it)',
    objects: [pod('kube-system/coredns', { labels: { 'k8s-app': 'kube-dns' } }), pod('shop/web', { labels: { app: 'web' } }), policy('shop/allow', { podSelector: {}, ingress: [{}] })],
    expected: [],
  },
  {
    name: 'a namespace with workloads and no policy',
    objects: [pod('legacy/app', {}), pod('shop/web', { labels: { app: 'web' } }), policy('shop/allow', { podSelector: {}, ingress: [{}] })],
    expected: ['namespace-wide-open legacy/- '],
  },
];

describe('lint rules', () => {
  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    expect(summary(lintPolicies(inventoryOf(testCase.objects))), 'exactly these findings').toEqual(testCase.expected);
  });

  it('reports a policy the API server would reject as an invalid-shape error naming the policy and field', () => {
    const { inventory, issues } = decodeObjects(raw([policy('shop/bad', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: {} }] })]));
    const findings = lintPolicies(inventory, issues);
    expect(findings.map((f) => [f.rule, f.severity, f.policy, f.field]), 'one error on spec.egress[0].to').toEqual([['invalid-shape', 'error', 'bad', 'spec.egress[0].to']]);
  });
});

describe('Service port written where the targetPort belongs', () => {
  const service = (targetPort: number | string) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: 'shop', name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort }] },
  });
  const web = pod('shop/web', { labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 8080 }] });
  const allow = (port: number | string) => policy('shop/web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port }] }] });

  it.each([
    ['numeric targetPort', service(8080), allow(80), ['never-matches shop/web spec.ingress[0].ports[0]']],
    ['named targetPort', service('http'), allow(80), ['never-matches shop/web spec.ingress[0].ports[0]']],
    ['the policy names the targetPort', service(8080), allow(8080), []],
    ['the policy uses the named port', service('http'), allow('http'), []],
  ] as const)('%s', (_name, svc, pol, expected) => {
    expect(summary(lintPolicies(inventoryOf([web, svc, pol]))), 'after DNAT the pod sees the targetPort').toEqual(expected);
  });
});

describe('namespaceSelector matching no known namespace', () => {
  const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  const from = (namespaceSelector: unknown) => policy('apps/p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector }] }] });

  it.each([
    ['a label no namespace carries', [ns('apps'), ns('monitoring'), from({ matchLabels: { name: 'monitoring' } })], ['never-matches apps/p spec.ingress[0].from[0].namespaceSelector']],
    ['a label a declared namespace carries', [ns('apps'), ns('monitoring', { team: 'monitoring' }), from({ matchLabels: { team: 'monitoring' } })], []],
    ['the always-present name label, even for an undeclared namespace', [ns('apps'), from({ matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } })], []],
    ['no namespaces known: not judged', [from({ matchLabels: { name: 'monitoring' } })], []],
  ] as const)('%s', (_name, objects, expected) => {
    expect(summary(lintPolicies(inventoryOf(objects))), 'only a selector that can match nothing is flagged').toEqual(expected);
  });
});
