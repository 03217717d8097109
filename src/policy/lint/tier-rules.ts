/**
 * Lint rules for cluster-scoped tiers, judged on the known pods: a Baseline Deny that a namespace's
 * NetworkPolicy silently replaces, an Admin Pass with nothing below it, an Admin Deny that cuts DNS,
 * and rules that an earlier rule of the same tier always pre-empts.
 */
import type { CompiledClusterPolicy, CompiledInventory, CompiledPod, CompiledTierRule, Direction } from '../compiled.js';
import { tierPortsMatch } from '../tier-compile.js';
import { judgeTier, type TierQuery } from '../tier-evaluate.js';
import type { Protocol } from '../types.js';
import type { LintFinding, LintRule } from './finding.js';

function tierFinding(policy: CompiledClusterPolicy, rule: LintRule, at: CompiledTierRule, message: string): LintFinding {
  const { spec } = policy;
  return {
    rule,
    severity: 'warning',
    namespace: '',
    policy: spec.name,
    kind: spec.kind,
    field: at.spec.path,
    message,
    ...(spec.source ? { file: spec.source.file, line: at.spec.line } : {}),
  };
}

const subjects = (compiled: CompiledInventory, policy: CompiledClusterPolicy, pods: ReadonlySet<number>): CompiledPod[] =>
  compiled.pods.filter((pod) => pods.has(pod.index) && policy.selects[pod.index] === 1);

const isolated = (compiled: CompiledInventory, direction: Direction, pod: CompiledPod): boolean => (compiled.isolatedBy[direction][pod.index] ?? []).length > 0;

/**
 * The API: NetworkPolicy decides for the pods it selects, and the Baseline tier only judges the others,
 * so a Baseline Deny on a pod some NetworkPolicy isolates never applies.
 */
export function overriddenBaselineDenies(compiled: CompiledInventory, pods: ReadonlySet<number>): LintFinding[] {
  return compiled.tiers.policies
    .filter((policy) => policy.spec.tier === 'Baseline')
    .flatMap((policy) =>
      (['ingress', 'egress'] as const).flatMap((direction) => {
        const covered = subjects(compiled, policy, pods).filter((pod) => isolated(compiled, direction, pod));
        if (covered.length === 0) return [];
        const namespaces = [...new Set(covered.map((pod) => pod.spec.namespace))].sort();
        const policies = [...new Set(covered.flatMap((pod) => (compiled.isolatedBy[direction][pod.index] ?? []).map((index) => compiled.policies[index]?.key ?? '')))].sort();
        return policy[direction]
          .filter((rule) => rule.spec.action === 'Deny')
          .map((rule) =>
            tierFinding(
              policy,
              'baseline-overridden',
              rule,
              `this Baseline Deny never applies to ${covered.length} pod(s) in ${namespaces.join(', ')}: NetworkPolicy ${policies.join(', ')} selects them for ${direction} and decides instead (the Baseline tier judges only pods no NetworkPolicy selects)`,
            ),
          );
      }),
    );
}

/** An Admin Pass hands on to NetworkPolicy and the Baseline tier; where neither judges the subject, Pass is Accept in disguise. */
export function passesToNothing(compiled: CompiledInventory, pods: ReadonlySet<number>): LintFinding[] {
  const baseline = compiled.tiers.policies.filter((policy) => policy.spec.tier === 'Baseline');
  return compiled.tiers.policies
    .filter((policy) => policy.spec.tier === 'Admin')
    .flatMap((policy) =>
      (['ingress', 'egress'] as const).flatMap((direction) => {
        const selected = subjects(compiled, policy, pods);
        const judgedBelow = (pod: CompiledPod): boolean => isolated(compiled, direction, pod) || baseline.some((other) => other.selects[pod.index] === 1 && other[direction].length > 0);
        if (selected.length === 0 || selected.some(judgedBelow)) return [];
        return policy[direction]
          .filter((rule) => rule.spec.action === 'Pass')
          .map((rule) =>
            tierFinding(policy, 'pass-to-nothing', rule, `no NetworkPolicy and no Baseline ${direction} rule judges the ${selected.length} subject pod(s), so this Pass admits everything it matches: write Accept if that is meant`),
          );
      }),
    );
}

