/**
 * What a verdict diff is made of: the parties that talk (workload identities, scenario actors, the
 * cluster DNS), the cells between them (one per source, destination and declared port), and the cells
 * whose verdict two policy states disagree on. Plain data; src/report renders it.
 */
import type { Door } from '../discover/index.js';
import type { Labels, PolicyRef, Protocol, Verdict } from '../policy/index.js';

export type PartyKind =
  /** A workload identity of the input (src/discover/find-workloads.ts): one namespace, one label set. */
  | 'workload'
  /** A scenario actor, judged as the probe pod a run would create for it. */
  | 'actor'
  /** A stand-in for the cluster DNS when the input holds none: it only receives, on UDP and TCP 53. */
  | 'dns';

export interface Party {
  readonly kind: PartyKind;
  /**
   * Unique among the parties: `namespace/name` of a workload (its first one, when several share the
   * identity), an actor's own name (`name@scenario` when two scenarios give one name to different pods).
   */
  readonly label: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** The ports it serves, each a cell from every source. */
  readonly doors: readonly Door[];
  /** What it stands for, in words: `Deployment shop/web (app.yaml:3)`, `actor frontend of scenario three-tier`. */
  readonly standsFor: readonly string[];
  /**
   * Whether it has cells to itself: a workload can run several pods that talk to each other; an actor
   * is one probe pod, and a pod talking to itself is loopback, which CNIs treat differently.
   */
  readonly selfCells: boolean;
  /** Whether it is a source of cells (the DNS stand-in only receives). */
  readonly sends: boolean;
}

/** One connection: a source party, a destination party and one of the destination's ports. */
export interface Cell {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** A scenario check written on a cell with a verdict of its own (`expect: policy` checks say nothing here). */
export interface ExpectedVerdict {
  readonly scenario: string;
  readonly check: string;
  readonly expect: Verdict;
  readonly file: string;
  readonly line: number;
}

export interface DirectionChange {
  readonly before: Verdict;
  readonly after: Verdict;
}

export interface CellChange {
  readonly cell: Cell;
  /** The source's egress and the destination's ingress, before and after: at least one flipped. */
  readonly egress: DirectionChange;
  readonly ingress: DirectionChange;
  /**
   * The changed policies (added, or replaced by a different version) that made a flipped direction
   * flip. A cut of a pod isolated before: those whose admitting rule is gone; of a pod isolated only
   * now: those that isolate it. An open of a pod still isolated: those whose rule now admits it; of a
   * pod no longer isolated: those that isolated it. Sorted by namespace/name, with the file and line
   * of the version that acts (the new one, when both are named).
   */
  readonly responsible: readonly PolicyRef[];
  /** What each responsible policy did, so a report can tell the one that isolates from one that admits only other traffic. */
  readonly roles: readonly PolicyRole[];
  readonly expected: readonly ExpectedVerdict[];
}

/**
 * Why a changed policy is responsible for a flipped direction:
 * - `isolates`: it now selects the pod for that direction and has no rule there (a default deny);
 * - `admits-other`: it now selects the pod for that direction (so it isolates it too), but its rules
 *   admit other connections, not this one (an `allow-dns` policy cutting everything but DNS);
 * - `stopped-admitting`: the pod was isolated already and this policy's old version admitted the cell;
 * - `admits`: the pod stays isolated and this policy's new version admits the cell;
 * - `stopped-isolating`: this policy's old version isolated the pod, and nothing isolates it now.
 */
export type PolicyRoleKind = 'isolates' | 'admits-other' | 'stopped-admitting' | 'admits' | 'stopped-isolating';

export interface PolicyRole {
  readonly policy: PolicyRef;
  readonly role: PolicyRoleKind;
}

export interface VerdictDiff {
  /** How many cells were judged in each state. */
  readonly judged: number;
  /** allow → deny, sorted by source, destination, protocol and port. */
  readonly cut: readonly CellChange[];
  /** deny → allow, in the same order. */
  readonly opened: readonly CellChange[];
  /** Cells unknown in either state (only an ipBlock could decide, and the parties have no IPs): neither changed nor unchanged. */
  readonly unknown: number;
}

export function cellKey(cell: Cell): string {
  return `${cell.from} → ${cell.to} ${cell.protocol}/${cell.port}`;
}
