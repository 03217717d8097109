/** Pods as the ports describe them: plain data, no client-node type (src/cluster converts). */

export interface PodRef {
  readonly namespace: string;
  readonly name: string;
}

export interface PodInfo extends PodRef {
  readonly labels: Readonly<Record<string, string>>;
  /** The primary address (`status.podIP`). */
  readonly ip?: string;
  /** spec.nodeName: the node it was scheduled to. */
  readonly node?: string;
  /** `status.podIPs`, the primary first; absent when the pod has no address yet. */
  readonly ips?: readonly string[];
  readonly phase?: string;
  /** The pod's `status.reason` (e.g. `DeadlineExceeded` once activeDeadlineSeconds ran out). */
  readonly reason?: string;
  /** metadata.creationTimestamp, ISO 8601. */
  readonly createdAt?: string;
  /** status.startTime (when the kubelet took the pod), ISO 8601; activeDeadlineSeconds counts from it. */
  readonly startedAt?: string;
  /** spec.activeDeadlineSeconds. */
  readonly deadlineSeconds?: number;
  readonly deleting: boolean;
}
