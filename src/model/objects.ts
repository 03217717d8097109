/**
 * Kubernetes objects kubeknock writes on the user's request (a step of a scenario, a rollout), as
 * plain JSON. What kubeknock reads to judge policies is src/policy/decode; these are what it sends.
 */

/** A whole object as the API takes it: `apiVersion`, `kind`, `metadata.name` (and namespace), the rest. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly [field: string]: unknown;
  };
  readonly [field: string]: unknown;
}

/** Which object: enough to get, patch or delete it. `namespace` is absent for cluster-scoped kinds. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export function refOf(object: KubeObject): ObjectRef {
  const { apiVersion, kind, metadata } = object;
  return { apiVersion, kind, ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }), name: metadata.name };
}

/** `NetworkPolicy shop/deny-all`, `Namespace shop`: how messages and reports name an object. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name}`;
}

export function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '') && a.apiVersion.split('/')[0] === b.apiVersion.split('/')[0];
}

/**
 * What the server sets and a create or replace must not carry (identity, versions, status, history):
 * the object as a person would write it back.
 */
export function withoutServerFields(object: KubeObject): KubeObject {
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, managedFields: _mf, generation: _g, selfLink: _sl, deletionTimestamp: _dt, deletionGracePeriodSeconds: _dg, ...metadata } = object.metadata as Record<string, unknown>;
  const { status: _status, ...rest } = object as Record<string, unknown>;
  return { ...(rest as unknown as KubeObject), metadata: metadata as KubeObject['metadata'] };
}

/** The resourceVersion the server gave the object, if any. */
export function resourceVersionOf(object: KubeObject): string | undefined {
  const version = (object.metadata as { resourceVersion?: unknown }).resourceVersion;
  return typeof version === 'string' ? version : undefined;
}
