/**
 * Reading a Pod's status: is it running, can it still start, and what is it doing now. Pure functions
 * over the subset of a V1Pod they need (client-node's V1Pod satisfies it; tests pass plain JSON).
 */

interface ContainerStateLike {
  readonly running?: object;
  readonly waiting?: { readonly reason?: string; readonly message?: string };
  readonly terminated?: { readonly reason?: string; readonly message?: string; readonly exitCode?: number };
}

interface ContainerStatusLike {
  readonly name: string;
  readonly image?: string;
  readonly started?: boolean;
  readonly state?: ContainerStateLike;
}

export interface PodLike {
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly deletionTimestamp?: unknown };
  readonly spec?: {
    readonly containers?: readonly { readonly name: string; readonly image?: string }[];
    readonly initContainers?: readonly { readonly name: string; readonly image?: string }[];
    readonly nodeName?: string;
  };
  readonly status?: {
    readonly phase?: string;
    readonly reason?: string;
    readonly message?: string;
    readonly podIP?: string;
    readonly podIPs?: readonly { readonly ip?: string }[];
    readonly conditions?: readonly { readonly type: string; readonly status: string; readonly reason?: string; readonly message?: string }[];
    readonly containerStatuses?: readonly ContainerStatusLike[];
    readonly initContainerStatuses?: readonly ContainerStatusLike[];
  };
}

/** Why a pod will never reach Running: `reason` is the Kubernetes reason, `message` a full sentence for the user. */
export interface PodFailure {
  readonly reason: string;
  readonly message: string;
}

/**
 * Waiting reasons the kubelet will not get out of by itself within a probe run. ErrImagePull is
 * sometimes transient, but a probe image that cannot be pulled once is almost always a wrong name,
 * a missing pull secret or an air-gapped node; waiting minutes for a back-off to tell us so helps nobody.
 */
const HOPELESS_WAITING = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'CrashLoopBackOff',
]);

const IMAGE_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

/** The reason this pod can never start, or undefined while it still may. */
export function podFailure(pod: PodLike): PodFailure | undefined {
  if (pod.metadata?.deletionTimestamp) return { reason: 'Deleted', message: 'the pod is being deleted' };
  const status = pod.status;
  const phase = status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') {
    const why = [status?.reason, status?.message].filter(Boolean).join(': ');
    return { reason: status?.reason ?? phase, message: `pod phase is ${phase}${why ? ` (${why})` : ''}${terminatedDetail(pod)}` };
  }
  for (const container of [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])]) {
    const waiting = container.state?.waiting;
    if (waiting?.reason && HOPELESS_WAITING.has(waiting.reason)) {
      const image = IMAGE_REASONS.has(waiting.reason) ? ` (image "${imageOf(pod, container)}")` : '';
      return {
        reason: waiting.reason,
        message: `container ${container.name}: ${waiting.reason}${image}${waiting.message ? `: ${waiting.message}` : ''}`,
      };
    }
  }
  const scheduled = status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return { reason: 'Unschedulable', message: `cannot be scheduled${scheduled.message ? `: ${scheduled.message}` : ''}` };
  }
  return undefined;
}

/** Running with every container started. Probe pods never become Ready (readiness gate), so Ready is not asked. */
export function podIsRunning(pod: PodLike): boolean {
  const status = pod.status;
  if (status?.phase !== 'Running' || !status.podIP) return false;
  const expected = pod.spec?.containers?.length ?? 0;
  const statuses = status.containerStatuses ?? [];
  return statuses.length >= expected && statuses.every((container) => container.state?.running !== undefined);
}

/** A few words for progress lines: "Pending", "ContainerCreating", "Running". */
export function podStateSummary(pod: PodLike): string {
  for (const container of pod.status?.containerStatuses ?? []) {
    const reason = container.state?.waiting?.reason;
    if (reason) return reason;
  }
  return pod.status?.phase ?? 'Unknown';
}

function imageOf(pod: PodLike, container: ContainerStatusLike): string {
  const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === container.name);
  return spec?.image ?? container.image ?? 'unknown';
}

/** Why the probe container stopped, when it did ("container probe terminated: Error, exit 127"). */
function terminatedDetail(pod: PodLike): string {
  for (const container of pod.status?.containerStatuses ?? []) {
    const terminated = container.state?.terminated;
    if (terminated) {
      const parts = [terminated.reason, terminated.exitCode === undefined ? undefined : `exit ${terminated.exitCode}`, terminated.message];
      return `; container ${container.name} terminated: ${parts.filter((part) => part !== undefined && part !== '').join(', ')}`;
    }
  }
  return '';
}

/**
 * Every address of a pod, the primary first. `status.podIPs` lists one per family on a dual-stack
 * cluster; older API servers (and a pod just given its address) may fill only `podIP`.
 */
export function podAddresses(status: PodLike['status']): string[] {
  const listed = (status?.podIPs ?? []).map((entry) => entry.ip ?? '').filter((ip) => ip !== '');
  const primary = status?.podIP;
  if (!primary) return listed;
  return [primary, ...listed.filter((ip) => ip !== primary)];
}