/** An Admin egress Deny that denies a subject pod its DNS lookups (UDP 53 to the cluster DNS pods), where no earlier rule accepts them. */
export function adminDenyCutsDns(compiled: CompiledInventory, pods: ReadonlySet<number>, dnsPods: readonly number[]): LintFinding[] {
  const findings = new Map<CompiledTierRule, { policy: CompiledClusterPolicy; pods: string[] }>();
  for (const pod of compiled.pods.filter((candidate) => pods.has(candidate.index))) {
    const dns = compiled.pods[dnsPods[0] ?? -1];
    if (!dns) break;
    const outcome = judgeTier(compiled.tiers, 'Admin', { direction: 'egress', subject: pod, other: { type: 'pod', pod: dns }, destination: dns, port: 53, protocol: 'UDP', family: undefined });
    if (outcome.kind !== 'decided' || outcome.action !== 'Deny') continue;
    for (const rule of outcome.rules) {
      const entry = findings.get(rule) ?? { policy: compiled.tiers.policies[rule.policy] as CompiledClusterPolicy, pods: [] };
      entry.pods.push(pod.key);
      findings.set(rule, entry);
    }
  }
  return [...findings].map(([rule, { policy, pods: cut }]) =>
    tierFinding(policy, 'dns-cut-by-admin', rule, `denies DNS (UDP 53 to the cluster DNS) to ${cut.length} pod(s) (${cut[0] ?? ''}${cut.length > 1 ? ', …' : ''}), and no NetworkPolicy can give it back: add an Accept for the cluster DNS before it`),
  );
}

/**
 * A rule of the tier that never acts: wherever it matches (each subject pod, each known pod as peer, each
 * port it names, or a few ports when it names none), an earlier rule of the tier acted first.
 */
export function shadowedRules(compiled: CompiledInventory, pods: ReadonlySet<number>): LintFinding[] {
  const known = compiled.pods.filter((pod) => pods.has(pod.index));
  const findings: LintFinding[] = [];
  for (const policy of compiled.tiers.policies) {
    for (const direction of ['ingress', 'egress'] as const) {
      for (const rule of policy[direction]) {
        if (rule.peers.some((peer) => peer.spec.type !== 'namespaces' && peer.spec.type !== 'pods')) continue;
        const by = new Set<string>();
        let matched = false;
        let acted = false;
        for (const subject of subjects(compiled, policy, pods)) {
          for (const other of known) {
            if (other.index === subject.index || !rule.peers.some((peer) => peer.matchesPod(other) === 'match')) continue;
            const destination = direction === 'ingress' ? subject : other;
            for (const [port, protocol] of samplePorts(rule, destination)) {
              if (!tierPortsMatch(rule.spec.ports, port, protocol, destination)) continue;
              matched = true;
              const query: TierQuery = { direction, subject, other: { type: 'pod', pod: other }, destination, port, protocol, family: undefined };
              const outcome = judgeTier(compiled.tiers, policy.spec.tier, query);
              const first = outcome.kind === 'none' ? undefined : outcome.rules[0];
              if (first === rule || (outcome.kind !== 'none' && outcome.rules.includes(rule))) acted = true;
              else if (first) by.add(`${compiled.tiers.policies[first.policy]?.spec.name ?? ''} ${first.spec.path}`);
            }
            if (acted) break;
          }
          if (acted) break;
        }
        if (matched && !acted) {
          findings.push(tierFinding(policy, 'shadowed-rule', rule, `never acts on the known pods: ${[...by].sort().join(', ')} always match(es) first (a lower priority number, or earlier in the policy)`));
        }
      }
    }
  }
  return findings;
}

/** The ports a rule names (a range by its ends, a named port as the destination declares it), or a few common ones when it names none. */
function samplePorts(rule: CompiledTierRule, destination: CompiledPod): (readonly [number, Protocol])[] {
  if (rule.spec.ports.length === 0) return [[80, 'TCP'], [53, 'UDP'], [443, 'TCP'], [65535, 'TCP'], [65535, 'UDP'], [65535, 'SCTP']];
  return rule.spec.ports.flatMap((entry): (readonly [number, Protocol])[] => {
    if (entry.type === 'number') return entry.endPort === undefined ? [[entry.port, entry.protocol]] : [[entry.port, entry.protocol], [entry.endPort, entry.protocol]];
    return destination.spec.containerPorts.filter((port) => port.name === entry.name).map((port) => [port.port, port.protocol] as const);
  });
}
