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
