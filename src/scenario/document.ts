/**
 * What the user writes: the YAML scenario as typed data, once it has passed the JSON Schema
 * (scenario.schema.json). Separate from src/model/scenario.ts, which is what the program uses.
 */
import type { FamilyRequest } from '../model/family.js';
import type { OutcomeClass } from '../model/outcome.js';
import type { CheckExpectation, CheckKind, LabelSelector, ListenProtocol, Toleration } from '../model/scenario.js';

export interface ScenarioDocument {
  readonly apiVersion: 'kubeknock.dev/v1alpha1';
  readonly kind: 'Scenario';
  readonly metadata: { readonly name: string; readonly description?: string };
  readonly spec: {
    readonly defaults?: DefaultsDocument;
    readonly actors: Readonly<Record<string, ActorDocument>>;
    readonly targets?: Readonly<Record<string, TargetDocument>>;
    /** Required unless there are steps (normalize says so: the schema cannot word it well). */
    readonly checks?: readonly CheckDocument[];
    readonly steps?: readonly StepDocument[];
  };
}

export interface DefaultsDocument {
  readonly timeoutSeconds?: number;
  readonly attempts?: number;
  readonly retryDelaySeconds?: number;
  readonly settleSeconds?: number;
  readonly concurrency?: number;
  readonly denyOutcomes?: readonly OutcomeClass[];
  readonly family?: FamilyRequest;
  readonly pod?: {
    readonly image?: string;
    readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
    readonly imagePullSecrets?: readonly string[];
    readonly nodeSelector?: Readonly<Record<string, string>>;
    readonly tolerations?: readonly Toleration[];
    readonly deadlineSeconds?: number;
    readonly startTimeoutSeconds?: number;
  };
}

export interface ActorDocument {
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** A bare number is a TCP port. */
  readonly listen?: readonly (number | { readonly port: number; readonly protocol?: ListenProtocol; readonly name?: string })[];
  readonly serve?: boolean;
  /** At most one of node, nodeSelector and placement (normalize says so). */
  readonly node?: string;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** One of the two. */
  readonly placement?: { readonly sameNodeAs?: string; readonly otherNodeThan?: string };
}

export type TargetDocument =
  | { readonly actor: string; readonly port?: number }
  | { readonly service: string; readonly namespace: string; readonly port: number; readonly via?: 'dns' | 'cluster-ip' }
  | {
      readonly pods: LabelSelector & { readonly namespace: string };
      readonly port: number;
      readonly select?: 'each' | 'any';
    }
  | { readonly host: string; readonly port: number }
  | { readonly url: string }
  | { readonly dns: string; readonly server?: string };

export type TargetRefDocument = string | TargetDocument;

export interface CheckDocument {
  readonly name?: string;
  readonly from: string | readonly string[];
  readonly to?: TargetRefDocument | readonly TargetRefDocument[];
  readonly dns?: string;
  readonly url?: string;
  readonly kind?: CheckKind;
  readonly expect: CheckExpectation;
  readonly family?: FamilyRequest;
  readonly timeoutSeconds?: number;
  readonly attempts?: number;
  readonly except?: readonly { readonly from: string; readonly to: string; readonly expect: CheckExpectation }[];
}

export interface StepDocument {
  readonly name: string;
  /** A file or directory (relative to the scenario file), or an object written inline. */
  readonly apply?: readonly (string | Readonly<Record<string, unknown>>)[];
  readonly delete?: readonly (string | ObjectRefDocument)[];
  /** Actor → label → value; `null` removes the label. */
  readonly labels?: Readonly<Record<string, Readonly<Record<string, string | null>>>>;
  readonly checks?: readonly CheckDocument[];
}

export interface ObjectRefDocument {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}
