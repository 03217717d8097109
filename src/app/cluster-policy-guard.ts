/**
 * `expect: policy`, `predict`, `explain` and `lint` on a live cluster judge with NetworkPolicies only.
 * Where AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy objects exist, those
 * verdicts can be wrong in either direction, so they are refused (exit 2, naming the objects) unless
 * the user says to ignore them; a cluster where we cannot even look is refused the same way.
 */
import { describeClusterPolicy, type ClusterPolicyScan } from '../model/cluster-policies.js';
import { InputError, describeError } from '../model/errors.js';

export type ClusterPolicyScanner = () => Promise<ClusterPolicyScan>;

export interface ClusterPolicyGuardOptions {
  /** `--ignore-cluster-policies`: derive verdicts from NetworkPolicies anyway, with a warning. */
  readonly ignore: boolean;
  /** What would be wrong, for the message: "deriving expect: policy expectations". */
  readonly doing: string;
  readonly warn: (text: string) => void;
}

export const IGNORE_CLUSTER_POLICIES_FLAG = '--ignore-cluster-policies';

export async function guardClusterPolicies(scan: ClusterPolicyScanner, options: ClusterPolicyGuardOptions): Promise<void> {
  let result: ClusterPolicyScan;
  try {
    result = await scan();
  } catch (error) {
    if (options.ignore) {
      options.warn(`could not look for cluster-scoped network policies (${describeError(error)}); ignoring them as ${IGNORE_CLUSTER_POLICIES_FLAG} says`);
      return;
    }
    throw new InputError(
      `cannot tell whether cluster-scoped network policies exist (${describeError(error)}), so ${options.doing} might be wrong; ` +
        `fix the access, or pass ${IGNORE_CLUSTER_POLICIES_FLAG} to judge by NetworkPolicies alone`,
    );
  }
  const named = result.found.map(describeClusterPolicy).join(', ');
  if (result.found.length > 0) {
    if (options.ignore) {
      options.warn(`ignoring ${result.found.length} cluster-scoped network policy object(s) as ${IGNORE_CLUSTER_POLICIES_FLAG} says: ${named}; verdicts come from NetworkPolicies alone`);
      return;
    }
    throw new InputError(
      `the cluster has ${result.found.length} cluster-scoped network policy object(s) that kubeknock's policy engine does not model yet: ${named}. ` +
        `They take precedence over (Admin tier) or fall back below (Baseline tier) NetworkPolicies, so ${options.doing} from NetworkPolicies alone could be wrong; nothing was created. ` +
        `Use expect: allow/deny for the affected checks, or pass ${IGNORE_CLUSTER_POLICIES_FLAG} to judge by NetworkPolicies alone`,
    );
  }
  if (result.unreadable.length > 0) {
    if (options.ignore) {
      options.warn(`may not read ${result.unreadable.join(', ')}; ignoring cluster-scoped network policies as ${IGNORE_CLUSTER_POLICIES_FLAG} says`);
      return;
    }
    throw new InputError(
      `the cluster serves cluster-scoped network policies (${result.servedVersions.join(', ')}) but the current user may not ${result.unreadable.join(', ')}, ` +
        `so ${options.doing} might be wrong; nothing was created. Ask for those list permissions, or pass ${IGNORE_CLUSTER_POLICIES_FLAG} to judge by NetworkPolicies alone`,
    );
  }
}
