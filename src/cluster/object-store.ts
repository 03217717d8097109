/**
 * The ObjectPort over raw JSON requests. client-node's generic object API serialises bodies through
 * its typed models, which drop fields whose JSON name is escaped in the model (a NetworkPolicy rule's
 * `from` is `_from` there): an allow-from rule would reach the server as an allow-all. Objects the
 * user wrote therefore go over the wire exactly as written, with client-node only supplying the
 * connection (TLS, credentials).
 */
import { ApiException } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { InfraError } from '../model/errors.js';
import { ObjectRejected, type ObjectPort } from '../model/object-port.js';
import { describeRef, refOf, withoutServerFields, type KubeObject, type ObjectRef } from '../model/objects.js';
import { ApiCalls, type ApiCallsOptions } from './api-calls.js';
import { apiStatusCode, classifyApiError } from './api-error.js';
import type { LoadedKubeConfig } from './kubeconfig.js';

export const FIELD_MANAGER = 'kubeknock';
const REQUEST_TIMEOUT_MS = 30_000;

/** Where each kind kubeknock writes lives in the API. */
const RESOURCES: Readonly<Record<string, { readonly prefix: string; readonly plural: string; readonly namespaced: boolean }>> = {
  NetworkPolicy: { prefix: '/apis/networking.k8s.io/v1', plural: 'networkpolicies', namespaced: true },
  Namespace: { prefix: '/api/v1', plural: 'namespaces', namespaced: false },
  ConfigMap: { prefix: '/api/v1', plural: 'configmaps', namespaced: true },
  // Only relabelled (a step's label change on a probe pod), never applied.
  Pod: { prefix: '/api/v1', plural: 'pods', namespaced: true },
};

export function createObjectStore(loaded: LoadedKubeConfig, options: ApiCallsOptions = {}): ObjectPort {
  return new ObjectStore(loaded, new ApiCalls(options));
}

/** For an adapter that already counts its requests through `calls` (the ClusterPort relabels pods). */
export function objectStoreSharing(loaded: LoadedKubeConfig, calls: ApiCalls): ObjectPort {
  return new ObjectStore(loaded, calls);
}

interface Request {
  readonly method: 'GET' | 'PATCH' | 'PUT' | 'POST' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly contentType?: string;
}

class ObjectStore implements ObjectPort {
  readonly server: string;

  constructor(
    private readonly loaded: LoadedKubeConfig,
    private readonly calls: ApiCalls,
  ) {
    this.server = loaded.server.replace(/\/+$/, '');
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    return (await this.calls.requestOrNotFound(`reading ${describeRef(ref)}`, () => this.send({ method: 'GET', path: pathOf(ref) }))) as KubeObject | undefined;
  }

  async dryRunApply(object: KubeObject): Promise<void> {
    try {
      await this.write(`checking ${describeRef(refOf(object))} with a server-side dry run`, object, applyRequest(object, { dryRun: 'All' }));
    } catch (error) {
      // A dry run into a namespace that does not exist: the object cannot be applied as written.
      const cause = (error as { cause?: unknown }).cause;
      if (apiStatusCode(cause) === 404) throw new ObjectRejected(refOf(object), 404, classifyApiError(cause).message);
      throw error;
    }
  }

  async apply(object: KubeObject): Promise<KubeObject> {
    return this.write(`applying ${describeRef(refOf(object))}`, object, applyRequest(object));
  }

  async replace(object: KubeObject): Promise<KubeObject> {
    const ref = refOf(object);
    const current = await this.get(ref);
    const body = withoutServerFields(object);
    if (current === undefined) {
      return this.write(`re-creating ${describeRef(ref)}`, object, { method: 'POST', path: collectionPath(ref), body });
    }
    // The current resourceVersion: a replace is "make it this", over whatever is stored now.
    const resourceVersion = (current.metadata as { resourceVersion?: string }).resourceVersion;
    return this.write(`restoring ${describeRef(ref)}`, object, { method: 'PUT', path: pathOf(ref), body: { ...body, metadata: { ...body.metadata, resourceVersion } } });
  }

