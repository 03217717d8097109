/**
 * diff: what the candidate NetworkPolicies (--to files) would cut and open, compared with the current
 * objects (-f files or the live cluster; neither: no policy at all, only the Namespaces and workloads
 * the --to files bring), on every workload, scenario actor and declared port.
 */
import { diffPolicies, placeFlows, type DiffResult } from '../diff/index.js';
import type { FlowsDocument } from '../flows/types.js';
import { InputError } from '../model/errors.js';
import type { EngineOptions, Inventory } from '../policy/index.js';
import { loadScenarios } from '../scenario/load.js';
import { loadInventory, type PolicySource } from './policy-input.js';

export interface DiffOptions {
  /** The current objects; absent: the current state has no NetworkPolicy at all. */
  readonly current?: PolicySource;
  /** `namespaces`: the -n that places objects naming no namespace, as for the current files. */
  readonly candidate: { readonly paths: readonly string[]; readonly cwd: string; readonly namespaces?: readonly string[] };
  readonly scenarios: readonly string[];
  readonly engine: EngineOptions;
  /** Observed flows (`--flows`, read and checked by the caller): the cuts that carried traffic are marked. */
  readonly flows?: FlowsDocument;
  /** Told what was left out or assumed, one line each. */
  readonly note?: (text: string) => void;
}

const NOTHING: Inventory = { namespaces: [], pods: [], services: [], policies: [] };

export async function diff(options: DiffOptions): Promise<DiffResult> {
  const { note } = options;
  const current = options.current ? await loadInventory(options.current) : NOTHING;
  if (!options.current) note?.('no -f and no --from-cluster: the current state has no NetworkPolicy at all; the Namespaces and workloads come from the --to files');
  const { paths, cwd, namespaces } = options.candidate;
  const candidate = await loadInventory({ type: 'files', paths, cwd, ...(namespaces ? { namespaces } : {}), ...(note ? { note } : {}) });
  const given = options.candidate.paths.join(', ');
  if (candidate.policies.length === 0) {
    throw new InputError(
      `--to ${given}: no NetworkPolicy to compare; diff judges the NetworkPolicies of the --to files against the current ones (-f or --from-cluster): give the candidate policies with --to`,
    );
  }
  if ((candidate.clusterPolicies?.length ?? 0) > 0) {
    throw new InputError(
      `--to ${given}: holds cluster-scoped policies (${(candidate.clusterPolicies ?? []).map((policy) => `${policy.kind} ${policy.name}`).join(', ')}); diff compares NetworkPolicies under the current cluster-scoped ones: put those in the current objects (-f) instead`,
    );
  }
  const scenarios = options.scenarios.length > 0 ? await loadScenarios(options.scenarios) : [];
  const result = diffPolicies({ current, candidate, scenarios, engine: options.engine });
  if (result.diff.judged === 0) {
    throw new InputError(
      `nothing to judge: no workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) with pod labels in ${options.current ? 'the current objects or ' : ''}the --to files, and no scenario actor; give the workloads with -f or --to, or actors with --scenario FILE`,
    );
  }
  if (!options.flows) return result;
  return { ...result, flows: placeFlows(result.parties, result.diff.cut, options.flows.flows) };
}
