/**
 * The changes of a rollout: NetworkPolicies as read from the user's files (each with its file and
 * line), decoded by the policy engine's decoder. Every problem of every change is reported at once.
 */
import { InputError, type InputIssue } from '../model/errors.js';
import type { ObjectRef } from '../model/objects.js';
import { decodeObjects, type PolicySpec, type RawObject } from '../policy/index.js';

/** One NetworkPolicy to apply: the object as read from its file, and which object it is. */
export interface RolloutChange {
  readonly object: RawObject;
  readonly ref: ObjectRef;
}

const NETWORK_POLICY_API = 'networking.k8s.io/v1';

/** The NetworkPolicies among read objects, in file order, as changes (other kinds are not changes). */
export function rolloutChanges(objects: readonly RawObject[]): RolloutChange[] {
  return objects.flatMap((object) => {
    const value = object.value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
    if (value?.kind !== 'NetworkPolicy' || value.apiVersion !== NETWORK_POLICY_API || typeof value.metadata?.name !== 'string') return [];
    const namespace = typeof value.metadata.namespace === 'string' ? value.metadata.namespace : 'default';
    return [{ object, ref: { apiVersion: NETWORK_POLICY_API, kind: 'NetworkPolicy', namespace, name: value.metadata.name } }];
  });
}

/** `file:line` of a change, for messages and the plan. */
export function changeWhere(change: RolloutChange): string {
  const { line } = change.object.locate([]);
  return line > 0 ? `${change.object.file}:${line}` : change.object.file;
}

/** Each change as the engine's policy; an InputError lists every change that is no valid NetworkPolicy, or is given twice. */
export function decodeChanges(changes: readonly RolloutChange[]): PolicySpec[] {
  const issues: InputIssue[] = [];
  const seen = new Map<string, string>();
  const specs = changes.map((change) => {
    const where = changeWhere(change);
    const { inventory, issues: decodeIssues } = decodeObjects([change.object]);
    for (const issue of decodeIssues) {
      issues.push({ file: issue.file, line: issue.line, ...(issue.column === undefined ? {} : { column: issue.column }), path: issue.path, message: issue.object ? `${issue.message} (${issue.object})` : issue.message });
    }
    const [policy] = inventory.policies;
    if (decodeIssues.length > 0) return undefined;
    if (!policy || inventory.policies.length !== 1) {
      issues.push({ file: change.object.file, line: change.object.locate([]).line, path: '', message: `not one NetworkPolicy (${NETWORK_POLICY_API}): a rollout applies NetworkPolicies only` });
      return undefined;
    }
    const key = `${policy.namespace}/${policy.name}`;
    if (change.ref.kind !== 'NetworkPolicy' || (change.ref.namespace ?? 'default') !== policy.namespace || change.ref.name !== policy.name) {
      issues.push({ file: change.object.file, line: change.object.locate([]).line, path: 'metadata', message: `the object is NetworkPolicy ${key}, but the change names ${change.ref.kind} ${change.ref.namespace ?? ''}/${change.ref.name}` });
    }
    const first = seen.get(key);
    if (first !== undefined) issues.push({ file: change.object.file, line: change.object.locate([]).line, path: 'metadata.name', message: `NetworkPolicy ${key} is given twice (first at ${first}): a rollout applies each policy once; keep the version you mean` });
    else seen.set(key, where);
    return policy;
  });
  if (issues.length > 0) throw new InputError(`${issues.length} problem${issues.length === 1 ? '' : 's'} in the rollout's NetworkPolicies; nothing was applied`, issues);
  return specs.filter((spec): spec is PolicySpec => spec !== undefined);
}
