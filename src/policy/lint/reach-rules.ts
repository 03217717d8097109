/**
 * Lint rules that judge who can reach whom among the known pods: peers that match nobody (the Sock
 * Shop's `name: cart` for pods labelled `name: carts`), pods an ingress isolation leaves unreachable,
 * and the beta-era namespace annotation that once meant "default deny" and now means nothing.
 * The first two need the input's pods or workloads: without them there is nothing to judge against.
 */
import type { CompiledInventory, CompiledPolicy } from '../compiled.js';
import { describeSelector } from '../label-selector.js';
import { LEGACY_ISOLATION_ANNOTATION, type PeerSpec } from '../types.js';
import type { LintFinding } from './finding.js';
import { finding } from './policy-rules.js';

/**
 * A pod peer (podSelector and/or namespaceSelector) that matches none of the known pods, nor the
 * cluster DNS (which the input rarely holds; lint stands in for it). Kubernetes rule: a peer admits
 * exactly the pods it matches, so such a peer admits nothing.
 */
export function deadPeers(compiled: CompiledInventory, policy: CompiledPolicy, knownPods: ReadonlySet<number>): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const rule of [...policy.ingress, ...policy.egress]) {
    const field = rule.direction === 'ingress' ? 'from' : 'to';
    rule.peers.forEach((peer, index) => {
      if (peer.spec.type !== 'pods') return;
      if (compiled.pods.some((pod) => knownPods.has(pod.index) && peer.matchesPod(pod))) return;
      findings.push(
        finding(
          policy.spec,
          'peer-matches-no-pod',
          `${rule.path}.${field}[${index}]`,
          `${field}[${index}] (${describePeer(peer.spec, policy.spec.namespace)}) matches none of the ${knownPods.size} known pod(s): it admits nothing. A typo in a label (name: cart for name: carts), or pods the input does not hold?`,
          rule.line,
        ),
      );
    });
  }
  return findings;
}

/**
 * A pod isolated for ingress whose policies' ingress rules admit none of the known pods (other than
 * itself, when it is one bare Pod) and no address range: nothing known can reach it. A deliberate
 * lockdown (deny all, nothing meant to be allowed) is left alone: the pod is reported only when an
 * allow was evidently meant, i.e. one of its policies has ingress rules (that match nobody), or an
 * ingress policy of its namespace selects no known pod (an allow that missed its pods, as a typo
 * does). Reported on each policy that isolates it, the pods listed.
 */
export function unreachablePods(compiled: CompiledInventory, knownPods: ReadonlySet<number>): LintFinding[] {
  const missedAllows = new Map<string, string[]>();
  for (const policy of compiled.policies) {
    if (policy.ingress.length === 0) continue;
    const selectsSome = compiled.pods.some((pod) => knownPods.has(pod.index) && (compiled.isolatedBy.ingress[pod.index] ?? []).includes(policy.index));
    if (!selectsSome) missedAllows.set(policy.spec.namespace, [...(missedAllows.get(policy.spec.namespace) ?? []), policy.key]);
  }
  const byPolicy = new Map<number, string[]>();
  const hints = new Map<number, Set<string>>();
  for (const pod of compiled.pods) {
    if (!knownPods.has(pod.index) || pod.spec.hostNetwork) continue;
    const isolating = compiled.isolatedBy.ingress[pod.index] ?? [];
    if (isolating.length === 0) continue;
    const rules = compiled.rulesFor.ingress[pod.index] ?? [];
    const reachable = rules.some(
      (rule) =>
        rule.anyPeer ||
        rule.peers.some((peer) => peer.spec.type === 'ipBlock') ||
        compiled.pods.some((source) => knownPods.has(source.index) && rule.peerPods[source.index] === 1 && (source.index !== pod.index || pod.spec.kind !== 'Pod')),
    );
    const missed = missedAllows.get(pod.spec.namespace) ?? [];
    if (reachable || (rules.length === 0 && missed.length === 0)) continue;
    for (const policy of isolating) {
      byPolicy.set(policy, [...(byPolicy.get(policy) ?? []), pod.key]);
      const hint = hints.get(policy) ?? new Set<string>();
      missed.forEach((key) => hint.add(key));
      hints.set(policy, hint);
    }
  }
  return [...byPolicy].map(([index, pods]) => {
    const policy = compiled.policies[index] as CompiledPolicy;
    const [first] = pods;
    const which = pods.length === 1 ? `pod ${first ?? ''}` : `${pods.length} pods (${pods.slice(0, 3).join(', ')}${pods.length > 3 ? ', …' : ''})`;
    const missed = [...(hints.get(index) ?? [])];
    const hint = missed.length > 0 ? ` ${missed.join(', ')} admit${missed.length === 1 ? 's' : ''} ingress but select${missed.length === 1 ? 's' : ''} none of the known pods: wrong labels?` : ' Is an allow policy selecting the wrong labels?';
    return finding(
      policy.spec,
      'unreachable',
      'spec.podSelector',
      `isolates the ingress of ${which}, and no ingress rule of the policies selecting ${pods.length === 1 ? 'it' : 'them'} admits any of the known pods or an address range: nothing can reach ${pods.length === 1 ? 'it' : 'them'}.${hint}`,
    );
  });
}

/**
 * Kubernetes ≤ 1.6 isolated a namespace with `net.beta.kubernetes.io/network-policy:
 * {"ingress":{"isolation":"DefaultDeny"}}`; NetworkPolicy v1 (Kubernetes 1.7) dropped it, and no CNI
 * reads it. A namespace that relies on it has no default deny at all.
 */
export function legacyDefaultDeny(compiled: CompiledInventory): LintFinding[] {
  return compiled.inventory.namespaces
    .filter((ns) => ns.legacyIsolation !== undefined)
    .map((ns) => ({
      rule: 'legacy-default-deny' as const,
      severity: 'warning' as const,
      namespace: ns.name,
      field: `metadata.annotations.${LEGACY_ISOLATION_ANNOTATION}`,
      message:
        `the annotation ${LEGACY_ISOLATION_ANNOTATION} (${ns.legacyIsolation ?? ''}) is the beta isolation switch that Kubernetes 1.7 replaced with NetworkPolicy: nothing honours it, ` +
        `so trusting it means having NO default deny in ${ns.name}. Add a NetworkPolicy with podSelector {} and policyTypes [Ingress] instead`,
    }));
}

function describePeer(peer: PeerSpec, policyNamespace: string): string {
  if (peer.type !== 'pods') return peer.type;
  const pods = peer.podSelector ? `pods ${describeSelector(peer.podSelector)}` : 'every pod';
  const namespaces = peer.namespaceSelector ? `of namespaces ${describeSelector(peer.namespaceSelector)}` : `of namespace ${policyNamespace}`;
  return `${pods} ${namespaces}`;
}
