/**
 * The scenario as the program uses it: normalised, validated, every default applied.
 * What the user writes (YAML) is src/scenario/document.ts, checked by scenario.schema.json; this is its
 * normalised, flattened form.
 */
import type { KubeObject, ObjectRef } from './objects.js';
import { assertNever } from './assert-never.js';
import type { Expectation, OutcomeClass } from './outcome.js';
import type { FamilyRequest, IpFamily } from './family.js';

export type CheckKind = 'tcp' | 'http' | 'dns' | 'udp';

/** The transport a probe pod listens on for one port. */
export type ListenProtocol = 'TCP' | 'UDP';

/**
 * The transport a check's packets use, as NetworkPolicy ports name it: what `expect: policy` asks the
 * engine about and which of an actor's listen ports a check may target. nslookup asks over UDP.
 */
export function checkProtocol(kind: CheckKind): ListenProtocol {
  switch (kind) {
    case 'tcp':
    case 'http':
      return 'TCP';
    case 'udp':
    case 'dns':
      return 'UDP';
    default:
      return assertNever(kind, 'check kind');
  }
}

/**
 * What a check expects: a verdict the user wrote, or `policy`: derived at run time from the live
 * cluster's NetworkPolicies (src/app/policy-expectations.ts), so an audit catches a CNI that enforces
 * nothing, or drift between the policies and the network.
 */
export type CheckExpectation = Expectation | 'policy';

/** Where a piece of user input came from, for error messages and reports. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  /** JSON-pointer-like path, e.g. `spec.checks[2].to`. */
  readonly path: string;
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values?: readonly string[];
  }[];
}

export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  readonly tolerationSeconds?: number;
}

export interface PodSettings {
  readonly image: string;
  readonly imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  readonly imagePullSecrets: readonly string[];
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /** activeDeadlineSeconds on every probe pod: the dead man's switch if the CLI dies. */
  readonly deadlineSeconds: number;
  /** How long to wait for the probe pods to be Running before giving up. */
  readonly startTimeoutSeconds: number;
}

export interface Defaults {
  readonly timeoutSeconds: number;
  readonly attempts: number;
  readonly retryDelaySeconds: number;
  /** Wait after the pods are running, before the first check, for the CNI to program them. */
  readonly settleSeconds: number;
  /** How many execs run at once across probe pods. */
  readonly concurrency: number;
  /** Which raw outcomes count as "the network denied it" (depends on the CNI: DROP vs REJECT). */
  readonly denyOutcomes: readonly OutcomeClass[];
  /** `family` of every check that does not say its own; absent: the primary address. */
  readonly family?: FamilyRequest;
  readonly pod: PodSettings;
}

export interface ListenPort {
  readonly port: number;
  /** TCP ports are served by httpd, UDP ports by kubeknock's responder (src/probe/listener-script.ts). */
  readonly protocol: ListenProtocol;
  /** Optional container port name, so named ports in policies resolve on the probe pod. */
  readonly name?: string;
}

/** `8080` for a TCP port, as the user writes it; `5353/udp` for a UDP one. */
export function listenPortText(l: ListenPort): string {
  return l.protocol === 'UDP' ? `${l.port}/udp` : String(l.port);
}

export interface Actor {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly listen: readonly ListenPort[];
  /** Serving actors may become Ready and so join Service endpoints; all others never do. */
  readonly serve: boolean;
  /** Where its probe pod runs (`node`, `nodeSelector` or `placement`); absent: spread over the usable nodes. */
  readonly placement?: ActorPlacement;
  readonly source: SourceLocation;
}

/**
 * An actor's wish for the node of its probe pod: at most one per actor. src/probe/placement.ts turns
 * the wishes of every actor and the cluster's nodes into a node per probe pod.
 */
export type PlacementWish =
  /** `node: NAME`: exactly that node. */
  | { readonly type: 'node'; readonly node: string }
  /** `nodeSelector: {key: value}`: a node carrying these labels (besides defaults.pod.nodeSelector's). */
  | { readonly type: 'nodeSelector'; readonly labels: Readonly<Record<string, string>> }
  /** `placement: {sameNodeAs: ACTOR}`: the node of that actor's probe pod. */
  | { readonly type: 'sameNodeAs'; readonly actor: string }
  /** `placement: {otherNodeThan: ACTOR}`: any node but that actor's. */
  | { readonly type: 'otherNodeThan'; readonly actor: string };

