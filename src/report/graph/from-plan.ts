/**
 * A discover plan → graph: one node per planning class (its workloads listed as members: with
 * classes, the default, a thousand look-alike workloads are a few dozen nodes), Services, DNS and
 * external hosts as their own nodes, one edge per planned check with the verdict the given policies
 * imply. This is the map before anything runs; `run --discover` draws the same doors observed.
 */
import { assertNever } from '../../model/assert-never.js';
import type { DiscoveryPlan, PlannedCheck, PlannedTarget } from '../../discover/index.js';
import type { Graph, GraphEdge, GraphNode } from './types.js';

export function graphOfPlan(plan: DiscoveryPlan, cap = 1500): Graph {
  const classOfActor = new Map(plan.actors.map((actor) => [actor.name, actor.classId]));
  const nodes = new Map<string, GraphNode>();
  plan.classes.forEach((members, classId) => {
    const first = plan.actors.find((actor) => actor.name === members[0]);
    if (!first) return;
    const workloads = members.flatMap((name) => plan.actors.find((actor) => actor.name === name)?.identity.workloads.map((w) => `${w.kind} ${w.namespace}/${w.name}`) ?? []);
    nodes.set(`class:${classId}`, {
      id: `class:${classId}`,
      label: members.length === 1 ? first.name : `${first.name} +${members.length - 1}`,
      kind: members.length === 1 ? 'workload' : 'class',
      namespace: first.identity.namespace,
      members: members.length === 1 ? [] : workloads,
      details: [
        `labels ${Object.entries(first.identity.labels).map(([k, v]) => `${k}=${v}`).join(',') || '(none)'}`,
        `ingress isolated by ${first.isolatedBy.ingress.join(', ') || 'nothing'}`,
        `egress isolated by ${first.isolatedBy.egress.join(', ') || 'nothing'}`,
      ],
      fullyOpen: first.isolatedBy.ingress.length === 0 && first.isolatedBy.egress.length === 0,
    });
  });
  const edges: GraphEdge[] = [];
  let total = 0;
  // Allowed doors first: under the cap they are the map; the denied ones are the background.
  const ordered = [...plan.checks.filter((check) => check.predicted === 'allow'), ...plan.checks.filter((check) => check.predicted !== 'allow')];
  for (const check of ordered) {
    const from = `class:${classOfActor.get(check.from) ?? 0}`;
    const target = targetOf(check.to, classOfActor);
    if (!nodes.has(target.id)) nodes.set(target.id, target);
    total += 1;
    if (edges.length >= cap) continue;
    edges.push({ id: `e${edges.length}`, from, to: target.id, door: doorOf(check.to), result: check.predicted, checks: [planned(check)] });
  }
  return {
    source: 'plan',
    title: 'kubeknock discover: the plan',
    sections: [
      {
        title: '',
        nodes: [...nodes.values()],
        edges,
        summary: [
          ['Searched', plan.discovery.searched],
          ['Workloads', `${plan.actors.length} identities in ${plan.classCount} classes`],
          ['Checks', `${plan.checks.length}${plan.exhaustive ? ' (exhaustive)' : ` (exhaustive: ${plan.exhaustiveChecks})`}`],
          ['Skipped', String(plan.discovery.skipped.length)],
        ],
        failures: [],
        notes: plan.notProbed,
        omittedEdges: total - edges.length,
      },
    ],
  };
}

function targetOf(target: PlannedTarget, classOfActor: ReadonlyMap<string, number>): GraphNode {
  switch (target.type) {
    case 'actor':
      return { id: `class:${classOfActor.get(target.actor) ?? 0}`, label: target.actor, kind: 'workload', members: [], details: [] };
    case 'service':
      return { id: `svc:${target.namespace}/${target.name}`, label: `svc ${target.name}`, kind: 'service', namespace: target.namespace, members: [], details: [`Service ${target.namespace}/${target.name}`] };
    case 'dns':
      return { id: 'dns', label: `DNS ${target.name}`, kind: 'dns', members: [], details: [] };
    case 'host':
      return { id: `host:${target.host}`, label: target.host, kind: 'external', members: [], details: [] };
    default:
      return assertNever(target, 'planned target');
  }
}

function doorOf(target: PlannedTarget): string {
  switch (target.type) {
    case 'actor':
      return `${target.door.protocol}/${target.door.port}`;
    case 'service':
    case 'host':
      return `TCP/${target.port}`;
    case 'dns':
      return 'dns';
    default:
      return assertNever(target, 'planned target');
  }
}

function planned(check: PlannedCheck): GraphEdge['checks'][number] {
  return {
    name: `${check.from} → ${doorOf(check.to)}`,
    kind: 'planned',
    door: doorOf(check.to),
    result: check.predicted,
    facts: [['predicted', check.predicted], ['written as', check.expect], ['stands for', `${check.covers} pair(s)`]],
    attempts: [],
  };
}
