/**
 * Equivalence classes of identities: two are equivalent when every policy treats them alike: the same
 * policies isolate them for ingress and for egress, they match the same peers of every rule that can
 * judge them, and they declare the same ports (so named ports resolve the same and the same doors
 * exist). Then for any port, a → b has the verdict of a' → b' whenever a ~ a' and b ~ b': the engine
 * reads nothing else about the two ends (see evaluate.ts directionAllows). Loopback is the exception
 * CNIs disagree on, and is never probed.
 */
import type { CompiledPod, CompiledRule } from '../policy/compiled.js';
import type { CompiledInventory } from '../policy/index.js';
import type { Identity } from './types.js';

export interface ClassAssignment {
  /** classOf[i]: the class of identity i; classes are numbered by their first member. */
  readonly classOf: readonly number[];
  /** Members of each class (identity indexes, ascending). */
  readonly members: readonly (readonly number[])[];
}

export function computeClasses(compiled: CompiledInventory, identities: readonly Identity[]): ClassAssignment {
  const rules = relevantRules(compiled);
  const byKey = new Map<string, number>();
  const classOf: number[] = [];
  const members: number[][] = [];
  identities.forEach((identity, index) => {
    const signature = signatureOf(compiled, rules, identity, index);
    let id = byKey.get(signature);
    if (id === undefined) {
      id = members.length;
      byKey.set(signature, id);
      members.push([]);
    }
    classOf.push(id);
    members[id]?.push(index);
  });
  return { classOf, members };
}

/**
 * Only rules that judge some pod of the engine (an identity or the DNS pods) can tell identities apart
 * as peers; the bits of other rules would split classes for nothing.
 */
function relevantRules(compiled: CompiledInventory): CompiledRule[] {
  const seen = new Set<CompiledRule>();
  for (let index = 0; index < compiled.pods.length; index += 1) {
    for (const rule of compiled.rulesFor.ingress[index] ?? []) seen.add(rule);
    for (const rule of compiled.rulesFor.egress[index] ?? []) seen.add(rule);
  }
  return [...seen];
}

function signatureOf(compiled: CompiledInventory, rules: readonly CompiledRule[], identity: Identity, index: number): string {
  const isolation = `${(compiled.isolatedBy.ingress[index] ?? []).join(',')}|${(compiled.isolatedBy.egress[index] ?? []).join(',')}`;
  let peers = '';
  // 0 no, 1 yes, 2 an ipBlock with the pod's IP unknown: a class must not mix a sure verdict with an unknown one.
  for (const rule of rules) peers += String(rule.peerPods[index] ?? 0);
  // Cluster-scoped policies: whether each selects the identity, and how each of their peers judges it.
  for (const policy of compiled.tiers.policies) {
    peers += `|${policy.selects[index] ?? 0}`;
    for (const rule of [...policy.ingress, ...policy.egress]) for (const peer of rule.peers) peers += `,${peer.matchesPod(compiled.pods[index] as CompiledPod)}`;
  }
  const doors = identity.doors.map((door) => `${door.protocol}/${door.port}/${door.name ?? ''}`).join(',');
  return `${isolation}|${peers}|${doors}`;
}
