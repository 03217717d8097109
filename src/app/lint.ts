/**
 * lint: what is probably wrong with the policies. Exit code (decided by the CLI from the result):
 * 0 no findings, 1 findings, 2 unreadable input. A policy the API server would reject is a finding
 * (`invalid-shape`, severity error), so lint reports it along with everything else instead of stopping.
 */
import { lintPolicies, type LintFinding } from '../policy/index.js';
import { loadPolicyInput, type PolicySource } from './policy-input.js';

export interface LintResult {
  readonly findings: readonly LintFinding[];
  /** What lint could not judge, in words (for stderr). */
  readonly notes: readonly string[];
}

export async function lint(source: PolicySource): Promise<LintResult> {
  const { inventory, rejectedPolicies } = await loadPolicyInput(source);
  // Selections, peers and reachability are judged against the input's pods; policies alone have none.
  const notes =
    inventory.pods.length === 0
      ? ['the input holds no pods or workloads, so lint did not judge which pods the policies select, whether their peers match any pod, or whether some pod is left unreachable; add the workload manifests (-f) or use --from-cluster']
      : [];
  return { findings: lintPolicies(inventory, rejectedPolicies), notes };
}
