/**
 * The upstream Kubernetes NetworkPolicy e2e cases (test/e2e/network/netpol), restated as truth tables
 * over the full x/y/z × a/b/c model. The expectations follow the semantics, loopback cells included.
 */
import type { Protocol } from '../../src/policy/index.js';
import { Reachability, ipOf, networkPolicy } from './model.js';

export interface ConformanceCase {
  readonly name: string;
  readonly policies: readonly unknown[];
  readonly checks: readonly { readonly port: number; readonly protocol: Protocol; readonly expected: Reachability }[];
}

const NS_NAME = 'kubernetes.io/metadata.name';
const allow = (): Reachability => new Reachability();
const denyIngressX = (): Reachability => allow().expect('*', 'x/*', false);
const tcp = (port: number, expected: Reachability) => ({ port, protocol: 'TCP' as const, expected });

const defaultDenyIngress = networkPolicy('x', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
const podA = { matchLabels: { pod: 'a' } };
const fromNsY = (protocol: Protocol) =>
  networkPolicy('x', `allow-81-from-y-${protocol}`, {
    podSelector: podA,
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } } }], ports: [{ port: 81, protocol }] }],
  });
const onlyYa = (protocol: Protocol) => ({
  name: `ingress only from y/a (namespaceSelector AND podSelector), ${protocol}`,
  policies: [
    networkPolicy('x', 'allow-y-a', {
      podSelector: podA,
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } }, podSelector: podA }] }],
    }),
  ],
  checks: [{ port: 80, protocol, expected: allow().allIngress('x/a', false).expect('y/a', 'x/a', true) }],
});

