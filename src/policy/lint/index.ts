/** Lint: every rule over an inventory, plus the policies the decoder had to reject. */
import { dnsStandIn, isClusterDns } from '../cluster-dns.js';
import { compileInventory } from '../compile.js';
import type { DecodeIssue } from '../decode/index.js';
import type { Inventory } from '../types.js';
import type { LintFinding } from './finding.js';
import { deadNamedPorts, deadNamespaceSelectors, orPeers, selectsNoPod } from './policy-rules.js';
import { deadPeers, legacyDefaultDeny, unreachablePods } from './reach-rules.js';
import { withRepresentatives } from './representatives.js';
import { servicePortInsteadOfTargetPort } from './service-rules.js';
import { adminDenyCutsDns, overriddenBaselineDenies, passesToNothing, shadowedRules } from './tier-rules.js';
import { egressWithoutDns, wideOpenNamespaces } from './traffic-rules.js';

export type { LintFinding, LintRule } from './finding.js';
export { LINT_RULES } from './finding.js';

/**
 * `rejected`: decode issues inside NetworkPolicies (the API server would refuse them); they become
 * `invalid-shape` errors, and those policies are absent from `inventory`.
 */
export function lintPolicies(inventory: Inventory, rejected: readonly DecodeIssue[] = []): LintFinding[] {
  const { inventory: withStandIns, representatives } = withRepresentatives(inventory);
  // DNS is judged against the input's DNS pods, or a stand-in added after the representatives (so it
  // does not count as a pod of kube-system) and never counted as a real pod.
  const dnsReal = inventory.pods.some(isClusterDns);
  const standIn = dnsReal ? [] : [dnsStandIn()];
  const compiled = compileInventory({ ...withStandIns, pods: [...withStandIns.pods, ...standIn] });
  const dnsPods = compiled.pods.filter((pod) => (dnsReal ? isClusterDns(pod.spec) && !representatives.has(pod.key) : pod.index >= withStandIns.pods.length)).map((pod) => pod.index);
  const realPods = new Set(compiled.pods.filter((pod) => !representatives.has(pod.key) && pod.index < withStandIns.pods.length).map((pod) => pod.index));
  const everyPod = new Set(compiled.pods.filter((pod) => pod.index < withStandIns.pods.length).map((pod) => pod.index));
  const podsKnown = realPods.size > 0;
  // A peer to the cluster DNS is no typo when the input lacks DNS pods: the stand-in counts as known.
  const peerTargets = new Set([...realPods, ...dnsPods]);

  const findings: LintFinding[] = rejected.map((issue) => ({
    rule: 'invalid-shape',
    severity: 'error',
    namespace: issue.policy?.namespace ?? '',
    ...(issue.policy ? { policy: issue.policy.name } : {}),
    field: issue.path,
    message: issue.message,
    file: issue.file,
    line: issue.line,
  }));
  for (const policy of compiled.policies) {
    findings.push(...orPeers(policy.spec), ...deadNamespaceSelectors(compiled, policy));
    if (podsKnown) findings.push(...selectsNoPod(compiled, policy, realPods), ...deadNamedPorts(compiled, policy, realPods), ...deadPeers(compiled, policy, peerTargets));
  }
  if (podsKnown) findings.push(...unreachablePods(compiled, realPods));
  findings.push(...legacyDefaultDeny(compiled), ...servicePortInsteadOfTargetPort(compiled, realPods), ...egressWithoutDns(compiled, everyPod, dnsPods, !dnsReal), ...wideOpenNamespaces(compiled, realPods));
  if (compiled.tiers.policies.length > 0) {
    findings.push(...overriddenBaselineDenies(compiled, realPods), ...passesToNothing(compiled, realPods), ...adminDenyCutsDns(compiled, everyPod, dnsPods), ...shadowedRules(compiled, realPods));
  }
  return findings.sort(
    (a, b) =>
      a.namespace.localeCompare(b.namespace) ||
      (a.policy ?? '').localeCompare(b.policy ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.field.localeCompare(b.field),
  );
}
