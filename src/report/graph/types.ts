/**
 * One picture of a network, whatever report it comes from: namespaces as groups, the parties that talk
 * as nodes (a workload, an actor, a class of look-alike pods with its members, a Service, DNS, an
 * external host) and one edge per checked door (a matrix cell). Plain data: DOT, Mermaid and the HTML
 * page all draw this, so the three pictures of one report always agree.
 */

/**
 * What became of an edge. A run's edges say what was expected and what was seen; a prediction's what
 * the policies imply; a diff's what the candidate policies change.
 */
export type EdgeResult =
  /** Expected allow, observed allow. */
  | 'met-allow'
  /** Expected deny, observed deny. */
  | 'met-deny'
  /** Expected allow, observed deny: a door that should be open is shut. */
  | 'failed-allow'
  /** Expected deny, observed allow: a door that should be shut is open. */
  | 'failed-deny'
  /** The probe could not tell (an exec error): never a pass. */
  | 'error'
  /** Never ran (interrupted, no expectation could be derived). */
  | 'skipped'
  /** What policies imply, with nothing observed (predict, a discover plan). */
  | 'allow'
  | 'deny'
  /** Policies alone cannot say: only an ipBlock decides and a pod's IP is not known before the run. */
  | 'unknown'
  /** A diff: allowed before, denied after. */
  | 'cut'
  /** A diff: denied before, allowed after. */
  | 'opened'
  /** A diff: allowed before and after, the background the changes are read against. */
  | 'unchanged';

export const EDGE_RESULTS = ['failed-allow', 'failed-deny', 'error', 'cut', 'opened', 'skipped', 'met-allow', 'met-deny', 'allow', 'deny', 'unknown', 'unchanged'] as const satisfies readonly EdgeResult[];

export type NodeKind = 'workload' | 'actor' | 'class' | 'service' | 'dns' | 'external';

export interface GraphNode {
  /** Unique in its graph; never shown (labels are). */
  readonly id: string;
  readonly label: string;
  readonly kind: NodeKind;
  /** The namespace group it sits in; absent for DNS names and external hosts. */
  readonly namespace?: string;
  /** What it stands for: the workloads of a class, the pods of an identity. */
  readonly members: readonly string[];
  /** Lines that say more: labels, placement (node), isolating policies. */
  readonly details: readonly string[];
  /** Nothing isolates it: every door to and from it is allowed, so a large picture may fold it into one node per namespace (collapse-open.ts). */
  readonly fullyOpen?: boolean;
}

/** One check (or one judged cell) behind an edge, with everything a reader asks about it. */
export interface EdgeCheck {
  readonly name: string;
  readonly kind: string;
  readonly door: string;
  readonly result: EdgeResult;
  /** Further facts, label → value, in reading order: expect, observed, raw outcome, attempts, pods, nodes, family, explanation. */
  readonly facts: readonly (readonly [string, string])[];
  /** Raw output of each attempt, oldest first. */
  readonly attempts: readonly string[];
}

export interface GraphEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** The door(s) knocked on: `TCP/80`, `dns`, `TCP/80, TCP/443`. */
  readonly door: string;
  readonly result: EdgeResult;
  /** What was expected, when anything was: drawn solid (allow) or dashed (deny). */
  readonly expect?: 'allow' | 'deny';
  readonly checks: readonly EdgeCheck[];
}

export interface GraphSection {
  /** `Step 2/3: deny the frontend`; empty for a one-part report. */
  readonly title: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Facts for the summary table: `Checks` → `12 (11 passed, 1 failed)`. */
  readonly summary: readonly (readonly [string, string])[];
  /** One line per failing edge, for the list that needs no JavaScript. */
  readonly failures: readonly string[];
  readonly notes: readonly string[];
  /** Edges left out of the picture (the cap), counted so the reader knows. */
  readonly omittedEdges: number;
}

export type GraphSource = 'run' | 'predict' | 'diff' | 'plan';

export interface Graph {
  readonly source: GraphSource;
  readonly title: string;
  /** One per step of a multi-step run or rollout; one for everything else. */
  readonly sections: readonly GraphSection[];
  /** The plan the sections carry out (a rollout's, as `rollout --dry-run` prints it); the HTML page shows it as text. */
  readonly plan?: string;
}

/** Whether an edge is a failure a reader must see first. */
export function isFailing(result: EdgeResult): boolean {
  return result === 'failed-allow' || result === 'failed-deny' || result === 'error';
}

/** Namespaces of a section's nodes, sorted, each once. */
export function namespacesOf(nodes: readonly GraphNode[]): string[] {
  return [...new Set(nodes.flatMap((node) => (node.namespace === undefined ? [] : [node.namespace])))].sort();
}
