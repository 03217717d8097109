/** Lint rules judged on traffic: DNS under egress isolation, namespaces no policy governs. */
import { DNS_LABELS, DNS_NAMESPACE } from '../cluster-dns.js';
import type { CompiledInventory, CompiledPod, CompiledPolicy } from '../compiled.js';
import { directionAllows } from '../evaluate.js';
import type { Protocol } from '../types.js';
import type { LintFinding } from './finding.js';
import { finding } from './policy-rules.js';

/**
 * Egress isolation drops DNS unless the pod's egress admits the DNS pods on port 53 over UDP AND over
 * TCP (large answers and some resolvers use TCP). Judged by the engine, peers included: a rule to
 * `app=db` on any port, or to the pod's own namespace, admits port 53 but not the DNS pods. The DNS
 * pods are the input's (k8s-app=kube-dns in kube-system) or the stand-in diff and discover use; one of
 * them answering is enough. Checked per pod over the union of its policies; reported on each policy
 * that isolates the pod's egress.
 */
export function egressWithoutDns(compiled: CompiledInventory, pods: ReadonlySet<number>, dnsPods: readonly number[], standIn: boolean): LintFinding[] {
  const dns = dnsPods.map((index) => compiled.pods[index]).filter((pod): pod is CompiledPod => pod !== undefined);
  const missingByPolicy = new Map<number, { protocols: Set<Protocol>; pods: string[] }>();
  for (const pod of compiled.pods) {
    if (!pods.has(pod.index) || dnsPods.includes(pod.index)) continue;
    const isolating = compiled.isolatedBy.egress[pod.index] ?? [];
    if (isolating.length === 0) continue;
    const reaches = (protocol: Protocol): boolean => dns.some((server) => directionAllows(compiled, 'egress', pod, { type: 'pod', pod: server }, server, 53, protocol));
    const missing = (['UDP', 'TCP'] as const).filter((protocol) => !reaches(protocol));
    if (missing.length === 0) continue;
    for (const policyIndex of isolating) {
      const entry = missingByPolicy.get(policyIndex) ?? { protocols: new Set<Protocol>(), pods: [] };
      missing.forEach((protocol) => entry.protocols.add(protocol));
      entry.pods.push(pod.key);
      missingByPolicy.set(policyIndex, entry);
    }
  }
  const servers = standIn ? `pods k8s-app=${DNS_LABELS['k8s-app']} in ${DNS_NAMESPACE}; the input holds none, so a stand-in is judged` : describePods(dns.map((pod) => pod.key));
  return [...missingByPolicy].map(([policyIndex, { protocols, pods: affected }]) => {
    const policy = compiled.policies[policyIndex] as CompiledPolicy;
    const which = [...protocols].sort().reverse().map((protocol) => `${protocol} 53`).join(' and ');
    return finding(
      policy.spec,
      'egress-without-dns',
      'spec.policyTypes',
      `isolates egress of ${describePods(affected)}, but no egress rule of the policies selecting them admits the cluster DNS (${servers}) on ${which}: name lookups will fail. ` +
        `Allow ${which} to namespaceSelector kubernetes.io/metadata.name=${DNS_NAMESPACE} with podSelector k8s-app=${DNS_LABELS['k8s-app']}`,
    );
  });
}

/**
 * The cluster's own namespaces: NetworkPolicy guides advise against policing them (a mistake there
 * breaks DNS and the control plane for everyone), so no policy there is not a finding.
 */
const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** Namespaces with workloads and no NetworkPolicy at all: every pod there accepts and sends anything. */
export function wideOpenNamespaces(compiled: CompiledInventory, realPods: ReadonlySet<number>): LintFinding[] {
  const governed = new Set([...compiled.policies.map((policy) => policy.spec.namespace), ...SYSTEM_NAMESPACES]);
  const counts = new Map<string, number>();
  for (const pod of compiled.pods) {
    // A pod in the subject of a cluster-scoped policy is governed too, by the Admin or Baseline tier.
    const clusterGoverned = compiled.tiers.policies.some((policy) => policy.selects[pod.index] === 1);
    if (!realPods.has(pod.index) || pod.spec.hostNetwork || governed.has(pod.spec.namespace) || clusterGoverned) continue;
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
