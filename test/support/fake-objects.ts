/**
 * An in-memory ObjectPort: objects by kind/namespace/name with a resourceVersion that moves on every
 * write, server-side apply as "replace the fields given" (enough for whole objects written by
 * kubeknock), and hooks to refuse an object or fail a write, as the API server would.
 */
import { ObjectRejected, type ObjectPort } from '../../src/model/object-port.js';
import { describeRef, refOf, type KubeObject, type ObjectRef } from '../../src/model/objects.js';

export interface FakeObjectsOptions {
  /** The dry run (and the apply) of these objects is refused with this server message. */
  readonly reject?: (object: KubeObject) => string | undefined;
  /** Thrown by the n-th write (1-based), as a lost connection would. */
  readonly failWrite?: number;
}

export class FakeObjects implements ObjectPort {
  readonly server = 'https://fake.invalid:6443';
  readonly store = new Map<string, KubeObject>();
  readonly writes: string[] = [];
  private version = 100;

  constructor(
    initial: readonly KubeObject[] = [],
    private readonly options: FakeObjectsOptions = {},
  ) {
    for (const object of initial) this.put(object);
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const found = this.store.get(keyOf(ref));
    return found === undefined ? undefined : structuredClone(found);
  }

  async dryRunApply(object: KubeObject): Promise<void> {
    const refused = this.options.reject?.(object);
    if (refused) throw new ObjectRejected(refOf(object), 422, refused);
  }

  async apply(object: KubeObject): Promise<KubeObject> {
    this.write(`apply ${describeRef(refOf(object))}`);
    await this.dryRunApply(object);
    const current = this.store.get(keyOf(refOf(object)));
    const merged: KubeObject =
      current && object.kind === 'Namespace'
        ? { ...current, metadata: { ...current.metadata, labels: { ...current.metadata.labels, ...object.metadata.labels } } }
        : { ...object, metadata: { ...object.metadata } };
    return this.put(merged);
  }

  async replace(object: KubeObject): Promise<KubeObject> {
    this.write(`replace ${describeRef(refOf(object))}`);
    return this.put(object);
  }

  async patchLabels(ref: ObjectRef, labels: Readonly<Record<string, string | null>>): Promise<KubeObject> {
    this.write(`labels ${describeRef(ref)}`);
    const current = this.store.get(keyOf(ref));
    if (!current) throw new Error(`${describeRef(ref)} not found`);
    const next: Record<string, string> = { ...current.metadata.labels };
    for (const [key, value] of Object.entries(labels)) {
      if (value === null) delete next[key];
      else next[key] = value;
    }
    return this.put({ ...current, metadata: { ...current.metadata, labels: next } });
  }

  async create(object: KubeObject): Promise<KubeObject> {
    this.write(`create ${describeRef(refOf(object))}`);
    await this.dryRunApply(object);
    if (this.store.has(keyOf(refOf(object)))) throw new Error(`creating ${describeRef(refOf(object))}: already exists (409)`);
    return this.put(object);
  }

  /** Understands `key` and `key=value` terms, comma-separated. */
  async list(kind: Pick<ObjectRef, 'apiVersion' | 'kind'>, labelSelector: string): Promise<readonly KubeObject[]> {
    const terms = labelSelector.split(',').filter(Boolean).map((term) => term.split('='));
    return [...this.store.values()]
      .filter((object) => object.kind === kind.kind)
      .filter((object) => terms.every(([key = '', value]) => (value === undefined ? object.metadata.labels?.[key] !== undefined : object.metadata.labels?.[key] === value)))
      .map((object) => structuredClone(object));
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    this.write(`delete ${describeRef(ref)}`);
    return this.store.delete(keyOf(ref));
  }

  /** Someone else's change: the resourceVersion moves. */
  touch(ref: ObjectRef): void {
    const current = this.store.get(keyOf(ref));
    if (current) this.put({ ...current, metadata: { ...current.metadata, annotations: { touched: 'yes' } } });
  }

  specOf(kind: string, namespace: string | undefined, name: string): unknown {
    return this.store.get(keyOf({ apiVersion: '', kind, name, ...(namespace ? { namespace } : {}) }))?.['spec'];
  }

  private write(what: string): void {
    this.writes.push(what);
    if (this.options.failWrite === this.writes.length) throw new Error(`${what}: cannot reach the API server: socket hang up`);
  }

  private put(object: KubeObject): KubeObject {
    this.version += 1;
    const stored = { ...structuredClone(object), metadata: { ...structuredClone(object.metadata), resourceVersion: String(this.version), uid: `uid-${object.metadata.name}` } };
    this.store.set(keyOf(refOf(object)), stored);
    return structuredClone(stored);
  }
}

function keyOf(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

export function networkPolicy(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}
