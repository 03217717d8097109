/**
 * The cluster-scoped policy objects of a live cluster, for `expect: policy`, predict, explain, lint,
 * diff and discover: the engine judges with the tiers of network-policy-api (ClusterNetworkPolicy,
 * AdminNetworkPolicy, BaselineAdminNetworkPolicy), read here as the decoder reads them from files.
 * What it cannot model would make those verdicts wrong in either direction, so it is refused (exit 2,
 * naming the objects) unless the user says to judge by NetworkPolicies alone: objects the decoder
 * refuses, AWS's own ClusterNetworkPolicy, resources the user may not list, a scan that fails. A use
 * case whose own logic does not model the tiers yet (rollout's planner) refuses every such object.
 */
import { describeClusterPolicy, type ClusterPolicyScan, type ClusterScopedPolicy } from '../model/cluster-policies.js';
import { InputError, describeError } from '../model/errors.js';
import { decodeObjects, toInputIssue, type DecodeIssue, type RawObject } from '../policy/index.js';

export type ClusterPolicyScanner = () => Promise<ClusterPolicyScan>;

export interface ClusterPolicyGuardOptions {
  /** `--ignore-cluster-policies`: derive verdicts from NetworkPolicies alone, with a warning. */
  readonly ignore: boolean;
  /** What would be wrong, for the message: "deriving expect: policy expectations". */
  readonly doing: string;
  readonly warn: (text: string) => void;
  /**
   * `model`: the caller judges with the tiers, so the objects are read. `refuse`: it judges by
   * NetworkPolicies alone (rollout's planner), so any object is refused as unmodelled.
   */
  readonly tiers: 'model' | 'refuse';
}

export const IGNORE_CLUSTER_POLICIES_FLAG = '--ignore-cluster-policies';

const INSTEAD = `pass ${IGNORE_CLUSTER_POLICIES_FLAG} to judge by NetworkPolicies alone`;

/** The objects to add to the engine's input (none under --ignore-cluster-policies), or an InputError. */
export async function guardClusterPolicies(scan: ClusterPolicyScanner, options: ClusterPolicyGuardOptions): Promise<readonly RawObject[]> {
  let result: ClusterPolicyScan;
  try {
    result = await scan();
  } catch (error) {
    if (options.ignore) {
      options.warn(`could not look for cluster-scoped network policies (${describeError(error)}); ignoring them as ${IGNORE_CLUSTER_POLICIES_FLAG} says`);
      return [];
    }
    throw new InputError(`cannot tell whether cluster-scoped network policies exist (${describeError(error)}), so ${options.doing} might be wrong; fix the access, or ${INSTEAD}`);
  }
  const { found, unmodelled, unreadable } = result;
  if (options.ignore) {
    const all = [...found, ...unmodelled];
    if (all.length > 0) {
      options.warn(`ignoring ${all.length} cluster-scoped network policy object(s) as ${IGNORE_CLUSTER_POLICIES_FLAG} says: ${all.map(describeClusterPolicy).join(', ')}; verdicts come from NetworkPolicies alone`);
    } else if (unreadable.length > 0) {
      options.warn(`may not read ${unreadable.join(', ')}; ignoring cluster-scoped network policies as ${IGNORE_CLUSTER_POLICIES_FLAG} says`);
    }
    return [];
  }
  if (unmodelled.length > 0) {
    throw new InputError(
      `the cluster has ${unmodelled.length} network policy object(s) of an API kubeknock does not model: ${unmodelled.map(describeClusterPolicy).join(', ')} ` +
        `(AWS's own ClusterNetworkPolicy, not policy.networking.k8s.io's). They filter traffic alongside NetworkPolicies, so ${options.doing} without them could be wrong; nothing was created. ` +
        `Use expect: allow/deny for the affected checks, or ${INSTEAD}`,
    );
  }
  if (unreadable.length > 0) {
    throw new InputError(
      `the cluster serves cluster-scoped network policies (${result.servedVersions.join(', ')}) but the current user may not ${unreadable.join(', ')}, ` +
        `so ${options.doing} might be wrong; nothing was created. Ask for those list permissions, or ${INSTEAD}`,
    );
  }
  if (found.length === 0) return [];
  const named = found.map(describeClusterPolicy).join(', ');
  if (options.tiers === 'refuse') {
    throw new InputError(
      `the cluster has ${found.length} cluster-scoped network policy object(s): ${named}. ` +
        `They take precedence over (Admin tier) or fall back below (Baseline tier) NetworkPolicies, and ${options.doing} does not take them into account yet, so it could order or judge wrong; nothing was changed. ` +
        `Apply the NetworkPolicies with kubectl and check them with kubeknock run (its expect: policy judges with the tiers), or ${INSTEAD}`,
    );
  }
  const objects = found.map(clusterPolicyObject);
  const bad = undecodable(objects);
  if (bad.issues.length > 0) {
    throw new InputError(
      `the cluster has ${bad.objects.length} cluster-scoped network policy object(s) that kubeknock's decoder refuses: ${bad.objects.join(', ')} (the problems are listed below), ` +
        `so ${options.doing} cannot take them into account and could be wrong; nothing was created. ` +
        `If the API server accepted them, kubeknock reads that API differently (please report it); or ${INSTEAD}`,
      bad.issues.map(toInputIssue),
    );
  }
  return objects;
}

/** A listed object as the decoder reads a file's: messages name it `cluster:ClusterNetworkPolicy/NAME`. */
export function clusterPolicyObject(policy: ClusterScopedPolicy): RawObject {
  return { value: policy.object, file: `cluster:${policy.kind}/${policy.name}`, locate: () => ({ line: 0 }) };
}

/** The objects the decoder refuses (`ClusterNetworkPolicy NAME`), with its issues. */
export function undecodable(objects: readonly RawObject[]): { readonly objects: readonly string[]; readonly issues: readonly DecodeIssue[] } {
  const { issues } = decodeObjects(objects);
  return { objects: [...new Set(issues.map((issue) => issue.object ?? issue.file))], issues };
}
