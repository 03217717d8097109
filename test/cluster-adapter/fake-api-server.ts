/**
 * A few REST endpoints of a Kubernetes API server on 127.0.0.1, enough to drive the real client-node
 * clients through the adapters: pods (create, get, list, delete), namespaces, services (get, list), version,
 * access reviews, DaemonSets and NetworkPolicies. Pods advance Pending → Running on their own after a
 * few reads, or get stuck in the state a test plants.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { LoadedKubeConfig } from '../../src/cluster/kubeconfig.js';

type Json = Record<string, unknown>;

export interface FakeApi {
  readonly loaded: LoadedKubeConfig;
  readonly requests: string[];
  readonly pods: Map<string, Json>;
  /** Status to give pods created with this generateName instead of Running. */
  readonly plantedStatus: Map<string, Json>;
  /** "verb resource[/sub] namespace" denied by the fake authorizer. */
  readonly denied: Set<string>;
  close(): Promise<void>;
}

export interface FakeApiOptions {
  readonly namespaces: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly services?: readonly Json[];
  readonly daemonSets?: readonly Json[];
  readonly systemPods?: readonly Json[];
  readonly networkPolicies?: readonly Json[];
  readonly forbidAllNamespaceDaemonSets?: boolean;
  /** Namespace whose pod creation Pod Security rejects. */
  readonly podSecurityRestricted?: string;
  /** Reads of a pod before it turns Running. */
  readonly readsUntilRunning?: number;
  /** Reads of a deleted pod before it is really gone. */
  readonly readsUntilGone?: number;
  /** Events per namespace, served filtered by `involvedObject.name`. */
  readonly events?: Readonly<Record<string, readonly Json[]>>;
  /** Served versions of policy.networking.k8s.io → plural → objects (absent: the group is not served). */
  readonly clusterPolicies?: Readonly<Record<string, Readonly<Record<string, readonly Json[]>>>>;
  /** Served versions of AWS's networking.k8s.aws → its ClusterNetworkPolicy objects (absent: the group is not served). */
  readonly awsClusterPolicies?: Readonly<Record<string, readonly Json[]>>;
  /** Plurals of policy.networking.k8s.io whose list RBAC refuses. */
  readonly forbidClusterPolicies?: readonly string[];
  /** Node objects, served a page of `limit` at a time. */
  readonly nodes?: readonly Json[];
  /** RBAC refuses `list nodes`. */
  readonly forbidNodes?: boolean;
}

const status = (code: number, reason: string, message: string): Json => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });

