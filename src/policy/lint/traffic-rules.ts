/** Lint rules judged on traffic: DNS under egress isolation, namespaces no policy governs. */
import type { CompiledInventory, CompiledPolicy } from '../compiled.js';
import { rulePortMatch } from '../evaluate.js';
import type { Protocol } from '../types.js';
import type { LintFinding } from './finding.js';
import { finding } from './policy-rules.js';

/**
 * Egress isolation drops DNS unless some egress rule admits port 53 over UDP AND over TCP (large
 * answers and some resolvers use TCP). Checked per pod over the union of its policies; reported on
 * each policy that isolates the pod's egress.
 */
export function egressWithoutDns(compiled: CompiledInventory, pods: ReadonlySet<number>): LintFinding[] {
  const missingByPolicy = new Map<number, { protocols: Set<Protocol>; pods: string[] }>();
  for (const pod of compiled.pods) {
    if (!pods.has(pod.index)) continue;
    const isolating = compiled.isolatedBy.egress[pod.index] ?? [];
    if (isolating.length === 0) continue;
    const rules = compiled.rulesFor.egress[pod.index] ?? [];
    const missing = (['UDP', 'TCP'] as const).filter((protocol) => !rules.some((rule) => rulePortMatch(rule, 53, protocol, undefined) !== -1));
    if (missing.length === 0) continue;
    for (const policyIndex of isolating) {
      const entry = missingByPolicy.get(policyIndex) ?? { protocols: new Set<Protocol>(), pods: [] };
      missing.forEach((protocol) => entry.protocols.add(protocol));
      entry.pods.push(pod.key);
      missingByPolicy.set(policyIndex, entry);
    }
  }
  return [...missingByPolicy].map(([policyIndex, { protocols, pods: affected }]) => {
    const policy = compiled.policies[policyIndex] as CompiledPolicy;
    const which = [...protocols].sort().reverse().map((protocol) => `${protocol} 53`).join(' and ');
    return finding(
      policy.spec,
      'egress-without-dns',
      'spec.policyTypes',
      `isolates egress of ${describePods(affected)}, but no egress rule of the policies selecting them allows DNS on ${which}: name lookups will fail`,
    );
  });
}

/** Namespaces with workloads and no NetworkPolicy at all: every pod there accepts and sends anything. */
export function wideOpenNamespaces(compiled: CompiledInventory, realPods: ReadonlySet<number>): LintFinding[] {
  const governed = new Set(compiled.policies.map((policy) => policy.spec.namespace));
  const counts = new Map<string, number>();
  for (const pod of compiled.pods) {
    if (!realPods.has(pod.index) || pod.spec.hostNetwork || governed.has(pod.spec.namespace)) continue;
    counts.set(pod.spec.namespace, (counts.get(pod.spec.namespace) ?? 0) + 1);
  }
  return [...counts].map(([namespace, count]) => ({
    rule: 'namespace-wide-open' as const,
    severity: 'warning' as const,
    namespace,
    field: '',
    message: `namespace ${namespace} has ${count} workload(s) and no NetworkPolicy: all traffic to and from them is allowed`,
  }));
}

function describePods(keys: readonly string[]): string {
  const [first] = keys;
  return keys.length === 1 ? (first ?? '') : `${first ?? ''} and ${keys.length - 1} more pod(s)`;
}
