/**
 * Same-node and cross-node checks apart: NetworkPolicy enforcement often breaks only between nodes
 * (an overlay, a CNI's host routing), so a report says which class its failures fall in.
 */
import type { CheckResult, NodeBreakdown, NodeClass, NodeClassCount } from './report.js';

export function nodeClassOf(check: Pick<CheckResult, 'fromNode' | 'toNode'>): NodeClass {
  if (check.fromNode === undefined || check.toNode === undefined) return 'no-pod-target';
  return check.fromNode === check.toNode ? 'same-node' : 'cross-node';
}

/** The breakdown, or undefined when fewer than two nodes took part (a one-node run, a report without nodes). */
export function nodeBreakdown(checks: readonly CheckResult[]): NodeBreakdown | undefined {
  const nodes = [...new Set(checks.flatMap((c) => [c.fromNode, c.toNode].filter((n): n is string => n !== undefined)))].sort();
  if (nodes.length < 2) return undefined;
  const count = (cls: NodeClass): NodeClassCount => {
    const of = checks.filter((c) => nodeClassOf(c) === cls);
    return {
      checks: of.length,
      passed: of.filter((c) => c.status === 'pass').length,
      failed: of.filter((c) => c.status === 'fail').length,
      skipped: of.filter((c) => c.status === 'skipped').length,
    };
  };
  const sameNode = count('same-node');
  const crossNode = count('cross-node');
  const noPodTarget = count('no-pod-target');
  const failed = sameNode.failed + crossNode.failed + noPodTarget.failed;
  const only = (mine: NodeClassCount, other: NodeClassCount): boolean => failed > 0 && mine.failed === failed && other.passed > 0;
  const failuresOnly = only(crossNode, sameNode) ? 'cross-node' : only(sameNode, crossNode) ? 'same-node' : undefined;
  return { nodes, sameNode, crossNode, noPodTarget, ...(failuresOnly === undefined ? {} : { failuresOnly }) };
}
