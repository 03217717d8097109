/**
 * The sentences about nodes every renderer uses: a check's two ends, the same-node / cross-node
 * breakdown of a run, and the one line that names a failure pattern ("all 3 failures are cross-node").
 * A run on one node (or a report without nodes) has no breakdown, so its reports stay as they were.
 */
import { nodeBreakdown, nodeClassOf } from '../model/node-breakdown.js';
import type { CheckResult, NodeBreakdown, NodeClass, NodeClassCount, RunReport } from '../model/report.js';
import { plural } from './check-text.js';

/** Node pairs named in the finding at most; the rest are counted. */
const NAMED_PAIRS = 3;

export const NODE_CLASS_LABELS: Readonly<Record<NodeClass, string>> = {
  'same-node': 'same-node',
  'cross-node': 'cross-node',
  'no-pod-target': 'no pod target',
};

/** The breakdown of a report, from its checks (so reports made before it existed get none). */
export function reportBreakdown(report: RunReport): NodeBreakdown | undefined {
  return nodeBreakdown(report.checks);
}

/** `kk-node1 → kk-node2 (cross-node)`, `kk-node1 → (no pod target)`, or undefined without nodes. */
export function checkNodesText(check: CheckResult): string | undefined {
  if (check.fromNode === undefined && check.toNode === undefined) return undefined;
  const cls = nodeClassOf(check);
  if (cls === 'no-pod-target') return check.toNode === undefined ? `${check.fromNode ?? '?'} → (no pod target)` : `? → ${check.toNode}`;
  return `${check.fromNode ?? '?'} → ${check.toNode ?? '?'} (${NODE_CLASS_LABELS[cls]})`;
}

/** `4 checks: 3 passed, 1 failed` (`, 1 skipped` when some were). */
export function classCountText(count: NodeClassCount): string {
  return `${plural(count.checks, 'check')}: ${count.passed} passed, ${count.failed} failed${count.skipped > 0 ? `, ${count.skipped} skipped` : ''}`;
}

/** The classes in report order, with their counts. */
export function breakdownRows(breakdown: NodeBreakdown): readonly { readonly label: string; readonly count: NodeClassCount }[] {
  return [
    { label: NODE_CLASS_LABELS['same-node'], count: breakdown.sameNode },
    { label: NODE_CLASS_LABELS['cross-node'], count: breakdown.crossNode },
    { label: NODE_CLASS_LABELS['no-pod-target'], count: breakdown.noPodTarget },
  ];
}

/** `3 nodes took part: kk-node1, kk-node2, kk-node3`. */
export function nodesTookPartText(breakdown: NodeBreakdown): string {
  return `${plural(breakdown.nodes.length, 'node')} took part: ${breakdown.nodes.join(', ')}`;
}

/**
 * `all 3 failures are cross-node (kk-node1 → kk-node2); every same-node check passed`: said when every
 * failure is of one class while checks of the other passed, so a policy (or CNI) that breaks only
 * cross-node traffic is named as such. Undefined otherwise.
 */
export function nodeFinding(breakdown: NodeBreakdown, checks: readonly CheckResult[]): string | undefined {
  const cls = breakdown.failuresOnly;
  if (cls === undefined) return undefined;
  const failing = checks.filter((c) => c.status === 'fail' && nodeClassOf(c) === cls);
  const mine = cls === 'cross-node' ? breakdown.crossNode : breakdown.sameNode;
  const other = cls === 'cross-node' ? breakdown.sameNode : breakdown.crossNode;
  const otherLabel = cls === 'cross-node' ? 'same-node' : 'cross-node';
  const where = cls === 'cross-node' ? [...new Set(failing.map((c) => `${c.fromNode ?? '?'} → ${c.toNode ?? '?'}`))].sort() : [...new Set(failing.map((c) => c.fromNode ?? '?'))].sort();
  const shown = where.slice(0, NAMED_PAIRS).join(', ') + (where.length > NAMED_PAIRS ? `, and ${where.length - NAMED_PAIRS} more` : '');
  const place = cls === 'cross-node' ? `(${shown})` : `(on ${shown})`;
  const head = mine.failed === 1 ? `the only failure is ${cls} ${place}` : `${mine.failed === 2 ? 'both' : `all ${mine.failed}`} failures are ${cls} ${place}`;
  const tail = other.skipped === 0 ? `every ${otherLabel} check passed` : `no ${otherLabel} check failed (${other.passed} passed, ${other.skipped} skipped)`;
  return `${head}; ${tail}`;
}
