/** diff tells the policy that isolates from the one that only admits something else: a DNS cut must not read as "allow-dns cut DNS". */
import { describe, expect, it } from 'vitest';
import { diffPolicies } from '../../src/diff/index.js';
import { DEFAULT_ENGINE_OPTIONS } from '../../src/policy/index.js';
import { renderDiffTable } from '../../src/report/verdict-diff.js';
import { deployment, NONE, objects, policy } from './builders.js';

const toDns = { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] };
const candidate = objects(
  deployment('shop/web', { app: 'web' }, [{ containerPort: 8080 }]),
  policy('shop/default-deny', { podSelector: {}, policyTypes: ['Egress'] }),
  // UDP only: TCP 53 to the DNS is cut, and allow-dns is one of the policies that isolate web's egress.
  policy('shop/allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ...toDns, ports: [{ port: 53, protocol: 'UDP' }] }] }),
);

describe('diff: what each responsible policy did', () => {
  const result = diffPolicies({ current: NONE, candidate, scenarios: [], engine: DEFAULT_ENGINE_OPTIONS });
  const dnsCut = result.diff.cut.find((change) => change.cell.to === 'kube-system/cluster-dns' && change.cell.protocol === 'TCP');

  it('a DNS cut names default-deny as isolating and allow-dns as admitting other traffic only', () => {
    expect(dnsCut?.roles.map((entry) => `${entry.role} ${entry.policy.name}`), 'one role per policy').toEqual(['admits-other allow-dns', 'isolates default-deny']);
  });

  it('the table row says so in words', () => {
    const text = renderDiffTable(result, { color: false, maxRows: 0 });
    expect(text).toMatch(/shop\/web\s+kube-system\/cluster-dns\s+TCP\/53\s+eg\s+isolated by: shop\/default-deny; admits other traffic only: shop\/allow-dns\n/);
  });

  it('--width: every line of the table fits, the policies wrapping under their column', () => {
    const text = renderDiffTable(result, { color: false, maxRows: 0, width: 80 });
    const widest = Math.max(...text.split('\n').map((row) => [...row].length));
    expect(widest, text).toBeLessThanOrEqual(80);
    expect(text, 'nothing dropped').toContain('only: shop/allow-dns');
  });
});
