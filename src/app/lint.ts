/**
 * lint: what is probably wrong with the policies. Exit code (decided by the CLI from the result):
 * 0 no findings, 1 findings, 2 unreadable input. A policy the API server would reject is a finding
 * (`invalid-shape`, severity error), so lint reports it along with everything else instead of stopping.
 */
import { lintPolicies, type LintFinding } from '../policy/index.js';
import { loadPolicyInput, type PolicySource } from './policy-input.js';

export async function lint(source: PolicySource): Promise<readonly LintFinding[]> {
  const { inventory, rejectedPolicies } = await loadPolicyInput(source);
  return lintPolicies(inventory, rejectedPolicies);
}