/** A wish as the scenario wrote it: `source` is the field that says it (`spec.actors.a.node`). */
export type ActorPlacement = PlacementWish & { readonly source: SourceLocation };

/** What a check points at, before the cluster is asked where that is. */
export type Target =
  /** `port` is one of the actor's listen ports of the check's protocol (checkProtocol). */
  | { readonly type: 'actor'; readonly actor: string; readonly port: number }
  | {
      readonly type: 'service';
      readonly namespace: string;
      readonly name: string;
      readonly port: number;
      /** Reach the Service by its DNS name or by its ClusterIP. */
      readonly via: 'dns' | 'cluster-ip';
    }
  | {
      readonly type: 'pods';
      readonly namespace: string;
      readonly selector: LabelSelector;
      readonly port: number;
      /** `each`: one check per matching pod; `any`: one check against one matching pod. */
      readonly select: 'each' | 'any';
    }
  | { readonly type: 'host'; readonly host: string; readonly port: number }
  | { readonly type: 'url'; readonly url: string }
  | { readonly type: 'dns'; readonly name: string; readonly server?: string };

export interface Check {
  /** Stable, unique id within the scenario, e.g. `c3` or the user-given name. */
  readonly id: string;
  readonly name: string;
  readonly from: string;
  readonly to: Target;
  /** Column label in the matrix, e.g. `postgres:5432`, `dns-cache:5353/udp`, `svc/production/api:80`, `dns:kubernetes.default…`. */
  readonly toLabel: string;
  readonly kind: CheckKind;
  /**
   * The address family asked for: the target's address of that family (a dns check asks for its
   * records, A or AAAA). Absent: the primary address, as before families existed. `both` in the
   * scenario becomes two checks, one per family.
   */
  readonly family?: IpFamily;
  readonly expect: CheckExpectation;
  readonly timeoutSeconds: number;
  readonly attempts: number;
  readonly source: SourceLocation;
}

/**
 * One change a step makes before its checks run. Objects come from manifest files named in the
 * scenario (read by the loader) or written inline; kinds are NetworkPolicy and Namespace (its labels).
 */
export type StepChange =
  /** Server-side apply (field manager `kubeknock`) of every object, in order. */
  | { readonly type: 'apply'; readonly objects: readonly KubeObject[]; readonly source: SourceLocation }
  /** Delete these objects (absent ones are fine: the step's goal is that they are gone). */
  | { readonly type: 'delete'; readonly refs: readonly ObjectRef[]; readonly source: SourceLocation }
  /** Relabel one actor's probe pod: a value sets the label, `null` removes it. */
  | { readonly type: 'label-actor'; readonly actor: string; readonly labels: Readonly<Record<string, string | null>>; readonly source: SourceLocation };

/**
 * A step of a multi-step scenario: its changes, then its checks, over the same probe pods. `checks`
 * holds the scenario's top-level checks (run at every step) followed by the step's own; ids are unique
 * within the step.
 */
export interface Step {
  readonly name: string;
  readonly changes: readonly StepChange[];
  readonly checks: readonly Check[];
  readonly source: SourceLocation;
}

export interface Scenario {
  readonly name: string;
  readonly file: string;
  readonly defaults: Defaults;
  readonly actors: ReadonlyMap<string, Actor>;
  /** Without steps: what the run checks. With steps: the checks every step runs (also in each step's `checks`). */
  readonly checks: readonly Check[];
  /** Present (and non-empty) for a multi-step scenario. */
  readonly steps?: readonly Step[];
}

/** Every check a run makes: each step's (the top-level ones again at every step), or the top-level ones. */
export function everyCheck(scenario: Scenario): readonly Check[] {
  return scenario.steps ? scenario.steps.flatMap((step) => step.checks) : scenario.checks;
}