export async function startFakeApi(options: FakeApiOptions): Promise<FakeApi> {
  const requests: string[] = [];
  const pods = new Map<string, Json>();
  const reads = new Map<string, number>();
  const plantedStatus = new Map<string, Json>();
  const denied = new Set<string>();
  let counter = 0;

  const route = async (req: IncomingMessage, body: string): Promise<[number, Json]> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    let m: RegExpExecArray | null;
    if (path === '/version') return [200, { major: '1', minor: '34', gitVersion: 'v1.34.2' }];
    if (path === '/apis') {
      const versions = Object.keys(options.clusterPolicies ?? {}).map((version) => ({ groupVersion: `policy.networking.k8s.io/${version}`, version }));
      const aws = Object.keys(options.awsClusterPolicies ?? {}).map((version) => ({ groupVersion: `networking.k8s.aws/${version}`, version }));
      const groups = [
        { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }] },
        ...(versions.length ? [{ name: 'policy.networking.k8s.io', versions }] : []),
        ...(aws.length ? [{ name: 'networking.k8s.aws', versions: aws }] : []),
      ];
      return [200, { kind: 'APIGroupList', apiVersion: 'v1', groups }];
    }
    if ((m = /^\/apis\/policy\.networking\.k8s\.io\/([^/]+)\/([^/]+)$/.exec(path))) {
      const [version, plural] = [m[1]!, m[2]!];
      const items = options.clusterPolicies?.[version]?.[plural];
      if (!items) return [404, status(404, 'NotFound', 'the server could not find the requested resource')];
      if (options.forbidClusterPolicies?.includes(plural)) return [403, status(403, 'Forbidden', `${plural}.policy.networking.k8s.io is forbidden: cannot list resource`)];
      return [200, { metadata: {}, items }];
    }
    if ((m = /^\/apis\/networking\.k8s\.aws\/([^/]+)\/clusternetworkpolicies$/.exec(path))) {
      const items = options.awsClusterPolicies?.[m[1]!];
      return items ? [200, { metadata: {}, items }] : [404, status(404, 'NotFound', 'the server could not find the requested resource')];
    }
    if (method === 'POST' && path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
      const review = JSON.parse(body) as { spec: { resourceAttributes: { verb: string; resource: string; subresource?: string; namespace?: string } } };
      const a = review.spec.resourceAttributes;
      const key = `${a.verb} ${a.subresource ? `${a.resource}/${a.subresource}` : a.resource} ${a.namespace ?? '*'}`;
      return [201, { ...review, status: { allowed: !denied.has(key) } }];
    }
    if (path === '/api/v1/namespaces' && method === 'GET') {
      return [200, { kind: 'NamespaceList', metadata: {}, items: Object.entries(options.namespaces).map(([name, labels]) => ({ metadata: { name, labels } })) }];
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(path))) {
      const labels = options.namespaces[m[1]!];
      return labels ? [200, { metadata: { name: m[1], labels } }] : [404, status(404, 'NotFound', `namespaces "${m[1]}" not found`)];
    }
    if (path === '/api/v1/nodes' && method === 'GET') {
      if (options.forbidNodes) return [403, status(403, 'Forbidden', 'nodes is forbidden: User "dev" cannot list resource "nodes" in API group "" at the cluster scope')];
      const all = options.nodes ?? [];
      const start = Number(url.searchParams.get('continue') ?? '0');
      const limit = Number(url.searchParams.get('limit') ?? String(all.length));
      const next = start + limit < all.length ? String(start + limit) : undefined;
      return [200, { kind: 'NodeList', apiVersion: 'v1', metadata: next ? { continue: next } : {}, items: all.slice(start, start + limit) }];
    }
    if (path === '/api/v1/services') return [200, { kind: 'ServiceList', metadata: {}, items: options.services ?? [] }];
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)$/.exec(path))) {
      const service = (options.services ?? []).find((s) => (s['metadata'] as Json)['namespace'] === m![1] && (s['metadata'] as Json)['name'] === m![2]);
      return service ? [200, service] : [404, status(404, 'NotFound', `services "${m[2]}" not found`)];
    }
    if (path === '/apis/apps/v1/daemonsets') {
      if (options.forbidAllNamespaceDaemonSets) return [403, status(403, 'Forbidden', 'daemonsets.apps is forbidden: User "dev" cannot list resource "daemonsets" in API group "apps" at the cluster scope')];
      return [200, { metadata: {}, items: options.daemonSets ?? [] }];
    }
    if ((m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/daemonsets$/.exec(path))) {
      const ns = m[1];
      return [200, { metadata: {}, items: (options.daemonSets ?? []).filter((d) => (d['metadata'] as Json)['namespace'] === ns) }];
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/events$/.exec(path))) {
      const involved = (url.searchParams.get('fieldSelector') ?? '').replace(/^involvedObject\.name=/, '');
      const items = (options.events?.[m[1] ?? ''] ?? []).filter((e) => (e['involvedObject'] as Json | undefined)?.['name'] === involved);
      return [200, { metadata: {}, items }];
    }
    if (path === '/apis/networking.k8s.io/v1/networkpolicies') return [200, { metadata: {}, items: options.networkPolicies ?? [] }];
    if (path === '/api/v1/namespaces/kube-system/pods' && options.systemPods) return [200, { metadata: {}, items: options.systemPods }];
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(path)) && method === 'POST') {
      const ns = m[1]!;
      if (!options.namespaces[ns]) return [404, status(404, 'NotFound', `namespaces "${ns}" not found`)];
      if (ns === options.podSecurityRestricted) {
        return [403, status(403, 'Forbidden', 'pods "x" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true')];
      }
      const manifest = JSON.parse(body) as { metadata: { generateName: string; labels?: Json }; spec: Json };
      counter += 1;
      const name = `${manifest.metadata.generateName}${String(counter).padStart(5, '0')}`;
      const pod: Json = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, generateName: manifest.metadata.generateName, namespace: ns, labels: manifest.metadata.labels ?? {} },
        spec: manifest.spec,
        status: plantedStatus.get(manifest.metadata.generateName) ?? { phase: 'Pending' },
      };
      pods.set(`${ns}/${name}`, pod);
      return [201, pod];
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(path))) {
      const key = `${m[1]}/${m[2]}`;
      const pod = pods.get(key);
      if (!pod) return [404, status(404, 'NotFound', `pods "${m[2]}" not found`)];
      if (method === 'DELETE') {
        (pod['metadata'] as Json)['deletionTimestamp'] = '2026-01-01T00:00:00Z';
        reads.set(key, 0);
        return [200, pod];
      }
      advance(key, pod);
      return pods.has(key) ? [200, pod] : [404, status(404, 'NotFound', `pods "${m[2]}" not found`)];
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(path)) || path === '/api/v1/pods') {
      const ns = m?.[1];
      const selector = url.searchParams.get('labelSelector') ?? '';
      const items = [...pods.entries()]
        .filter(([key]) => ns === undefined || key.startsWith(`${ns}/`))
        .filter(([, pod]) => matches(pod, selector));
      for (const [key, pod] of items) advance(key, pod);
      return [200, { kind: 'PodList', metadata: {}, items: items.map(([, pod]) => pod).filter((pod) => pods.has(podKey(pod))) }];
    }
    // The other lists discovery reads: workload kinds (none here), and Services and NetworkPolicies of one namespace.
    if (method === 'GET' && (m = /^\/apis\/(?:apps|batch)\/v1\/(?:namespaces\/[^/]+\/)?(deployments|statefulsets|replicasets|jobs|cronjobs)$/.exec(path))) return [200, { metadata: {}, items: [] }];
    if (method === 'GET' && (m = /^\/(?:api|apis\/networking\.k8s\.io)\/v1\/namespaces\/([^/]+)\/(services|networkpolicies)$/.exec(path))) {
      const all = (m[2] === 'services' ? options.services : options.networkPolicies) ?? [];
      return [200, { metadata: {}, items: all.filter((item) => (item['metadata'] as Json)['namespace'] === m![1]) }];
    }
    return [404, status(404, 'NotFound', `no route for ${method} ${path}`)];
  };

  /** Each read moves a pod along: Pending → Running, or (once deleted) → gone. */
  const advance = (key: string, pod: Json): void => {
    const count = (reads.get(key) ?? 0) + 1;
    reads.set(key, count);
    const meta = pod['metadata'] as Json;
    if (meta['deletionTimestamp']) {
      if (count >= (options.readsUntilGone ?? 1)) pods.delete(key);
      return;
    }
    const state = pod['status'] as Json;
    if (state['phase'] === 'Pending' && !plantedStatus.has(String(meta['generateName'] ?? '')) && count >= (options.readsUntilRunning ?? 2)) {
      pod['status'] = {
        phase: 'Running',
        podIP: `10.244.0.${(count % 200) + 10}`,
        containerStatuses: [{ name: 'probe', state: { running: {} } }],
      };
      (pod['spec'] as Json)['nodeName'] = 'node-1';
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      route(req, body).then(([code, json]) => {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      }, (error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(status(500, 'InternalError', String(error))));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kc = new KubeConfig();
  const serverUrl = `http://127.0.0.1:${port}`;
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: serverUrl, skipTLSVerify: true }],
    users: [{ name: 'dev', token: 't' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'dev', namespace: 'production' }],
    currentContext: 'fake',
  });
  return {
    loaded: { kc, server: serverUrl, context: 'fake', source: 'flag' },
    requests,
    pods,
    plantedStatus,
    denied,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function podKey(pod: Json): string {
  const meta = pod['metadata'] as Json;
  return `${String(meta['namespace'])}/${String(meta['name'])}`;
}

/** Equality terms only (`a=b,c=d`), which is all the adapters send. */
function matches(pod: Json, selector: string): boolean {
  const labels = ((pod['metadata'] as Json)['labels'] ?? {}) as Record<string, string>;
  return selector
    .split(',')
    .filter(Boolean)
    .every((term) => {
      // `key` alone: the label exists (how probe pods are listed); `key=value`: it has that value.
      const [key = '', value] = term.split('=');
      return value === undefined ? labels[key] !== undefined : labels[key] === value;
    });
}
