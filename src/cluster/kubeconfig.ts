/**
 * Finds the cluster to talk to, the way kubectl does: --kubeconfig, then KUBECONFIG, then
 * ~/.kube/config, then the in-cluster service account. client-node's `loadFromDefault()` is not used on
 * purpose: when it finds nothing it silently points at http://localhost:8080, and every later error
 * then talks about a server the user never configured.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { InfraError, InputError, describeError } from '../model/errors.js';
import { notRegularProblem } from '../model/file-kind.js';
import { textExcerpt } from '../model/excerpt.js';

/** A kubeconfig with many clusters and embedded certificates is a few hundred KiB; past this it is no kubeconfig. */
const MAX_KUBECONFIG_BYTES = 16 * 1024 * 1024;

export type KubeConfigSource = 'flag' | 'env' | 'default-file' | 'in-cluster';

export interface LoadedKubeConfig {
  readonly kc: KubeConfig;
  readonly server: string;
  readonly context?: string;
  readonly source: KubeConfigSource;
}

export interface KubeConfigOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Where in-cluster credentials live; a parameter only so tests can point it at a fixture directory. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function loadKubeConfig(options: KubeConfigOptions, serviceAccountDir = SERVICE_ACCOUNT_DIR): LoadedKubeConfig {
  const { kc, source, origin } = loadRaw(options, serviceAccountDir);
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context)) {
      throw new InfraError(`context "${options.context}" not found in ${origin}; available contexts: ${contextList(kc)}`);
    }
    kc.setCurrentContext(options.context);
  }
  const current = kc.getCurrentContext();
  if (!current || !kc.getContextObject(current)) {
    throw new InfraError(
      `${origin} has no usable current-context${current ? ` ("${current}" is not defined)` : ''}; pass --context (available contexts: ${contextList(kc)})`,
    );
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new InfraError(`context "${current}" in ${origin} names a cluster with no server address`);
  }
  if (/^http:\/\//i.test(cluster.server) && !cluster.skipTLSVerify) {
    // client-node refuses such a server on every request with a message that names neither the
    // server nor the kubeconfig entry; say it once, up front, with the fix.
    throw new InfraError(
      `cluster "${cluster.name}" (context "${current}" in ${origin}) has a plain-http server, ${cluster.server}; the Kubernetes client refuses plain HTTP unless that cluster entry sets insecure-skip-tls-verify: true. Use the API server's https:// address, or, for a local test server only, add insecure-skip-tls-verify: true to cluster "${cluster.name}"`,
    );
  }
  return { kc, server: cluster.server, context: current, source };
}

interface RawConfig {
  readonly kc: KubeConfig;
  readonly source: KubeConfigSource;
  /** Human description of where the config came from, for messages. */
  readonly origin: string;
}

function loadRaw(options: KubeConfigOptions, serviceAccountDir: string): RawConfig {
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) throw new InfraError(`kubeconfig ${options.kubeconfig} (from --kubeconfig) does not exist`);
    return { kc: loadFiles([options.kubeconfig]), source: 'flag', origin: options.kubeconfig };
  }
  const fromEnv = (options.env['KUBECONFIG'] ?? '').split(path.delimiter).filter((file) => file !== '');
  if (fromEnv.length > 0) {
    // kubectl skips listed files that do not exist; all of them missing is a configuration mistake.
    const present = fromEnv.filter((file) => existsSync(file));
    if (present.length === 0) throw new InfraError(`KUBECONFIG lists ${fromEnv.join(', ')} but none of these files exists`);
    return { kc: loadFiles(present), source: 'env', origin: `KUBECONFIG (${present.join(path.delimiter)})` };
  }
  const home = options.env['HOME'] ?? options.env['USERPROFILE'];
  const defaultFile = home ? path.join(home, '.kube', 'config') : undefined;
  if (defaultFile && existsSync(defaultFile)) return { kc: loadFiles([defaultFile]), source: 'default-file', origin: defaultFile };
  const inCluster = loadInCluster(options.env, serviceAccountDir);
  if (inCluster) return { kc: inCluster, source: 'in-cluster', origin: 'the in-cluster service account' };
  const looked = [
    '--kubeconfig (not given)',
    'KUBECONFIG (not set)',
    defaultFile ?? '~/.kube/config (HOME not set)',
    `in-cluster config (KUBERNETES_SERVICE_HOST ${options.env['KUBERNETES_SERVICE_HOST'] ? 'set' : 'not set'}, ${path.join(serviceAccountDir, 'token')})`,
  ];
  throw new InfraError(`no kubeconfig found (looked at ${looked.join(', ')}); pass --kubeconfig, set KUBECONFIG, or run inside a cluster`);
}

/** Reads and merges kubeconfig files; as in kubectl, the first file to define a name (or current-context) wins. */
function loadFiles(files: readonly string[]): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of files) {
    // client-node reads the file synchronously: a FIFO would block the whole process, signals included.
    const info = statSync(file, { throwIfNoEntry: false });
    const problem = info && (notRegularProblem(info, 'a kubeconfig file') ?? (info.size > MAX_KUBECONFIG_BYTES ? `is ${info.size} bytes, over the ${MAX_KUBECONFIG_BYTES} byte limit for a kubeconfig file` : undefined));
    if (problem) throw new InputError(`kubeconfig ${file}: ${problem}`);
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (error) {
      // The YAML parser quotes the lines around a mistake: of a file that is no kubeconfig (a token), only the first line, cut short.
      throw new InfraError(`reading kubeconfig ${file}: ${textExcerpt(describeError(error))}`, { cause: error, causeSummarized: true });
    }
    for (const cluster of one.getClusters()) if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
    for (const user of one.getUsers()) if (!users.has(user.name)) users.set(user.name, user);
    for (const context of one.getContexts()) if (!contexts.has(context.name)) contexts.set(context.name, context);
    if (!currentContext) currentContext = one.getCurrentContext() ?? '';
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext });
  return kc;
}

/**
 * The service-account config, built from the given environment instead of process.env (which
 * client-node's `loadFromCluster` reads) so that the caller's env decides, as for every other source.
 */
function loadInCluster(env: KubeConfigOptions['env'], serviceAccountDir: string): KubeConfig | undefined {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const tokenFile = path.join(serviceAccountDir, 'token');
  if (!host || !existsSync(tokenFile)) return undefined;
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '443';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const namespaceFile = path.join(serviceAccountDir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'in-cluster', server: `https://${hostPart}:${port}`, caFile: path.join(serviceAccountDir, 'ca.crt'), skipTLSVerify: false }],
    // The tokenFile provider re-reads the file, so projected tokens that rotate keep working.
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster', ...(namespace ? { namespace } : {}) }],
    currentContext: 'in-cluster',
  });
  return kc;
}

function contextList(kc: KubeConfig): string {
  const names = kc.getContexts().map((context) => context.name);
  return names.length > 0 ? names.join(', ') : '(none)';
}