export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  ...(['TCP', 'UDP', 'SCTP'] as const).map((protocol) => ({
    name: `default-deny-ingress, ${protocol}`,
    policies: [defaultDenyIngress],
    checks: [{ port: 80, protocol, expected: denyIngressX() }],
  })),
  {
    name: 'default-deny-all',
    policies: [networkPolicy('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
    checks: [tcp(80, denyIngressX().expect('x/*', '*', false))],
  },
  {
    name: 'ingress from pods within the namespace by podSelector',
    policies: [networkPolicy('x', 'x-a-allows-x-b', { podSelector: podA, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] })],
    checks: [tcp(80, allow().allIngress('x/a', false).expect('x/b', 'x/a', true))],
  },
  {
    name: 'ingress to a target on top of default deny',
    policies: [
      networkPolicy('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }),
      networkPolicy('x', 'allow-all-to-a', { podSelector: podA, ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }] }),
    ],
    checks: [tcp(80, denyIngressX().allIngress('x/a', true))],
  },
  {
    name: 'ingress from pods in all namespaces (namespaceSelector {})',
    policies: [networkPolicy('x', 'allow-from-another-ns', { podSelector: podA, ingress: [{ from: [{ namespaceSelector: { matchLabels: {} } }] }] })],
    checks: [tcp(80, allow())],
  },
  ...[
    ['matchLabels on the default namespace label', { matchLabels: { [NS_NAME]: 'y' } }],
    ['matchExpressions In', { matchExpressions: [{ key: NS_NAME, operator: 'In', values: ['y'] }] }],
    ['matchLabels on a user label', { matchLabels: { ns: 'y' } }],
  ].map(([what, selector]) => ({
    name: `ingress only from another namespace by namespaceSelector (${String(what)})`,
    policies: [networkPolicy('x', 'allow-client-a-via-ns-selector', { podSelector: podA, ingress: [{ from: [{ namespaceSelector: selector }] }] })],
    checks: [tcp(80, allow().expect('x/*', 'x/a', false).expect('z/*', 'x/a', false))],
  })),
  {
    name: 'podSelector with matchExpressions',
    policies: [
      networkPolicy('x', 'x-a-allows-x-b', {
        podSelector: podA,
        ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b'] }] } }] }],
      }),
    ],
    checks: [tcp(80, allow().allIngress('x/a', false).expect('x/b', 'x/a', true))],
  },
  {
    name: 'podSelector OR namespaceSelector (two peers)',
    policies: [
      networkPolicy('x', 'allow-ns-not-x-or-pod-b', {
        podSelector: podA,
        ingress: [
          {
            from: [
              { namespaceSelector: { matchExpressions: [{ key: NS_NAME, operator: 'NotIn', values: ['x'] }] } },
              { podSelector: { matchLabels: { pod: 'b' } } },
            ],
          },
        ],
      }),
    ],
    checks: [tcp(80, allow().expect('x/a', 'x/a', false).expect('x/c', 'x/a', false))],
  },
  {
    name: 'podSelector AND namespaceSelector (one peer)',
    policies: [
      networkPolicy('x', 'allow-ns-not-x-and-pod-b', {
        podSelector: podA,
        ingress: [
          {
            from: [
              { namespaceSelector: { matchExpressions: [{ key: NS_NAME, operator: 'NotIn', values: ['x'] }] }, podSelector: { matchLabels: { pod: 'b' } } },
            ],
          },
        ],
      }),
    ],
    checks: [tcp(80, allow().allIngress('x/a', false).expect('y/b', 'x/a', true).expect('z/b', 'x/a', true))],
  },
  {
    name: 'multiple podSelectors and namespaceSelectors',
    policies: [
      networkPolicy('x', 'allow-ns-y-z-pod-b-c', {
        podSelector: podA,
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchExpressions: [{ key: NS_NAME, operator: 'NotIn', values: ['x'] }] },
                podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] },
              },
            ],
          },
        ],
      }),
    ],
    checks: [tcp(80, allow().allIngress('x/a', false).expect('y/b', 'x/a', true).expect('y/c', 'x/a', true).expect('z/b', 'x/a', true).expect('z/c', 'x/a', true))],
  },
  {
    name: 'any of several podSelectors',
    policies: [
      networkPolicy('x', 'allow-ns-x-pod-b-c', {
        podSelector: podA,
        ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }, { podSelector: { matchLabels: { pod: 'c' } } }] }],
      }),
    ],
    checks: [tcp(80, allow().allIngress('x/a', false).expect('x/b', 'x/a', true).expect('x/c', 'x/a', true))],
  },
  onlyYa('TCP'),
  onlyYa('UDP'),
  onlyYa('SCTP'),
  ...(['TCP', 'UDP', 'SCTP'] as const).map((protocol) => ({
    name: `ports: only namespace y on ${protocol} 81`,
    policies: [fromNsY(protocol)],
    checks: [
      { port: 81, protocol, expected: allow().expect('x/*', 'x/a', false).expect('z/*', 'x/a', false) },
      { port: 80, protocol, expected: allow().allIngress('x/a', false) },
    ],
  })),
  {
    name: 'stacked policies with overlapping podSelectors',
    policies: [
      fromNsY('TCP'),
      networkPolicy('x', 'allow-80-from-y', {
        podSelector: podA,
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } } }], ports: [{ port: 80, protocol: 'TCP' }] }],
      }),
    ],
    checks: [80, 81].map((port) => tcp(port, allow().expect('x/*', 'x/a', false).expect('z/*', 'x/a', false))),
  },
  {
    name: 'allow-all',
    policies: [networkPolicy('x', 'allow-all', { podSelector: { matchLabels: {} }, ingress: [{}] })],
    checks: [tcp(80, allow()), tcp(81, allow())],
  },
  {
    name: 'ingress on one named port',
    policies: [networkPolicy('x', 'allow-all', { podSelector: {}, ingress: [{ ports: [{ port: 'serve-81-tcp' }] }] })],
    checks: [tcp(81, allow()), tcp(80, denyIngressX())],
  },
  {
    name: 'ingress from a namespace on one named port',
    policies: [
      networkPolicy('x', 'allow-client-a-via-ns-selector-80', {
        podSelector: podA,
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } } }], ports: [{ port: 'serve-80-tcp', protocol: 'TCP' }] }],
      }),
    ],
    checks: [tcp(80, allow().expect('x/*', 'x/a', false).expect('z/*', 'x/a', false)), tcp(81, allow().allIngress('x/a', false))],
  },
  {
    name: 'egress on one named port',
    policies: [networkPolicy('x', 'allow-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'serve-80-tcp' }] }] })],
    checks: [tcp(80, allow()), tcp(81, allow().expect('x/*', '*', false))],
  },
  {
    name: 'deny-all by an ingress list that is present but empty',
    policies: [networkPolicy('x', 'allow-all-mutate-to-deny-all', { podSelector: {}, ingress: [] })],
    checks: [tcp(81, denyIngressX())],
  },
  {
    name: 'deny ingress from other namespaces (podSelector {} peer)',
    policies: [networkPolicy('x', 'deny-empty-policy', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })],
    checks: [tcp(80, allow().expect('y/*', 'x/*', false).expect('z/*', 'x/*', false))],
  },
  {
    name: 'deny ingress to a pod by label',
    policies: [networkPolicy('x', 'deny-ingress-via-label-selector', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Ingress'] })],
    checks: [tcp(80, allow().allIngress('x/a', false))],
  },
  {
    name: 'deny egress from a pod by podSelector',
    policies: [networkPolicy('x', 'deny-egress-pod-a', { podSelector: podA, policyTypes: ['Egress'] })],
    checks: [tcp(80, allow().allEgress('x/a', false))],
  },
  {
    name: 'deny egress from all pods of a namespace',
    policies: [networkPolicy('x', 'deny-egress-ns-x', { podSelector: {}, policyTypes: ['Egress'] })],
    checks: [tcp(80, allow().expect('x/*', '*', false))],
  },
  {
    name: 'ingress and egress specified together',
    policies: [
      networkPolicy('x', 'allow-client-a-via-pod-selector', {
        podSelector: podA,
        policyTypes: ['Egress', 'Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
        egress: [{ ports: [{ port: 80 }] }],
      }),
    ],
    checks: [
      tcp(80, allow().allIngress('x/a', false).expect('x/b', 'x/a', true)),
      tcp(81, allow().allIngress('x/a', false).allEgress('x/a', false).expect('x/b', 'x/a', true)),
    ],
  },
  {
    name: 'egress denied on the client even when the server allows',
    policies: [
      networkPolicy('x', 'allow-to-ns-y-pod-a', {
        podSelector: podA,
        policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } }, podSelector: podA }] }],
      }),
      ...['a', 'b'].map((pod) =>
        networkPolicy('y', `allow-from-xa-on-y${pod}`, {
          podSelector: { matchLabels: { pod } },
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'x' } }, podSelector: podA }] }],
        }),
      ),
    ],
    checks: [tcp(80, allow().allEgress('x/a', false).allIngress('y/a', false).allIngress('y/b', false).expect('x/a', 'y/a', true))],
  },
  {
    name: 'egress to a server in another namespace by podSelector AND namespaceSelector',
    policies: [
      networkPolicy('x', 'allow-to-ns-y-pod-a', {
        podSelector: podA,
        policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { [NS_NAME]: 'y' } }, podSelector: podA }] }],
      }),
    ],
    checks: [tcp(80, allow().allEgress('x/a', false).expect('x/a', 'y/a', true))],
  },
  {
    name: 'ingress on any port of one protocol',
    policies: [networkPolicy('x', 'allow-ingress-by-proto', { podSelector: podA, ingress: [{ ports: [{ protocol: 'TCP' }] }] })],
    checks: [tcp(80, allow()), { port: 80, protocol: 'UDP', expected: allow().allIngress('x/a', false) }],
  },
  {
    name: 'an ingress allow-all policy takes precedence',
    policies: [
      networkPolicy('x', 'allow-ingress-port-80', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] }),
      networkPolicy('x', 'allow-ingress', { podSelector: {}, ingress: [{}] }),
    ],
    checks: [tcp(81, allow())],
  },
  {
    name: 'an ingress policy on port 80 alone blocks 81',
    policies: [networkPolicy('x', 'allow-ingress-port-80', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] })],
    checks: [tcp(81, denyIngressX())],
  },
  {
    name: 'an egress allow-all policy takes precedence',
    policies: [
      networkPolicy('x', 'allow-egress-port-80', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 80 }] }] }),
      networkPolicy('x', 'allow-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }),
    ],
    checks: [tcp(81, allow())],
  },
  {
    name: 'an egress policy on port 80 alone blocks 81',
    policies: [networkPolicy('x', 'allow-egress-port-80', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 80 }] }] })],
    checks: [tcp(81, allow().expect('x/*', '*', false))],
  },
  {
    name: 'egress to a server in a CIDR block',
    policies: [networkPolicy('x', 'allow-client-a-via-cidr-egress-rule', { podSelector: podA, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: `${ipOf('y/b')}/32` } }] }] })],
    checks: [tcp(80, allow().allEgress('x/a', false).expect('x/a', 'y/b', true))],
  },
  {
    name: 'except clause of a CIDR block',
    policies: [
      networkPolicy('x', 'allow-client-a-via-cidr-egress-rule', {
        podSelector: podA,
        policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/4', except: [`${ipOf('x/b')}/32`] } }] }],
      }),
    ],
    checks: [tcp(80, allow().expect('x/a', 'x/b', false))],
  },
  {
    name: 'an IP in both a CIDR except and another policy is allowed',
    policies: [
      networkPolicy('x', 'allow-client-a-via-cidr-egress-rule', {
        podSelector: podA,
        policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/4', except: [`${ipOf('x/b')}/32`] } }] }],
      }),
      networkPolicy('x', 'allow-x-b', { podSelector: podA, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: `${ipOf('x/b')}/32` } }] }] }),
    ],
    checks: [tcp(80, allow())],
  },
  {
    name: 'ingress and egress controlled independently',
    policies: [
      networkPolicy('x', 'allow-egress-for-target', { podSelector: podA, policyTypes: ['Egress'], egress: [{}] }),
      networkPolicy('x', 'deny-ingress-via-label-selector', { podSelector: podA, policyTypes: ['Ingress'] }),
    ],
    checks: [tcp(80, allow().allIngress('x/a', false))],
  },
  {
    name: "SCTP is not TCP: an SCTP-only allow does not open TCP",
    policies: [defaultDenyIngress, networkPolicy('x', 'allow-only-sctp-ingress-on-port-81', { podSelector: podA, ingress: [{ ports: [{ port: 81, protocol: 'SCTP' }] }] })],
    checks: [tcp(81, denyIngressX()), { port: 81, protocol: 'SCTP', expected: denyIngressX().allIngress('x/a', true) }],
  },
  {
    name: 'a policy allowing only SCTP still isolates for TCP',
    policies: [networkPolicy('x', 'allow-only-sctp-ingress-on-port-80', { podSelector: podA, ingress: [{ ports: [{ port: 80, protocol: 'SCTP' }] }] })],
    checks: [tcp(81, allow().allIngress('x/a', false))],
  },
  {
    name: 'a UDP-only policy does not allow TCP',
    policies: [networkPolicy('x', 'allow-only-udp-ingress-on-port-81', { podSelector: podA, ingress: [{ ports: [{ port: 81, protocol: 'UDP' }] }] })],
    checks: [tcp(81, allow().allIngress('x/a', false)), { port: 81, protocol: 'UDP', expected: allow() }],
  },
  {
    name: 'egress by namespaceSelector NotIn on the default namespace label',
    policies: [
      networkPolicy('x', 'allow-ns-y-match-selector-for-immutable-ns-label', {
        podSelector: podA,
        policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: NS_NAME, operator: 'NotIn', values: ['y'] }] } }] }],
      }),
    ],
    checks: [tcp(80, allow().expect('x/a', 'y/*', false))],
  },
];
