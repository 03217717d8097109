/**
 * Placement, pure: the actors' wishes (`node`, `nodeSelector`, `placement: {sameNodeAs | otherNodeThan}`)
 * and the cluster's nodes → the node of every probe pod, or every reason it cannot be done. NetworkPolicy
 * enforcement often breaks only between nodes, so actors without a wish are spread evenly over the
 * usable nodes: a default run knocks across nodes as well as within one.
 *
 * A node is usable when it is Ready, not cordoned, carries the labels every probe pod selects
 * (defaults.pod.nodeSelector) and has no NoSchedule/NoExecute taint the probe pods do not tolerate.
 * Actors joined by sameNodeAs form a group that shares one node; otherNodeThan keeps two groups apart.
 * Groups are placed most constrained first (a named node, then a nodeSelector, then no wish, then
 * otherNodeThan), each on the least loaded node it may use, ties broken in name order: with no wishes
 * at all, that is round robin over the nodes sorted by name.
 */
import type { NodeInfo, NodeTaint } from '../model/nodes.js';
import type { PlacementWish, Toleration } from '../model/scenario.js';

export interface PlacementActor {
  readonly name: string;
  readonly placement?: PlacementWish;
}

/** What every probe pod carries whatever its actor: defaults.pod.nodeSelector and tolerations. */
export interface PodConstraints {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

export interface PlacementInput {
  /** In the scenario's order: it decides ties. */
  readonly actors: readonly PlacementActor[];
  readonly nodes: readonly NodeInfo[];
  readonly pod: PodConstraints;
}

/** A wish that cannot be met; `actor` is the one whose wish it is. */
export interface PlacementError {
  readonly actor: string;
  readonly message: string;
}

export interface PlacementPlan {
  /** The node of each placed actor's probe pod. */
  readonly nodes: ReadonlyMap<string, string>;
  /** Actors without a wish that no usable node could take: the scheduler places them, as without placement. */
  readonly unplaced: readonly string[];
  /** Why some were left to the scheduler, in one line (none when the cluster lists no node at all). */
  readonly note?: string;
}

export type PlacementResult = { readonly ok: true; readonly plan: PlacementPlan } | { readonly ok: false; readonly errors: readonly PlacementError[] };

/** Nodes named in one message at most; the rest are counted. */
const NAMED_NODES = 8;

/**
 * What the wishes say among themselves, without a cluster: the actor whose node each one ends up
 * sharing (itself, or the end of its sameNodeAs chain), and the wishes that can never be met: an
 * unknown or self-referencing actor, a sameNodeAs circle, an otherNodeThan an actor that follows it
 * onto its node. The loader reports these with the scenario's lines; the planner checks them again.
 */
export function placementStructure(actors: readonly PlacementActor[]): { readonly rootOf: ReadonlyMap<string, string>; readonly errors: PlacementError[] } {
  const byName = new Map(actors.map((actor) => [actor.name, actor]));
  const errors: PlacementError[] = [];
  const bad = new Set<string>();
  for (const actor of actors) {
    const wish = actor.placement;
    if (wish?.type !== 'sameNodeAs' && wish?.type !== 'otherNodeThan') continue;
    if (wish.actor === actor.name) {
      errors.push({ actor: actor.name, message: `"${actor.name}" names itself; ${wish.type} takes another actor` });
      bad.add(actor.name);
    } else if (!byName.has(wish.actor)) {
      errors.push({ actor: actor.name, message: `unknown actor "${wish.actor}" (actors: ${actors.map((a) => a.name).join(', ')})` });
      bad.add(actor.name);
    }
  }
  const rootOf = new Map<string, string>();
  const reported = new Set<string>();
  for (const actor of actors) {
    const path: string[] = [];
    let current = actor;
    while (current.placement?.type === 'sameNodeAs' && !bad.has(current.name) && !rootOf.has(current.name)) {
      const at = path.indexOf(current.name);
      if (at >= 0) {
        const circle = path.slice(at);
        if (!circle.some((name) => reported.has(name))) {
          circle.forEach((name) => reported.add(name));
          errors.push({
            actor: circle[0] ?? actor.name,
            message: `sameNodeAs goes round in a circle (${[...circle, circle[0]].join(' → ')}), so none of these actors says where to run: give one of them node, nodeSelector or no placement`,
          });
        }
        circle.forEach((name) => bad.add(name));
        break;
      }
      path.push(current.name);
      const next = byName.get(current.placement.actor);
      if (!next) break;
      current = next;
    }
    const root = bad.has(current.name) ? undefined : (rootOf.get(current.name) ?? current.name);
    for (const name of path) if (root === undefined) bad.add(name);
    if (root !== undefined) for (const name of [...path, current.name]) rootOf.set(name, root);
  }
  for (const actor of actors) {
    const wish = actor.placement;
    if (wish?.type !== 'otherNodeThan' || bad.has(actor.name) || bad.has(wish.actor)) continue;
    if (rootOf.get(wish.actor) === actor.name) {
      errors.push({
        actor: actor.name,
        message: `"${actor.name}" cannot run on another node than "${wish.actor}": "${wish.actor}" shares its node (sameNodeAs ${chainOf(wish.actor, byName).join(' → ')}); drop one of the two wishes`,
      });
    }
  }
  return { rootOf, errors };
}

interface Group {
  readonly root: PlacementActor;
  readonly members: string[];
  candidates: readonly NodeInfo[];
}

export function planPlacement(input: PlacementInput): PlacementResult {
  const structure = placementStructure(input.actors);
  if (structure.errors.length > 0) return { ok: false, errors: structure.errors };
  const { rootOf } = structure;
  const nodes = [...input.nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const { pod } = input;
  const usable = nodes.filter((node) => unusableReason(node, pod.nodeSelector, pod.tolerations) === undefined);
  const errors: PlacementError[] = [];

  const groups = new Map<string, Group>();
  for (const actor of input.actors) {
    const root = rootOf.get(actor.name) ?? actor.name;
    const group = groups.get(root);
    if (group) group.members.push(actor.name);
    else {
      const rootActor = input.actors.find((a) => a.name === root) ?? actor;
      groups.set(root, { root: rootActor, members: [actor.name], candidates: usable });
    }
  }
  for (const group of groups.values()) {
    const wish = group.root.placement;
    if (wish?.type === 'node') {
      const node = byName.get(wish.node);
      const problem = node === undefined ? `node "${wish.node}" does not exist in the cluster (its nodes: ${namesList(nodes.map((n) => n.name))})` : pinnedNodeProblem(node, pod);
      if (problem) errors.push({ actor: group.root.name, message: problem });
      group.candidates = node && !problem ? [node] : [];
    } else if (wish?.type === 'nodeSelector') {
      const selector = { ...pod.nodeSelector, ...wish.labels };
      group.candidates = nodes.filter((node) => unusableReason(node, selector, pod.tolerations) === undefined);
      if (group.candidates.length === 0) errors.push({ actor: group.root.name, message: selectorProblem(wish.labels, selector, nodes, pod) });
    } else if (wish?.type === 'otherNodeThan' && usable.length === 0) {
      errors.push({ actor: group.root.name, message: `no node can take the probe pods: ${noUsableNodeText(nodes, pod)}` });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  // Which groups must not share a node: otherNodeThan, both ways.
  const apart = new Map<string, Set<string>>();
  const keepApart = (a: string, b: string): void => {
    apart.set(a, (apart.get(a) ?? new Set()).add(b));
    apart.set(b, (apart.get(b) ?? new Set()).add(a));
  };
  for (const group of groups.values()) {
    const wish = group.root.placement;
    if (wish?.type === 'otherNodeThan') keepApart(group.root.name, rootOf.get(wish.actor) ?? wish.actor);
  }

  const tier = (group: Group): number => {
    switch (group.root.placement?.type) {
      case 'node':
        return 0;
      case 'nodeSelector':
        return 1;
      case 'otherNodeThan':
        return 3;
      default:
        return 2;
    }
  };
  const pending = [...groups.values()].map((group, index) => ({ group, index })).sort((a, b) => tier(a.group) - tier(b.group) || a.index - b.index).map((entry) => entry.group);
  const nodeOfGroup = new Map<string, string>();
  const load = new Map<string, number>();
  const placed = new Map<string, string>();
  const unplaced: string[] = [];
  while (pending.length > 0) {
    // An otherNodeThan goes after the group it keeps away from, where it can (a circle of them cannot).
    const ready = pending.findIndex((group) => {
      const wish = group.root.placement;
      return wish?.type !== 'otherNodeThan' || nodeOfGroup.has(rootOf.get(wish.actor) ?? wish.actor);
    });
    const [group] = pending.splice(Math.max(ready, 0), 1);
    if (!group) break;
    if (group.candidates.length === 0) {
      // Only a group without a wish gets here (the others were refused above): the scheduler decides.
      unplaced.push(...group.members);
      continue;
    }
    const neighbours = [...(apart.get(group.root.name) ?? [])].filter((root) => nodeOfGroup.has(root));
    const taken = new Set(neighbours.map((root) => nodeOfGroup.get(root)));
    const options = group.candidates.filter((node) => !taken.has(node.name));
    const chosen = options.reduce<NodeInfo | undefined>((best, node) => (best === undefined || (load.get(node.name) ?? 0) < (load.get(best.name) ?? 0) ? node : best), undefined);
    if (chosen === undefined) {
      errors.push(apartProblem(group, neighbours, { nodeOfGroup, groups, rootOf, usable, nodes, pod }));
      continue;
    }
    nodeOfGroup.set(group.root.name, chosen.name);
    load.set(chosen.name, (load.get(chosen.name) ?? 0) + group.members.length);
    for (const member of group.members) placed.set(member, chosen.name);
  }
  if (errors.length > 0) return { ok: false, errors };
  // In the scenario's order, whatever order the groups were placed in.
  const ordered = new Map(input.actors.flatMap((actor) => (placed.has(actor.name) ? [[actor.name, placed.get(actor.name) ?? ''] as const] : [])));
  // A cluster that lists no node (a virtual or scale-from-zero one) has nothing to spread over: no news.
  const note =
    unplaced.length === 0 || nodes.length === 0
      ? undefined
      : `no node can take the probe pods (${noUsableNodeText(nodes, pod)}), so the scheduler places ${unplaced.length} probe pod(s) without a node chosen by kubeknock`;
  return { ok: true, plan: { nodes: ordered, unplaced, ...(note === undefined ? {} : { note }) } };
}

/** The pod's own nodeSelector: defaults.pod.nodeSelector, with an actor's nodeSelector over it. */
export function podNodeSelector(wish: PlacementWish | undefined, pod: Pick<PodConstraints, 'nodeSelector'>): Readonly<Record<string, string>> {
  return wish?.type === 'nodeSelector' ? { ...pod.nodeSelector, ...wish.labels } : pod.nodeSelector;
}

/** Why a probe pod with this nodeSelector and these tolerations cannot run on the node, or undefined. */
export function unusableReason(node: NodeInfo, selector: Readonly<Record<string, string>>, tolerations: readonly Toleration[]): string | undefined {
  if (!node.ready) return 'is not Ready';
  if (node.unschedulable) return 'is cordoned (unschedulable)';
  const taint = blockingTaint(node, tolerations);
  if (taint) return `is tainted ${taintText(taint)}, which the probe pods do not tolerate`;
  const missing = Object.entries(selector).filter(([key, value]) => node.labels[key] !== value);
  if (missing.length > 0) return `does not carry ${labelsText(Object.fromEntries(missing))}`;
  return undefined;
}

/** The first NoSchedule or NoExecute taint no toleration covers: the scheduler would keep the pod off. */
function blockingTaint(node: NodeInfo, tolerations: readonly Toleration[]): NodeTaint | undefined {
  return node.taints.find((taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerations.some((t) => tolerates(t, taint)));
}

/** Kubernetes' rule (ToleratesTaint): an empty effect or key matches any; Exists ignores the value. */
export function tolerates(toleration: Toleration, taint: NodeTaint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  return toleration.operator === 'Exists' ? true : (toleration.value ?? '') === (taint.value ?? '');
}

function pinnedNodeProblem(node: NodeInfo, pod: PodConstraints): string | undefined {
  if (!node.ready) return `node "${node.name}" is not Ready, so the probe pod would never start there; name another node, or wait until it is Ready`;
  if (node.unschedulable) return `node "${node.name}" is cordoned (unschedulable): uncordon it (kubectl uncordon ${node.name}) or name another node`;
  const taint = blockingTaint(node, pod.tolerations);
  if (taint) return `node "${node.name}" is tainted ${taintText(taint)}, which the probe pods do not tolerate: add a toleration to defaults.pod.tolerations, or name another node`;
  const missing = Object.entries(pod.nodeSelector).filter(([key, value]) => node.labels[key] !== value);
  if (missing.length > 0) {
    return `node "${node.name}" does not carry ${labelsText(Object.fromEntries(missing))}, which defaults.pod.nodeSelector asks of every probe pod: the two contradict each other`;
  }
  return undefined;
}

function selectorProblem(own: Readonly<Record<string, string>>, selector: Readonly<Record<string, string>>, nodes: readonly NodeInfo[], pod: PodConstraints): string {
  const wanted = labelsText(own);
  const carrying = nodes.filter((node) => Object.entries(selector).every(([key, value]) => node.labels[key] === value));
  const withDefaults = Object.keys(selector).length > Object.keys(own).length ? ` (with defaults.pod.nodeSelector: ${labelsText(selector)})` : '';
  if (carrying.length === 0) {
    const carryingOwn = nodes.filter((node) => Object.entries(own).every(([key, value]) => node.labels[key] === value));
    if (carryingOwn.length > 0 && withDefaults) return `nodeSelector ${wanted} matches no node that also carries defaults.pod.nodeSelector${withDefaults}: ${namesList(carryingOwn.map((n) => n.name))} carry ${wanted} but not the rest`;
    return `nodeSelector ${wanted} matches no node${withDefaults}; the cluster's nodes: ${namesList(nodes.map((n) => n.name))}`;
  }
  const reasons = carrying.map((node) => `${node.name} ${unusableReason(node, selector, pod.tolerations) ?? ''}`.trim());
  return `nodeSelector ${wanted} matches no usable node${withDefaults}: ${listText(reasons)}`;
}

interface ApartContext {
  readonly nodeOfGroup: ReadonlyMap<string, string>;
  readonly groups: ReadonlyMap<string, Group>;
  readonly rootOf: ReadonlyMap<string, string>;
  readonly usable: readonly NodeInfo[];
  readonly nodes: readonly NodeInfo[];
  readonly pod: PodConstraints;
}

/** A group every node of which is taken by groups it is to keep away from (otherNodeThan, either way). */
function apartProblem(group: Group, neighbours: readonly string[], ctx: ApartContext): PlacementError {
  const { nodeOfGroup, groups, rootOf, usable, nodes, pod } = ctx;
  const wish = group.root.placement;
  const ownTarget = wish?.type === 'otherNodeThan' ? wish.actor : undefined;
  // The wish to blame: the group's own otherNodeThan, or a neighbour's that keeps away from it.
  const owner = ownTarget !== undefined ? group.root.name : (neighbours.find((root) => groups.get(root)?.root.placement?.type === 'otherNodeThan') ?? group.root.name);
  // Each neighbour by the actor its wish names, as the scenario says it.
  const named = (root: string): string => (ownTarget !== undefined && (rootOf.get(ownTarget) ?? ownTarget) === root ? ownTarget : root);
  const others = neighbours.map((root) => `"${named(root)}" (${nodeOfGroup.get(root) ?? '?'})`).join(' and ');
  if (usable.length === 1) {
    const unusable = nodes.filter((node) => !usable.includes(node));
    const why = unusable.length === 0 ? '' : `; ${listText(unusable.map((node) => `${node.name} ${unusableReason(node, pod.nodeSelector, pod.tolerations) ?? ''}`.trim()))}`;
    return { actor: owner, message: `the cluster has one usable node (${usable[0]?.name ?? '?'}${why}), so "${group.root.name}" cannot run on another node than ${others}` };
  }
  const where = group.candidates.length === usable.length ? `usable nodes: ${namesList(usable.map((n) => n.name))}` : `nodes it may use: ${namesList(group.candidates.map((n) => n.name))}`;
  return { actor: owner, message: `"${group.root.name}" is to run on another node than ${others}, and no other node is left (${where})` };
}

function noUsableNodeText(nodes: readonly NodeInfo[], pod: PodConstraints): string {
  if (nodes.length === 0) return 'the cluster lists no nodes';
  return listText(nodes.map((node) => `${node.name} ${unusableReason(node, pod.nodeSelector, pod.tolerations) ?? ''}`.trim()));
}

function chainOf(start: string, byName: ReadonlyMap<string, PlacementActor>): string[] {
  const chain = [start];
  let current = byName.get(start);
  while (current?.placement?.type === 'sameNodeAs' && !chain.includes(current.placement.actor)) {
    chain.push(current.placement.actor);
    current = byName.get(current.placement.actor);
  }
  return chain;
}

export function taintText(taint: NodeTaint): string {
  return `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`;
}

function labelsText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

function namesList(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, NAMED_NODES).join(', ');
  return names.length > NAMED_NODES ? `${shown} and ${names.length - NAMED_NODES} more` : shown;
}

function listText(items: readonly string[]): string {
  const shown = items.slice(0, NAMED_NODES).join('; ');
  return items.length > NAMED_NODES ? `${shown}; and ${items.length - NAMED_NODES} more` : shown;
}
