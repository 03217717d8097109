/**
 * An in-memory ClusterPort for use-case tests. Its "pods" are loopback addresses (127.X.Y.N) with
 * real TCP listeners on their declared TCP container ports and the REAL BusyBox UDP responder (dnsd,
 * as the probe pod's main script runs it) on their UDP ones, and exec runs the command with the REAL
 * BusyBox sh on this machine — so runner tests exercise the real batch script, real nc/wget/nslookup
 * output and the real classifier, and only the Kubernetes API is simulated.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { LabelSelector } from '../../src/model/scenario.js';
import {
  PodStartError,
  type ClusterPort,
  type ExecResult,
  type NodeInfo,
  type NodeListing,
  type PodInfo,
  type PodManifest,
  type PodRef,
  type RunningPod,
  type ServiceInfo,
  type WaitOptions,
} from '../../src/probe/cluster-port.js';
import type { AccessAnswer, AccessQuestion } from '../../src/model/permissions.js';
import { createAppletDir, runScript, type AppletDir } from './busybox.js';
import { shellQuote } from '../../src/probe/shell-quote.js';

export interface FakePod extends PodInfo {
  readonly manifest: PodManifest;
  readonly servers: Server[];
  /** dnsd processes serving the UDP container ports. */
  readonly responders: ChildProcess[];
}

export interface FakeClusterOptions {
  readonly namespaces?: readonly string[];
  /** Asked too, for namespaces created during the test (the canary's, through a FakeObjects). */
  readonly namespaceExists?: (name: string) => boolean;
  /** Namespaces being deleted. */
  readonly terminating?: readonly string[];
  readonly services?: readonly ServiceInfo[];
  /** Pods that exist before the run (targets of `pods` selectors). */
  readonly existingPods?: readonly PodInfo[];
  /** Make waitForPodsRunning fail with this Kubernetes reason. */
  readonly failStart?: string;
  /** Make deletePods fail. */
  readonly failDelete?: boolean;
  /** Permissions the authorizer refuses, as "verb resource[/subresource]" (e.g. "create pods/exec"). */
  readonly denied?: readonly string[];
  /** The pod of this actor is stored, but its create call fails as if the answer were lost. */
  readonly loseCreateAnswerFor?: string;
  /** Exec runs with a read-only /tmp, as in a pod without a writable emptyDir there. */
  readonly readOnlyTmp?: boolean;
  /** Called when an exec starts (tests delete pods or abort from here). */
  readonly onExec?: (pod: PodRef, cluster: FakeCluster) => void;
  /**
   * The cluster's nodes (listNodes); none by default. A probe pod runs on the node its affinity pins
   * (metadata.name In [NODE]), else on the first of these, as a scheduler might put it.
   */
  readonly nodes?: readonly NodeInfo[];
  /** listNodes answers that RBAC refuses `list nodes`. */
  readonly forbidNodes?: boolean;
}

/** A Ready, schedulable node without taints, for `nodes`. */
export function fakeNode(name: string, labels: Readonly<Record<string, string>> = {}, overrides: Partial<NodeInfo> = {}): NodeInfo {
  return { name, labels: { 'kubernetes.io/hostname': name, ...labels }, ready: true, unschedulable: false, taints: [], ...overrides };
}

/** The node a pod's required node affinity pins it to (what buildProbePod writes), if any. */
export function pinnedNode(manifest: PodManifest): string | undefined {
  const affinity = manifest.spec['affinity'] as
    | { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchFields?: { key: string; operator: string; values: string[] }[] }[] } } }
    | undefined;
  const field = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.find((f) => f.key === 'metadata.name' && f.operator === 'In');
  return field?.values[0];
}

export class FakeCluster implements ClusterPort {
  readonly server = 'https://fake.invalid:6443';
  readonly pods = new Map<string, FakePod>();
  readonly created: PodManifest[] = [];
  readonly deleted: string[] = [];
  readonly execScripts: string[] = [];
  /** The timeout each exec was given, in the order they started. */
  readonly execTimeoutsMs: number[] = [];
  private requests = 0;
  private execs = 0;
  private nextIp = 10;
  /**
   * A /24 of 127.0.0.0/8 of this instance's own: test files run in parallel workers, and two fake
   * clusters handing out 127.0.0.11:5432 at once collide (EADDRINUSE).
   */
  private readonly subnet = `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 256)}`;
  private readonly applets: AppletDir = createAppletDir();

  /** Pods that were there before the run (workloads, other runs' probe pods); deletable like ours. */
  readonly existing = new Map<string, PodInfo>();

