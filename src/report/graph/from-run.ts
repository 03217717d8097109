/**
 * Run reports → graph: one section per report (a multi-step run or a rollout gives one report per
 * step), one edge per matrix cell (source actor × target column), as the table draws them.
 */
import type { CheckResult, RunReport } from '../../model/report.js';
import { buildMatrix } from '../matrix.js';
import { oneLine } from '../sanitize.js';
import { markOpenByEdges } from './collapse-open.js';
import { targetNode } from './target-node.js';
import type { EdgeCheck, EdgeResult, Graph, GraphEdge, GraphNode, GraphSection } from './types.js';

export function graphOfRuns(reports: readonly RunReport[]): Graph {
  const first = reports[0];
  const title = first === undefined ? 'kubeknock run' : `kubeknock run: ${first.scenario.name}`;
  return { source: 'run', title, sections: reports.map((report) => sectionOfRun(report, reports.length > 1)) };
}

export function sectionOfRun(report: RunReport, titled: boolean): GraphSection {
  const actors = new Map<string, string | undefined>();
  for (const check of report.checks) if (!actors.has(check.from) || actors.get(check.from) === undefined) actors.set(check.from, namespaceOfPod(check.fromPod));
  const nodes = new Map<string, GraphNode>();
  const addNode = (node: GraphNode): void => {
    if (!nodes.has(node.id)) nodes.set(node.id, node);
  };
  for (const [name, namespace] of actors) addNode(actorNode(name, namespace, report.checks));
  const matrix = buildMatrix(report.checks);
  const edges: GraphEdge[] = [];
  for (const row of matrix.rows) {
    for (const column of matrix.columns) {
      const checks = matrix.cell(row, column);
      const firstCheck = checks[0];
      if (firstCheck === undefined) continue;
      const target = targetNode(column, firstCheck.kind, actors);
      addNode({ id: target.key, label: target.label, kind: target.kind, ...(target.namespace === undefined ? {} : { namespace: target.namespace }), members: [], details: [column] });
      const result = cellResult(checks);
      const expect = firstCheck.expect === 'allow' || firstCheck.expect === 'deny' ? firstCheck.expect : undefined;
      edges.push({ id: `e${edges.length}`, from: `actor:${row}`, to: target.key, door: target.door, result, ...(expect ? { expect } : {}), checks: checks.map((check) => edgeCheck(check, target.door)) });
    }
  }
  const step = report.step;
  const { total, passed, failed, skipped } = report.summary;
  return {
    title: titled && step ? `Step ${step.index}/${step.count}: ${step.name}` : '',
    nodes: markOpenByEdges([...nodes.values()], edges),
    edges,
    summary: [
      ['Scenario', `${report.scenario.name} (${report.scenario.file})`],
      ['Checks', `${total}: ${passed} passed, ${failed} failed, ${skipped} skipped`],
      ['Run', `${report.runId}, ${report.startedAt}, ${(report.durationMs / 1000).toFixed(1)} s`],
      ...(step ? stepFacts(step) : []),
      ...(report.busyboxVersion ? [['Probe', report.busyboxVersion] as const] : []),
      ...(report.interrupted ? [['Interrupted', 'yes'] as const] : []),
    ],
    failures: report.checks.filter((check) => check.status === 'fail').map((check) => `${check.from} → ${check.to}: ${failureText(check)}`),
    notes: report.errors.map((error) => `${error.kind}: ${error.message}`),
    omittedEdges: 0,
  };
}

function stepFacts(step: NonNullable<RunReport['step']>): (readonly [string, string])[] {
  return [
    ['Changes', step.changes.length > 0 ? step.changes.join('; ') : 'none'],
    ['Enforced after', step.enforcedAfterMs === undefined ? 'never (some check never agreed)' : `${step.enforcedAfterMs} ms, ${step.rounds} round(s)`],
  ];
}

function namespaceOfPod(pod: string | undefined): string | undefined {
  const slash = pod?.indexOf('/') ?? -1;
  return pod !== undefined && slash > 0 ? pod.slice(0, slash) : undefined;
}

function actorNode(name: string, namespace: string | undefined, checks: readonly CheckResult[]): GraphNode {
  const mine = checks.find((check) => check.from === name && check.fromPod !== undefined);
  const details = [mine?.fromPod ? `probe pod ${mine.fromPod}` : '', mine?.fromNode ? `on node ${mine.fromNode}` : ''].filter((line) => line !== '');
  return { id: `actor:${name}`, label: name, kind: 'actor', ...(namespace === undefined ? {} : { namespace }), members: [], details };
}

/** A cell's result: the worst of its checks (a failure beats an error beats a skip beats a pass). */
export function cellResult(checks: readonly CheckResult[]): EdgeResult {
  const results = checks.map(checkResult);
  for (const wanted of ['failed-allow', 'failed-deny', 'error', 'skipped'] as const) if (results.includes(wanted)) return wanted;
  return results[0] ?? 'skipped';
}

function checkResult(check: CheckResult): EdgeResult {
  if (check.status === 'skipped') return 'skipped';
  if (check.observed === 'error') return 'error';
  if (check.status === 'fail') return check.expect === 'allow' ? 'failed-allow' : 'failed-deny';
  return check.expect === 'allow' ? 'met-allow' : 'met-deny';
}

function failureText(check: CheckResult): string {
  if (check.status === 'skipped') return check.message ?? 'skipped';
  return `expected ${check.expect}, observed ${check.observed} (${check.outcome.class}: ${oneLine(check.outcome.detail)})`;
}

function edgeCheck(check: CheckResult, door: string): EdgeCheck {
  const facts: [string, string][] = [['status', check.status], ['expect', `${check.expect}${check.expectSource === 'policy' ? ' (from the live policies)' : ''}`]];
  if (check.status !== 'skipped') {
    facts.push(['observed', check.observed], ['raw outcome', `${check.outcome.class}: ${oneLine(check.outcome.detail)}`]);
  }
  if (check.message) facts.push(['message', oneLine(check.message)]);
  facts.push(['attempts', String(check.attempts.length)]);
  if (check.address) facts.push(['address', check.address]);
  if (check.fromPod) facts.push(['from pod', `${check.fromPod}${check.fromNode ? ` on node ${check.fromNode}` : ''}`]);
  if (check.toNode) facts.push(['to node', check.toNode]);
  facts.push(['placement', placement(check)], ['family', check.family]);
  if (check.command) facts.push(['command', check.command]);
  if (check.explanation) facts.push(['explanation', check.explanation]);
  return {
    name: check.name,
    kind: check.kind,
    door,
    result: checkResult(check),
    facts,
    attempts: check.attempts.map((attempt, index) => `#${index + 1} ${attempt.outcome.class} (exit ${attempt.exitCode ?? 'none'}, ${attempt.durationMs} ms)\n${attempt.output}`),
  };
}

function placement(check: CheckResult): string {
  if (check.fromNode === undefined || check.toNode === undefined) return 'no pod target of known node';
  return check.fromNode === check.toNode ? `same node (${check.fromNode})` : `cross-node (${check.fromNode} → ${check.toNode})`;
}