  async patchLabels(ref: ObjectRef, labels: Readonly<Record<string, string | null>>): Promise<KubeObject> {
    return this.calls.request(`relabelling ${describeRef(ref)}`, () =>
      this.send({ method: 'PATCH', path: pathOf(ref), body: { metadata: { labels } }, contentType: 'application/merge-patch+json' }),
    ) as Promise<KubeObject>;
  }

  async create(object: KubeObject): Promise<KubeObject> {
    const ref = refOf(object);
    return this.write(`creating ${describeRef(ref)}`, object, { method: 'POST', path: collectionPath(ref), body: object });
  }

  async list(kind: Pick<ObjectRef, 'apiVersion' | 'kind'>, labelSelector: string): Promise<readonly KubeObject[]> {
    const { prefix, plural } = resourceOf({ ...kind, name: '', namespace: 'all' });
    const answer = (await this.calls.request(`listing ${plural} (${labelSelector})`, () =>
      this.send({ method: 'GET', path: `${prefix}/${plural}`, query: { labelSelector } }),
    )) as { items?: KubeObject[] };
    return answer.items ?? [];
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    const answer = await this.calls.requestOrNotFound(`deleting ${describeRef(ref)}`, () => this.send({ method: 'DELETE', path: pathOf(ref) }));
    return answer !== undefined;
  }

  /** A write whose refusal by validation or admission is the object's fault, said in the server's words. */
  private async write(doing: string, object: KubeObject, request: Request): Promise<KubeObject> {
    try {
      return (await this.calls.request(doing, () => this.send(request))) as KubeObject;
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      const code = apiStatusCode(cause);
      const failure = classifyApiError(cause);
      if (code === 400 || code === 422 || failure.kind === 'admission') throw new ObjectRejected(refOf(object), code ?? 403, failure.message);
      throw error;
    }
  }

  /** One request; an HTTP error becomes an ApiException, so errors read like every other adapter's. */
  private async send(request: Request): Promise<unknown> {
    const url = new URL(`${this.server}${request.path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    const options: https.RequestOptions = { method: request.method, headers: { Accept: 'application/json' } };
    await this.loaded.kc.applyToHTTPSOptions(options);
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers = { ...(options.headers as Record<string, string>), ...(payload === undefined ? {} : { 'Content-Type': request.contentType ?? 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }) };
    const transport = url.protocol === 'http:' ? http : https;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = transport.request(url, { ...options, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000}s`)));
      req.on('error', reject);
      req.end(payload);
    });
    // Server-side apply answers a body that does not fit the object's schema (`to: {}` where a list
    // belongs) with a 500 "failed to create typed patch object": the object's fault, and final. As a
    // 500 it would be waited out like an outage, so it is passed on as the 422 it means.
    if (status === 500 && /failed to create typed patch object/.test(text)) throw new ApiException(422, 'HTTP 422', text, {});
    if (status < 200 || status >= 300) throw new ApiException(status, `HTTP ${status}`, text, {});
    if (text.trim() === '') throw new InfraError(`${request.method} ${request.path}: the API server answered ${status} with no body`);
    return JSON.parse(text) as unknown;
  }
}

function applyRequest(object: KubeObject, query: Record<string, string> = {}): Request {
  return {
    method: 'PATCH',
    path: pathOf(refOf(object)),
    query: { fieldManager: FIELD_MANAGER, force: 'true', ...query },
    body: object,
    contentType: 'application/apply-patch+yaml',
  };
}

function resourceOf(ref: ObjectRef): { readonly prefix: string; readonly plural: string; readonly namespaced: boolean } {
  const resource = RESOURCES[ref.kind];
  if (!resource) throw new InfraError(`kubeknock does not write ${ref.kind} objects (${describeRef(ref)}); it writes ${Object.keys(RESOURCES).join(', ')}`);
  if (resource.namespaced && !ref.namespace) throw new InfraError(`${describeRef(ref)} has no namespace`);
  return resource;
}

function collectionPath(ref: ObjectRef): string {
  const { prefix, plural, namespaced } = resourceOf(ref);
  return namespaced ? `${prefix}/namespaces/${encodeURIComponent(ref.namespace ?? '')}/${plural}` : `${prefix}/${plural}`;
}

function pathOf(ref: ObjectRef): string {
  return `${collectionPath(ref)}/${encodeURIComponent(ref.name)}`;
}
