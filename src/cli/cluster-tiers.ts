/**
 * The cluster-scoped tiers of a live cluster, for the commands that read it (--from-cluster, discover):
 * scanned, refused where unmodelled, and returned as engine input. Loaded only by those commands: it
 * pulls in the Kubernetes client.
 */
import { guardClusterPolicies } from '../app/cluster-policy-guard.js';
import { scanClusterPolicies } from '../cluster/cluster-policies.js';
import type { LoadedKubeConfig } from '../cluster/kubeconfig.js';
import type { RawObject } from '../policy/index.js';

export interface ClusterTierOptions {
  /** `--ignore-cluster-policies`. */
  readonly ignore: boolean;
  /** What would be wrong without them, for the messages. */
  readonly doing: string;
  readonly warn: (text: string) => void;
}

export function readClusterTiers(kc: LoadedKubeConfig['kc'], options: ClusterTierOptions): Promise<readonly RawObject[]> {
  return guardClusterPolicies(() => scanClusterPolicies(kc), { ...options, tiers: 'model' });
}
