/** Lint rules read from one policy and the known pods and namespaces: OR-ed peers, empty selections, dead ports and selectors. */
import type { CompiledInventory, CompiledPolicy, CompiledRule } from '../compiled.js';
import { compileSelector, describeSelector } from '../label-selector.js';
import { NAMESPACE_NAME_LABEL, type LabelSelector, type PolicySpec } from '../types.js';
import type { LintFinding, LintRule } from './finding.js';

export function finding(policy: PolicySpec, rule: LintRule, field: string, message: string, line?: number): LintFinding {
  return {
    rule,
    severity: 'warning',
    namespace: policy.namespace,
    policy: policy.name,
    field,
    message,
    ...(policy.source ? { file: policy.source.file, line: line ?? policy.source.line } : {}),
  };
}

/**
 * Kubernetes rule: separate entries of a `from`/`to` list are OR-ed. `- namespaceSelector: …` followed
 * by `- podSelector: …` admits every pod of those namespaces OR the labelled pods of the policy's own
 * namespace; writing both selectors in ONE entry (no dash before podSelector) means AND.
 */
export function orPeers(policy: PolicySpec): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const field = direction === 'ingress' ? 'from' : 'to';
    for (const rule of policy[direction].rules) {
      const namespaceOnly = rule.peers.findIndex((peer) => peer.type === 'pods' && peer.namespaceSelector && !peer.podSelector);
      const podOnly = rule.peers.findIndex((peer) => peer.type === 'pods' && peer.podSelector && !peer.namespaceSelector);
      if (namespaceOnly < 0 || podOnly < 0) continue;
      const ns = selectorOf(rule.peers[namespaceOnly], 'namespaceSelector');
      const pod = selectorOf(rule.peers[podOnly], 'podSelector');
      findings.push(
        finding(
          policy,
          'or-peers',
          `${rule.path}.${field}`,
          `${field}[${namespaceOnly}] (namespaceSelector ${ns}) and ${field}[${podOnly}] (podSelector ${pod}) are separate peers, so they are OR-ed: ` +
            `EVERY pod in namespaces matching ${ns}, or pods matching ${pod} in namespace ${policy.namespace}. ` +
            `To require both, put podSelector in the same entry as namespaceSelector (drop the "-" before podSelector).`,
          rule.line,
        ),
      );
    }
  }
  return findings;
}

/** Only meaningful when pods are known: a playbook of policies alone says nothing about selection. */
export function selectsNoPod(compiled: CompiledInventory, policy: CompiledPolicy, realPods: ReadonlySet<number>): LintFinding[] {
  const inNamespace = compiled.pods.filter((pod) => realPods.has(pod.index) && pod.spec.namespace === policy.spec.namespace);
  if (inNamespace.some((pod) => !pod.spec.hostNetwork && policy.selects(pod.spec.labels))) return [];
  return [
    finding(
      policy.spec,
      'selects-no-pod',
      'spec.podSelector',
      `podSelector ${describeSelector(policy.spec.podSelector)} selects none of the ${inNamespace.length} known pod(s) of namespace ${policy.spec.namespace}: the policy has no effect`,
    ),
  ];
}

/**
 * A named port resolves on the destination pod: for an ingress rule the pods the policy selects, for an
 * egress rule the pods its peers match. When none of those declares the name (with that protocol), the
 * port entry can never match.
 */
export function deadNamedPorts(compiled: CompiledInventory, policy: CompiledPolicy, realPods: ReadonlySet<number>): LintFinding[] {
  const findings: LintFinding[] = [];
  const rules: CompiledRule[] = [...policy.ingress, ...policy.egress];
  for (const rule of rules) {
    const destinations = compiled.pods.filter(
      (pod) =>
        realPods.has(pod.index) &&
        (rule.direction === 'ingress'
          ? pod.spec.namespace === policy.spec.namespace && !pod.spec.hostNetwork && policy.selects(pod.spec.labels)
          : rule.peerPods[pod.index] === 1),
    );
    if (destinations.length === 0) continue;
    rule.ports.forEach((entry, index) => {
      if (entry.type !== 'named') return;
      if (destinations.some((pod) => pod.namedPorts.has(`${entry.protocol}/${entry.name}`))) return;
      findings.push(
        finding(
          policy.spec,
          'never-matches',
          `${rule.path}.ports[${index}]`,
          `named port "${entry.name}" (${entry.protocol}) is declared by none of the ${destinations.length} destination pod(s) (${rule.direction === 'ingress' ? 'pods this policy selects' : 'pods the rule\'s peers match'}): this entry never matches`,
          rule.line,
        ),
      );
    });
  }
  return findings;
}

function selectorOf(peer: PolicySpec['ingress']['rules'][number]['peers'][number] | undefined, key: 'namespaceSelector' | 'podSelector'): string {
  const selector: LabelSelector | undefined = peer?.type === 'pods' ? peer[key] : undefined;
  return selector ? describeSelector(selector) : '?';
}

/**
 * A namespaceSelector that matches none of the known namespaces, typically `name: monitoring` on a
 * namespace that was never given that label. Judged only when namespaces are known (declared in the
 * input or read from the cluster); selectors on `kubernetes.io/metadata.name` are trusted, since the API
 * server sets that label on every namespace, including ones the input does not declare.
 */
export function deadNamespaceSelectors(compiled: CompiledInventory, policy: CompiledPolicy): LintFinding[] {
  const known = new Map<string, Readonly<Record<string, string>>>();
  for (const ns of compiled.inventory.namespaces) known.set(ns.name, { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name });
  if (known.size === 0) return [];
  const findings: LintFinding[] = [];
  for (const rule of [...policy.ingress, ...policy.egress]) {
    const field = rule.direction === 'ingress' ? 'from' : 'to';
    rule.peers.forEach((peer, index) => {
      if (peer.spec.type !== 'pods' || !peer.spec.namespaceSelector) return;
      const selector = peer.spec.namespaceSelector;
      const keys = [...Object.keys(selector.matchLabels ?? {}), ...(selector.matchExpressions ?? []).map((e) => e.key)];
      if (keys.includes(NAMESPACE_NAME_LABEL)) return;
      const matches = compileSelector(selector);
      if ([...known.values()].some((labels) => matches(labels))) return;
      findings.push(
        finding(
          policy.spec,
          'never-matches',
          `${rule.path}.${field}[${index}].namespaceSelector`,
          `namespaceSelector ${describeSelector(selector)} matches none of the ${known.size} known namespace(s) (${[...known.keys()].slice(0, 5).join(', ')}${known.size > 5 ? ', …' : ''}): is the label missing from the namespace? ${NAMESPACE_NAME_LABEL} is always set`,
          rule.line,
        ),
      );
    });
  }
  return findings;
}
