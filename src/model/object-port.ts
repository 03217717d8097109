/**
 * What a rollout (and a multi-step scenario) needs to change objects in the user's cluster, as plain
 * JSON. src/cluster/object-store.ts answers it over raw API requests; tests answer it from memory.
 * Every method rejects with an InfraError naming what it was doing; `ObjectRejected` is the API
 * server refusing the object itself (400/422 from validation, or admission), with the server's words.
 */
import type { KubeObject, ObjectRef } from './objects.js';

export interface ObjectPort {
  readonly server: string;
  /** The object as stored, or undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  /**
   * Server-side apply with `dryRun=All`: the API server validates and admits the object exactly as a
   * real apply would, and stores nothing. Rejects with ObjectRejected.
   */
  dryRunApply(object: KubeObject): Promise<void>;
  /** Server-side apply, field manager `kubeknock`, taking over conflicting fields; the stored object. */
  apply(object: KubeObject): Promise<KubeObject>;
  /** Replaces the stored object with this one (the previous version of a rollout), creating it when absent. */
  replace(object: KubeObject): Promise<KubeObject>;
  /** JSON merge patch of labels: a value sets one, null removes it. */
  patchLabels(ref: ObjectRef, labels: Readonly<Record<string, string | null>>): Promise<KubeObject>;
  /**
   * Creates it (POST): unlike apply, never takes over an object of the same name that already exists;
   * rejects then (409). The stored object.
   */
  create(object: KubeObject): Promise<KubeObject>;
  /** Objects of a kind (all namespaces for a namespaced kind) matching a label selector (`key`, `key=value`). */
  list(kind: Pick<ObjectRef, 'apiVersion' | 'kind'>, labelSelector: string): Promise<readonly KubeObject[]>;
  /** Deletes it; false when it was already gone. */
  delete(ref: ObjectRef): Promise<boolean>;
}

/** The API server refused an object (validation or admission); `message` is the server's own. */
export class ObjectRejected extends Error {
  constructor(
    readonly ref: ObjectRef,
    readonly code: number,
    readonly serverMessage: string,
  ) {
    super(serverMessage);
    this.name = 'ObjectRejected';
  }
}
