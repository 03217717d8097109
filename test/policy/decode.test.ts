/** Manifests → inventory: API-server defaulting, and every shape it rejects reported with line and field. */
import { describe, expect, it } from 'vitest';
import { parseManifestText } from '../../src/scenario/read-manifests.js';
import { decodeObjects } from '../../src/policy/index.js';

function decode(text: string) {
  const parsed = parseManifestText(text, 'm.yaml');
  expect(parsed.issues, 'the YAML itself should parse').toEqual([]);
  return decodeObjects(parsed.objects);
}

const policyWith = (spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: p
  namespace: ns
spec:
${spec}`;

const INVALID: readonly { name: string; spec: string; line: number; path: string; message: string }[] = [
  {
    name: '`to: {}`, an object where a list belongs',
    spec: '  podSelector: {}\n  egress:\n    - to: {}\n',
    line: 9,
    path: 'spec.egress[0].to',
    message: 'must be a list',
  },
  { name: 'an empty peer', spec: '  podSelector: {}\n  ingress:\n    - from:\n        - {}\n', line: 10, path: 'spec.ingress[0].from[0]', message: 'must specify a peer' },
  {
    name: 'ipBlock combined with podSelector',
    spec: '  podSelector: {}\n  ingress:\n    - from:\n        - ipBlock: {cidr: 10.0.0.0/8}\n          podSelector: {}\n',
    line: 10,
    path: 'spec.ingress[0].from[0]',
    message: 'may not be combined',
  },
  {
    name: 'except outside the cidr',
    spec: '  podSelector: {}\n  ingress:\n    - from:\n        - ipBlock:\n            cidr: 10.0.0.0/8\n            except: [192.168.0.0/16]\n',
    line: 12,
    path: 'spec.ingress[0].from[0].ipBlock.except[0]',
    message: 'strict subset',
  },
  { name: 'a bad cidr', spec: '  podSelector: {}\n  ingress:\n    - from:\n        - ipBlock: {cidr: 10.0.0.0}\n', line: 10, path: 'spec.ingress[0].from[0].ipBlock.cidr', message: 'must be a CIDR' },
  { name: 'endPort below port', spec: '  podSelector: {}\n  ingress:\n    - ports:\n        - {port: 90, endPort: 80}\n', line: 10, path: 'spec.ingress[0].ports[0].endPort', message: '80 must be greater than or equal to port (90)' },
  { name: 'endPort with a named port', spec: '  podSelector: {}\n  ingress:\n    - ports:\n        - {port: http, endPort: 80}\n', line: 10, path: 'spec.ingress[0].ports[0].endPort', message: 'endPort 80 may not be set when port is a name ("http")' },
  { name: 'endPort without port', spec: '  podSelector: {}\n  ingress:\n    - ports:\n        - {endPort: 80}\n', line: 10, path: 'spec.ingress[0].ports[0].endPort', message: 'endPort 80 requires a numeric port' },
  { name: 'an unknown protocol', spec: '  podSelector: {}\n  ingress:\n    - ports:\n        - {port: 80, protocol: ICMP}\n', line: 10, path: 'spec.ingress[0].ports[0].protocol', message: 'must be one of TCP, UDP, SCTP, found "ICMP"' },
  { name: 'a quoted number is a (bad) port name', spec: '  podSelector: {}\n  ingress:\n    - ports:\n        - {port: "80"}\n', line: 10, path: 'spec.ingress[0].ports[0].port', message: 'port name "80" needs at least one letter' },
  { name: 'a misspelt field', spec: '  podselector: {}\n', line: 7, path: 'spec.podselector', message: 'unknown field "podselector"' },
  { name: 'a bad policy type', spec: '  podSelector: {}\n  policyTypes: [Ingres]\n', line: 8, path: 'spec.policyTypes[0]', message: 'must be one of Ingress, Egress, found "Ingres"' },
  { name: 'a double dash in a port name', spec: '  podSelector: {}\n  ingress:\n    - ports:\n        - {port: "web--x"}\n', line: 10, path: 'spec.ingress[0].ports[0].port', message: 'port name "web--x" must not start or end with' },
  { name: 'an upper-case label-key prefix', spec: '  podSelector:\n    matchLabels:\n      Example.com/app: web\n', line: 9, path: 'spec.podSelector.matchLabels.Example.com/app', message: 'the prefix "Example.com" must be a DNS subdomain' },
  { name: 'a trailing dot in a label-key prefix', spec: '  podSelector:\n    matchLabels:\n      example.com./app: web\n', line: 9, path: 'spec.podSelector.matchLabels.example.com./app', message: 'the prefix "example.com." must be a DNS subdomain' },
  { name: 'a label value with a space', spec: '  podSelector:\n    matchLabels:\n      app: "a b"\n', line: 9, path: 'spec.podSelector.matchLabels.app', message: 'value "a b" must be empty or letters' },
  { name: 'an unknown operator', spec: '  podSelector:\n    matchExpressions:\n      - {key: app, operator: Equals, values: [x]}\n', line: 9, path: 'spec.podSelector.matchExpressions[0].operator', message: '"Equals" must be one of In, NotIn, Exists, DoesNotExist' },
  { name: 'a bad matchExpressions key', spec: '  podSelector:\n    matchExpressions:\n      - {key: "a/b/c", operator: Exists}\n', line: 9, path: 'spec.podSelector.matchExpressions[0].key', message: 'key "a/b/c" may contain at most one' },
  { name: 'a comma in a matchExpressions value', spec: '  podSelector:\n    matchExpressions:\n      - {key: app, operator: In, values: ["a,b"]}\n', line: 9, path: 'spec.podSelector.matchExpressions[0].values', message: 'value "a,b" must be empty or letters' },
  {
    name: 'In without values',
    spec: '  podSelector:\n    matchExpressions:\n      - {key: app, operator: In}\n',
    line: 9,
    path: 'spec.podSelector.matchExpressions[0].values',
    message: 'operator "In" needs at least one value',
  },
  {
    name: 'Exists with values',
    spec: '  podSelector:\n    matchExpressions:\n      - {key: app, operator: Exists, values: [x]}\n',
    line: 9,
    path: 'spec.podSelector.matchExpressions[0].values',
    message: 'operator "Exists" takes no values (got "x")',
  },
  { name: 'a numeric label value', spec: '  podSelector:\n    matchLabels:\n      version: 2\n', line: 9, path: 'spec.podSelector.matchLabels.version', message: 'label value must be a string' },
];

describe('NetworkPolicy shapes the API server rejects', () => {
  it.each(INVALID.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const { inventory, issues } = decode(policyWith(row.spec));
    expect(issues.map((issue) => [issue.line, issue.path]), `one issue at line ${row.line}, ${row.path}`).toEqual([[row.line, row.path]]);
    expect(issues[0]?.message).toContain(row.message);
    expect(issues[0]?.policy, 'the issue names its policy, so lint can report it').toEqual({ namespace: 'ns', name: 'p' });
    expect(inventory.policies, 'a rejected policy is left out').toEqual([]);
  });

  it('lists every issue of a file, not just the first', () => {
    const { issues } = decode(`${policyWith('  podSelector: {}\n  egress:\n    - to: {}\n')}---\n${policyWith('  podselector: {}\n').replace('name: p', 'name: q')}`);
    expect(issues.map((issue) => `${issue.line} ${issue.path}`), 'both documents are reported, with their lines').toEqual(['9 spec.egress[0].to', '17 spec.podselector']);
  });
});

describe('defaulting and other kinds', () => {
  it('defaults policyTypes and protocol, and keeps rules in order with their paths', () => {
    const { inventory, issues } = decode(policyWith('  podSelector: {}\n  egress:\n    - ports: [{port: 53, protocol: UDP}, {port: 53}]\n'));
    expect(issues).toEqual([]);
    const [policy] = inventory.policies;
    expect(policy?.ingress.isolates, 'non-empty egress → [Ingress, Egress]').toBe(true);
    expect(policy?.egress.isolates).toBe(true);
    expect(policy?.egress.rules[0]?.ports, 'protocol defaults to TCP').toEqual([
      { type: 'number', protocol: 'UDP', port: 53 },
      { type: 'number', protocol: 'TCP', port: 53 },
    ]);
  });

  it('turns workloads into one pod named after the workload, from the pod template', () => {
    const { inventory, issues } = decode(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: c
          ports: [{name: http, containerPort: 8080}]
`);
    expect(issues).toEqual([]);
    expect(inventory.pods).toEqual([
      { namespace: 'shop', name: 'web', labels: { app: 'web' }, hostNetwork: false, containerPorts: [{ name: 'http', port: 8080, protocol: 'TCP' }], kind: 'Deployment', source: { file: 'm.yaml', line: 1 } },
    ]);
  });

  it('unpacks a List, skips unknown kinds and other API groups, and defaults the namespace', () => {
    const { inventory, issues } = decode(`apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: cm}}
  - {apiVersion: serving.knative.dev/v1, kind: Service, metadata: {name: knative}}
  - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: []}}
`);
    expect(issues).toEqual([]);
    expect(inventory.pods.map((pod) => `${pod.namespace}/${pod.name}`)).toEqual(['default/a']);
  });

  it('reports a duplicate object and YAML syntax errors with lines', () => {
    const duplicate = decode(`${policyWith('  podSelector: {}\n')}---\n${policyWith('  podSelector: {}\n')}`);
    expect(duplicate.issues.map((issue) => issue.message)).toEqual(['duplicate NetworkPolicy ns/p (first defined at m.yaml:1)']);
    const broken = parseManifestText('kind: Pod\nmetadata: {name: [\n', 'bad.yaml');
    expect(broken.issues.length, 'a syntax error is an issue').toBeGreaterThan(0);
    expect(broken.issues[0]?.line, 'with its line').toBeGreaterThan(0);
  });
});
