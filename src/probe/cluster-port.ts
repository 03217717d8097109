/**
 * What the probe runner needs from a cluster. src/cluster/ implements it with @kubernetes/client-node
 * (the only importer of that library); tests implement it in memory. Plain data in, plain data out:
 * no client-node type crosses this boundary.
 */
import type { AccessAnswer, AccessQuestion } from '../model/permissions.js';
import type { NodeListing } from '../model/nodes.js';
import type { PodInfo, PodRef } from '../model/pods.js';
import type { LabelSelector } from '../model/scenario.js';

// The pod facts are shared with the doctor's port, so they live in src/model.
export type { PodInfo, PodRef } from '../model/pods.js';
export type { NodeInfo, NodeListing, NodeTaint } from '../model/nodes.js';

/** A Pod object as JSON (apiVersion v1, kind Pod); built by src/probe/pod-spec.ts. */
export interface PodManifest {
  readonly apiVersion: 'v1';
  readonly kind: 'Pod';
  readonly metadata: {
    readonly namespace: string;
    readonly generateName: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  /** The Pod spec exactly as the API expects it (camelCase JSON). */
  readonly spec: Readonly<Record<string, unknown>>;
}

export interface RunningPod extends PodRef {
  /** The primary address (`status.podIP`). */
  readonly ip: string;
  /** Every address (`status.podIPs`): one per family on a dual-stack cluster, the primary first. */
  readonly ips: readonly string[];
  readonly node?: string;
}

export interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  /** Empty string or `None` for headless services. */
  readonly clusterIP: string;
  /** `spec.clusterIPs`: one per family of a dual-stack Service, the primary (clusterIP) first; empty when headless. */
  readonly clusterIPs: readonly string[];
  readonly ports: readonly { readonly name?: string; readonly port: number; readonly protocol: string }[];
}

export type ExecResult =
  /** The command ran to completion and the API server reported its exit code (status frame). */
  | { readonly type: 'exited'; readonly exitCode: number; readonly stdout: string; readonly stderr: string }
  /**
   * The exec itself failed: handshake refused (403/404), socket closed without a status, our own
   * timeout, a status that is not an exit code. Never a probe result.
   */
  | { readonly type: 'failed'; readonly reason: string; readonly stdout: string; readonly stderr: string };

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Called with a short human line whenever a pod changes state ("2/5 running"). */
  readonly onProgress?: (line: string) => void;
}

export interface ClusterPort {
  /** API server URL, for reports and messages. */
  readonly server: string;
  /** `Active`, `Terminating` (being deleted: nothing new can be created in it), or undefined when it does not exist. */
  namespacePhase(name: string): Promise<'Active' | 'Terminating' | undefined>;
  /** Creates the pod (generateName) and returns its assigned name. Rejects with a clear reason on 403/404/etc. */
  createPod(manifest: PodManifest): Promise<PodRef>;
  /**
   * Resolves when every pod is Running with its containers started. Rejects with PodStartError as soon as
   * one pod can never start (image pull error, InvalidImageName, CreateContainerConfigError,
   * Unschedulable, phase Failed, deleted) or when the timeout passes, naming the pod and the reason.
   */
  waitForPodsRunning(pods: readonly PodRef[], options: WaitOptions): Promise<readonly RunningPod[]>;
  exec(
    pod: PodRef,
    container: string,
    command: readonly string[],
    /** maxOutputBytes: per stream, 1 MiB unless given (a flow sample of a busy node is larger). */
    options: { readonly timeoutMs: number; readonly signal?: AbortSignal; readonly maxOutputBytes?: number },
  ): Promise<ExecResult>;
  /**
   * Sets (a value) or removes (null) labels of a running probe pod: a step of a multi-step scenario
   * moves an actor in or out of a policy's selector without a new pod.
   */
  relabelPod(pod: PodRef, labels: Readonly<Record<string, string | null>>): Promise<void>;
  /** Deletes the pods and waits until they are gone (or the timeout passes: then rejects naming the survivors). */
  deletePods(pods: readonly PodRef[], options: { readonly gracePeriodSeconds: number; readonly timeoutMs: number }): Promise<void>;
  /** Pods matching a label selector string, in one namespace or (undefined) across all namespaces. */
  listPods(labelSelector: string, namespace?: string): Promise<readonly PodInfo[]>;
  /** Pods of one namespace matching a structured selector (for `pods` targets). */
  selectPods(namespace: string, selector: LabelSelector): Promise<readonly PodInfo[]>;
  getService(namespace: string, name: string): Promise<ServiceInfo | undefined>;
  /**
   * Every node with what placement needs (labels, Ready, cordoned, taints); `forbidden` when RBAC
   * refuses `list nodes` (cluster-scoped). Rejects on any other failure.
   */
  listNodes(): Promise<NodeListing>;
  /** A SelfSubjectAccessReview: whether the current user may do this (RBAC, webhooks). */
  canI(question: AccessQuestion): Promise<AccessAnswer>;
  /** Requests sent to the API server so far (exec and watch count as one each), and execs started. */
  stats(): { readonly apiRequests: number; readonly execs: number };
}

/** A probe pod that cannot start; `reason` is the Kubernetes reason (ErrImagePull, Unschedulable, …). */
export class PodStartError extends Error {
  constructor(
    readonly pod: PodRef,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'PodStartError';
  }
}
