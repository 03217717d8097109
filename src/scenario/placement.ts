/**
 * An actor's `node`, `nodeSelector` and `placement` as the loader reads them: at most one per actor,
 * well-formed names and labels, references to actors that exist and are not the actor itself, no
 * sameNodeAs circle and no otherNodeThan an actor that shares the node anyway. What needs the cluster's
 * nodes (does the node exist, is it Ready, does a selector match) is preflight's (src/probe/preflight.ts).
 */
import type { Actor, ActorPlacement, SourceLocation } from '../model/scenario.js';
import { dns1123SubdomainProblem, labelProblem } from '../model/kube-rules.js';
import { placementStructure } from '../probe/placement.js';
import type { ActorDocument } from './document.js';
import type { FieldPath } from './yaml-source.js';

type Report = (path: FieldPath, message: string) => void;
type Locate = (path: FieldPath) => SourceLocation;

const FIELDS = ['node', 'nodeSelector', 'placement'] as const;

/** The actor's wish, or undefined (none, or a broken one: reported). `path` is the actor's. */
export function readPlacement(doc: ActorDocument, path: FieldPath, report: Report, locate: Locate): ActorPlacement | undefined {
  const given = FIELDS.filter((field) => doc[field] !== undefined);
  if (given.length > 1) {
    const [second] = given.slice(1);
    report([...path, second ?? 'placement'], `${listed(given)} ${given.length === 2 ? 'both' : 'all'} say where the probe pod runs; an actor takes at most one of node, nodeSelector and placement: keep one`);
    return undefined;
  }
  if (doc.node !== undefined) {
    const problem = dns1123SubdomainProblem(doc.node);
    if (problem) {
      report([...path, 'node'], `node name ${problem}`);
      return undefined;
    }
    return { type: 'node', node: doc.node, source: locate([...path, 'node']) };
  }
  if (doc.nodeSelector !== undefined) {
    const entries = Object.entries(doc.nodeSelector);
    if (entries.length === 0) {
      report([...path, 'nodeSelector'], 'an empty nodeSelector selects every node; give at least one label, or leave "nodeSelector" out');
      return undefined;
    }
    let broken = false;
    for (const [key, value] of entries) {
      const problem = labelProblem(key, value);
      if (problem) {
        report([...path, 'nodeSelector', key], problem);
        broken = true;
      }
    }
    return broken ? undefined : { type: 'nodeSelector', labels: doc.nodeSelector, source: locate([...path, 'nodeSelector']) };
  }
  if (doc.placement !== undefined) {
    const { sameNodeAs, otherNodeThan } = doc.placement;
    if ((sameNodeAs === undefined) === (otherNodeThan === undefined)) {
      report(
        [...path, 'placement'],
        sameNodeAs === undefined ? 'placement is empty: give sameNodeAs: ACTOR or otherNodeThan: ACTOR' : 'placement takes one of sameNodeAs and otherNodeThan, not both',
      );
      return undefined;
    }
    if (sameNodeAs !== undefined) return { type: 'sameNodeAs', actor: sameNodeAs, source: locate([...path, 'placement', 'sameNodeAs']) };
    if (otherNodeThan !== undefined) return { type: 'otherNodeThan', actor: otherNodeThan, source: locate([...path, 'placement', 'otherNodeThan']) };
  }
  return undefined;
}

/**
 * What the wishes say among themselves (src/probe/placement.ts's placementStructure), at each wish's
 * line. A reference to an actor that failed the schema is left alone: that actor is reported already.
 */
export function checkPlacements(actors: ReadonlyMap<string, Actor>, brokenNames: ReadonlySet<string>, reportAt: (source: SourceLocation, message: string) => void): void {
  const entries = [...actors.values()].map((actor) => {
    const wish = actor.placement;
    const refersToBroken = (wish?.type === 'sameNodeAs' || wish?.type === 'otherNodeThan') && brokenNames.has(wish.actor);
    return { name: actor.name, ...(wish && !refersToBroken ? { placement: wish } : {}) };
  });
  for (const error of placementStructure(entries).errors) {
    const source = actors.get(error.actor)?.placement?.source;
    if (source) reportAt(source, error.message);
  }
}

function listed(fields: readonly string[]): string {
  return fields.length <= 2 ? fields.join(' and ') : `${fields.slice(0, -1).join(', ')} and ${fields.at(-1) ?? ''}`;
}
