/**
 * Policy engine benchmark: 1,000 pods in 50 namespaces, 200 policies, the full 1,000,000-pair truth
 * table for one port. Prints compile time, matrix time and peak RSS. Run with `npm run bench:policy`.
 * The inventory is generated deterministically (no randomness), so runs are comparable.
 */
import { compileInventory, computeMatrix, type Inventory, type NamespaceSpec, type PodSpec, type PolicySpec, type RuleSpec } from '../src/policy/index.js';

const NAMESPACES = 50;
const PODS_PER_NAMESPACE = 20;
const POLICIES_PER_NAMESPACE = 4;
const TIERS = ['front', 'back', 'db'] as const;

function generate(): Inventory {
  const namespaces: NamespaceSpec[] = [];
  const pods: PodSpec[] = [];
  const policies: PolicySpec[] = [];
  for (let n = 0; n < NAMESPACES; n += 1) {
    const ns = `ns-${String(n).padStart(2, '0')}`;
    namespaces.push({ name: ns, labels: { 'kubernetes.io/metadata.name': ns, team: `t${n % 5}`, env: n % 2 === 0 ? 'prod' : 'dev' } });
    for (let p = 0; p < PODS_PER_NAMESPACE; p += 1) {
      pods.push({
        namespace: ns,
        name: `pod-${String(p).padStart(2, '0')}`,
        labels: { app: `app-${p % 10}`, tier: TIERS[p % 3] ?? 'front', ...(p % 4 === 0 ? { canary: 'true' } : {}) },
        ip: `10.${n}.${p}.1`,
        hostNetwork: false,
        containerPorts: [
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'metrics', port: 9090, protocol: 'TCP' },
        ],
        kind: 'Pod',
      });
    }
    const rule = (index: number, direction: 'ingress' | 'egress', peers: RuleSpec['peers'], ports: RuleSpec['ports']): RuleSpec => ({
      path: `spec.${direction}[${index}]`,
      line: 0,
      peers,
      ports,
    });
    const base = { namespace: ns };
    policies.push(
      { ...base, name: 'default-deny-ingress', podSelector: {}, ingress: { isolates: true, rules: [] }, egress: { isolates: false, rules: [] } },
      {
        ...base,
        name: 'allow-front-from-team',
        podSelector: { matchLabels: { tier: 'front' } },
        ingress: {
          isolates: true,
          rules: [
            rule(0, 'ingress', [{ type: 'pods', namespaceSelector: { matchLabels: { team: `t${n % 5}` } } }], [{ type: 'named', protocol: 'TCP', name: 'http' }]),
            rule(1, 'ingress', [{ type: 'pods', namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, podSelector: { matchLabels: { tier: 'front' } } }], [{ type: 'number', protocol: 'TCP', port: 8000, endPort: 8100 }]),
          ],
        },
        egress: { isolates: false, rules: [] },
      },
      {
        ...base,
        name: 'allow-back-from-front',
        podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['back', 'db'] }] },
        ingress: {
          isolates: true,
          rules: [
            rule(0, 'ingress', [{ type: 'pods', podSelector: { matchLabels: { tier: 'front' } } }, { type: 'ipBlock', cidr: `10.${(n + 1) % NAMESPACES}.0.0/16`, except: [`10.${(n + 1) % NAMESPACES}.0.0/24`] }], [{ type: 'number', protocol: 'TCP', port: 8080 }]),
          ],
        },
        egress: { isolates: false, rules: [] },
      },
      {
        ...base,
        name: 'egress-canary',
        podSelector: { matchExpressions: [{ key: 'canary', operator: 'Exists' }] },
        ingress: { isolates: false, rules: [] },
        egress: {
          isolates: true,
          rules: [
            rule(0, 'egress', [{ type: 'pods', namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], [
              { type: 'number', protocol: 'UDP', port: 53 },
              { type: 'number', protocol: 'TCP', port: 53 },
            ]),
            rule(1, 'egress', [{ type: 'pods', namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] } }], [{ type: 'named', protocol: 'TCP', name: 'http' }]),
          ],
        },
      },
    );
  }
  return { namespaces, pods, services: [], policies };
}

const inventory = generate();
if (inventory.policies.length !== NAMESPACES * POLICIES_PER_NAMESPACE) throw new Error('generator drifted from 200 policies');
const started = performance.now();
const compiled = compileInventory(inventory);
const compiledAt = performance.now();
const matrix = computeMatrix(compiled, 8080, 'TCP');
const finished = performance.now();

let allowed = 0;
for (let i = 0; i < matrix.egress.length; i += 1) if (matrix.egress[i] === 1 && matrix.ingress[i] === 1) allowed += 1;
const pairs = matrix.pods.length ** 2;
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  [
    `pods ${inventory.pods.length}, namespaces ${inventory.namespaces.length}, policies ${inventory.policies.length}, pairs ${pairs} (TCP/8080), allowed ${allowed}`,
    `compile ${(compiledAt - started).toFixed(0)} ms, matrix ${(finished - compiledAt).toFixed(0)} ms, total ${(finished - started).toFixed(0)} ms`,
    `peak RSS ${maxRssMiB.toFixed(1)} MiB (node ${process.versions.node})`,
    '',
  ].join('\n'),
);