  constructor(private readonly options: FakeClusterOptions = {}) {
    for (const pod of options.existingPods ?? []) this.existing.set(`${pod.namespace}/${pod.name}`, pod);
  }

  async namespacePhase(name: string): Promise<'Active' | 'Terminating' | undefined> {
    this.requests += 1;
    if ((this.options.terminating ?? []).includes(name)) return 'Terminating';
    return (this.options.namespaces ?? []).includes(name) ? 'Active' : undefined;
  }

  async createPod(manifest: PodManifest): Promise<PodRef> {
    this.requests += 1;
    const { namespace } = manifest.metadata;
    if (!(this.options.namespaces ?? []).includes(namespace) && !(this.options.namespaceExists?.(namespace) ?? false)) throw new Error(`creating probe pod in ${namespace}: namespaces "${namespace}" not found`);
    const name = `${manifest.metadata.generateName}${(this.created.length + 1).toString(36).padStart(5, 'x')}`;
    const ip = `${this.subnet}.${this.nextIp++}`;
    const containers = (manifest.spec.containers ?? []) as { ports?: { containerPort: number; protocol?: string }[] }[];
    const servers: Server[] = [];
    const responders: ChildProcess[] = [];
    for (const port of containers.flatMap((c) => c.ports ?? [])) {
      if (port.protocol === 'UDP') {
        responders.push(await this.startResponder(ip, port.containerPort));
        continue;
      }
      // nc -z connects and resets at once; that reset is normal, not an error of the test.
      const server = createServer((socket) => socket.on('error', () => undefined).end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port.containerPort, ip, resolve);
      });
      servers.push(server);
    }
    this.created.push(manifest);
    const node = pinnedNode(manifest) ?? this.options.nodes?.[0]?.name;
    this.pods.set(`${namespace}/${name}`, { namespace, name, labels: manifest.metadata.labels, ip, ...(node === undefined ? {} : { node }), phase: 'Running', deleting: false, manifest, servers, responders });
    if (this.options.loseCreateAnswerFor !== undefined && manifest.metadata.generateName?.startsWith(`kubeknock-${this.options.loseCreateAnswerFor}-`)) {
      throw new Error(`creating probe pod ${namespace}/${manifest.metadata.generateName}…: cannot reach the API server: socket hang up`);
    }
    return { namespace, name };
  }

  /** The real dnsd on ip:port, as listener-script.ts runs it; resolves once it says it is bound. */
  private startResponder(ip: string, port: number): Promise<ChildProcess> {
    const child = spawn(this.applets.busybox, ['dnsd', '-c', '/dev/null', '-i', ip, '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    return new Promise((resolve, reject) => {
      let said = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        said += chunk;
        if (said.includes('accepting UDP packets')) resolve(child);
      });
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`fake cluster: dnsd on ${ip}:${port} exited ${code}: ${said.trim()}`)));
    });
  }

  async canI(question: AccessQuestion): Promise<AccessAnswer> {
    this.requests += 1;
    const name = `${question.verb} ${question.subresource ? `${question.resource}/${question.subresource}` : question.resource}`;
    return { allowed: !(this.options.denied ?? []).includes(name) };
  }

  async waitForPodsRunning(pods: readonly PodRef[], options: WaitOptions): Promise<readonly RunningPod[]> {
    this.requests += 1;
    options.onProgress?.(`${pods.length}/${pods.length} running`);
    const first = pods[0];
    if (this.options.failStart && first) throw new PodStartError(first, this.options.failStart, `pod ${first.namespace}/${first.name}: ${this.options.failStart}: image "nope" not found`);
    return pods.map((ref) => {
      const pod = this.pods.get(`${ref.namespace}/${ref.name}`);
      if (!pod?.ip) throw new Error(`no pod ${ref.namespace}/${ref.name}`);
      return { namespace: ref.namespace, name: ref.name, ip: pod.ip, ips: pod.ips ?? [pod.ip], ...(pod.node === undefined ? {} : { node: pod.node }) };
    });
  }

  async exec(pod: PodRef, _container: string, command: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecResult> {
    this.requests += 1;
    this.execs += 1;
    this.options.onExec?.(pod, this);
    if (!this.pods.has(`${pod.namespace}/${pod.name}`)) return { type: 'failed', reason: `pods "${pod.name}" not found`, stdout: '', stderr: '' };
    if (options.signal?.aborted) return { type: 'failed', reason: 'aborted', stdout: '', stderr: '' };
    const [sh, flag, script] = command;
    if (sh !== 'sh' || flag !== '-c' || script === undefined) throw new Error(`unexpected exec command ${JSON.stringify(command)}`);
    this.execScripts.push(script);
    this.execTimeoutsMs.push(options.timeoutMs);
    // `sh -c SCRIPT NAME ARG...`: the arguments become the script's $1…, as sh would give them.
    const args = command.slice(4);
    const run = await runScript(this.applets, args.length > 0 ? `set -- ${args.map(shellQuote).join(' ')}\n${script}` : script, { timeoutMs: options.timeoutMs, readOnlyTmp: this.options.readOnlyTmp ?? false });
    if (!this.pods.has(`${pod.namespace}/${pod.name}`)) return { type: 'failed', reason: 'the pod was deleted during the exec', stdout: run.stdout, stderr: run.stderr };
    return { type: 'exited', exitCode: run.exitCode ?? 137, stdout: run.stdout, stderr: run.stderr };
  }

  async relabelPod(ref: PodRef, labels: Readonly<Record<string, string | null>>): Promise<void> {
    this.requests += 1;
    const key = `${ref.namespace}/${ref.name}`;
    const pod = this.pods.get(key);
    if (!pod) throw new Error(`relabelling pod ${key}: pods "${ref.name}" not found`);
    const next: Record<string, string> = { ...pod.labels };
    for (const [name, value] of Object.entries(labels)) {
      if (value === null) delete next[name];
      else next[name] = value;
    }
    this.pods.set(key, { ...pod, labels: next });
  }

  async deletePods(pods: readonly PodRef[]): Promise<void> {
    this.requests += pods.length;
    if (this.options.failDelete) throw new Error(`timed out waiting for ${pods.map((p) => p.name).join(', ')} to go away`);
    for (const ref of pods) {
      this.removePod(ref);
      if (this.existing.delete(`${ref.namespace}/${ref.name}`)) this.deleted.push(`${ref.namespace}/${ref.name}`);
    }
  }

  /** Simulates a pod disappearing under the run (kubectl delete, eviction). */
  removePod(ref: PodRef): void {
    const key = `${ref.namespace}/${ref.name}`;
    const pod = this.pods.get(key);
    if (!pod) return;
    for (const server of pod.servers) server.close();
    for (const responder of pod.responders) responder.kill('SIGKILL');
    this.pods.delete(key);
    this.deleted.push(key);
  }

  /** Understands the `k=v,k!=v,k` selectors kubeknock sends (`k` alone: the label exists). */
  async listPods(labelSelector: string, namespace?: string): Promise<readonly PodInfo[]> {
    this.requests += 1;
    const terms = labelSelector.split(',').filter(Boolean).map((term) => /^([^!=]+)(?:(!?=)(.*))?$/.exec(term));
    if (terms.some((t) => t === null)) throw new Error(`fake cluster: unsupported selector ${labelSelector}`);
    const holds = (labels: Readonly<Record<string, string>>, t: RegExpExecArray): boolean =>
      t[2] === undefined ? labels[t[1] ?? ''] !== undefined : (labels[t[1] ?? ''] === t[3]) === (t[2] === '=');
    return [...this.pods.values(), ...this.existing.values()].filter(
      (p) => (namespace === undefined || p.namespace === namespace) && terms.every((t) => t !== null && holds(p.labels, t)),
    );
  }

  async selectPods(namespace: string, selector: LabelSelector): Promise<readonly PodInfo[]> {
    this.requests += 1;
    return [...this.existing.values()].filter(
      (p) => p.namespace === namespace && Object.entries(selector.matchLabels ?? {}).every(([k, v]) => p.labels[k] === v),
    );
  }

  async listNodes(): Promise<NodeListing> {
    this.requests += 1;
    if (this.options.forbidNodes) return { type: 'forbidden', message: 'listing nodes: forbidden (RBAC): nodes is forbidden: User "dev" cannot list resource "nodes" in API group "" at the cluster scope' };
    return { type: 'listed', nodes: this.options.nodes ?? [] };
  }

  async getService(namespace: string, name: string): Promise<ServiceInfo | undefined> {
    this.requests += 1;
    return (this.options.services ?? []).find((s) => s.namespace === namespace && s.name === name);
  }

  stats(): { apiRequests: number; execs: number } {
    return { apiRequests: this.requests, execs: this.execs };
  }

  /** Closes listeners and removes the applet dir; call in afterEach. */
  dispose(): void {
    for (const pod of [...this.pods.values()]) this.removePod(pod);
    this.applets.remove();
  }
}
