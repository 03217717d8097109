/**
 * The collector of `kubeknock observe`: one pod per node that reads, at each interval, the socket
 * tables of the pods on its node and the node's conntrack table. The CLI execs the sampling script in
 * it and folds what it prints; the pod itself only sleeps until its deadline.
 *
 * Why these privileges and no more (proven on the test cluster):
 * - hostPID: another pod's socket tables are `/proc/<pid>/net/{tcp,tcp6,udp,udp6}` of one of its
 *   processes, and `/proc/<pid>/cgroup` names that pod's UID; both are world-readable, so no capability
 *   is needed to read them (readlink of `/proc/<pid>/ns/net` would need CAP_SYS_PTRACE: not used).
 * - runAsUser 0 with every capability dropped: the node's conntrack table, read as
 *   `/proc/<pid>/net/nf_conntrack` of the container runtime's shim (the parent of a pod's sandbox
 *   process, which lives in the node's network namespace), is mode 0440 root. A non-root collector
 *   still reads socket tables; it only loses the connections that opened and closed between samples.
 * - No hostNetwork, no volumes, read-only root filesystem, no service account token, no privilege
 *   escalation: it writes nothing anywhere.
 *
 * Why pods and not a DaemonSet object: a DaemonSet's pods cannot carry activeDeadlineSeconds (the API
 * refuses it), and its controller would recreate a collector the CLI removed. Pods pinned to their
 * node by required node affinity on metadata.name, as a DaemonSet pins its pods, keep the kubelet's
 * dead man's switch, and the sweep and `kubeknock cleanup` that remove probe pods remove them too.
 */
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, RUN_ID_LABEL } from '../model/labels.js';
import type { PodManifest } from '../probe/cluster-port.js';
import { nodeAffinity } from '../probe/pod-spec.js';

export const COLLECTOR_CONTAINER = 'collector';
/** Says what a kubeknock pod is for: `collector` here (probe pods do not set it). */
export const ROLE_LABEL = 'kubeknock.dev/role';
export const COLLECTOR_ROLE = 'flow-collector';
export const COLLECTOR_NODE_ANNOTATION = 'kubeknock.dev/node';

export interface CollectorPodInput {
  readonly namespace: string;
  readonly node: string;
  readonly runId: string;
  readonly image: string;
  readonly imagePullPolicy: string;
  readonly imagePullSecrets: readonly string[];
  /** The window plus time to start and to clean up: after it the kubelet kills the pod. */
  readonly deadlineSeconds: number;
}

/** What the collector asks of the node, in words: the plan shows it before anything is created. */
export const COLLECTOR_PRIVILEGES: readonly string[] = [
  'hostPID: to read the socket tables (/proc/<pid>/net/tcp, tcp6, udp, udp6) and the pod UID (/proc/<pid>/cgroup) of the pods on its node',
  "user root with every capability dropped: the node's conntrack table (connections that opened and closed between two samples, and the Service address a client dialled) is readable by root only",
  'no hostNetwork, no volumes, no service account token, read-only root filesystem, no privilege escalation: it writes nothing',
];

export function buildCollectorPod(input: CollectorPodInput): PodManifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: input.namespace,
      generateName: `kubeknock-observe-${input.node}-`.slice(0, 58),
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [RUN_ID_LABEL]: input.runId, [ROLE_LABEL]: COLLECTOR_ROLE },
      annotations: { [COLLECTOR_NODE_ANNOTATION]: input.node },
    },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: input.deadlineSeconds,
      terminationGracePeriodSeconds: 1,
      hostPID: true,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsUser: 0, runAsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: COLLECTOR_CONTAINER,
          image: input.image,
          imagePullPolicy: input.imagePullPolicy,
          // PID 1 ignores SIGTERM, so the pod goes at once on delete with a grace period of 1 s.
          command: ['sleep', String(input.deadlineSeconds)],
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
        },
      ],
      affinity: nodeAffinity(input.node),
      // A collector must reach every node the user's pods run on, tainted or not; it never evicts anything.
      tolerations: [{ operator: 'Exists' }],
      ...(input.imagePullSecrets.length ? { imagePullSecrets: input.imagePullSecrets.map((name) => ({ name })) } : {}),
    },
  };
}

/**
 * The sampling script (BusyBox sh), run by exec at every interval with the UIDs of the pods on the
 * collector's node as arguments. It prints the sample text src/flows/sample.ts parses:
 * a header, four socket tables per pod (one process per pod is enough: they share its network
 * namespace), then the node's conntrack table (or that it is unreadable).
 * Matching UIDs given by the CLI keeps a collector to its own node even where several nodes share a
 * PID namespace, and skips hostNetwork pods' processes (their "pod" tables are the node's).
 * The cgroup path carries the UID with `-` (cgroupfs driver) or `_` (systemd driver).
 */
export const SAMPLE_SCRIPT = [
  'echo "# kubeknock-sample 1 node=$NODE time=$(date +%s)"',
  'seen=" " shim=',
  'for p in /proc/[0-9]*; do',
  // Shell built-ins only per process (no fork): nodes run thousands of processes.
  '  uid=',
  '  { while read -r line; do case "$line" in *pod*) x=${line##*pod}; uid=${x:0:36}; uid=${uid//_/-}; break;; esac; done < "$p/cgroup"; } 2>/dev/null',
  '  [ -n "$uid" ] || continue',
  '  case " $* " in *" $uid "*) ;; *) continue;; esac',
  // The runtime's shim, in the node's network namespace, is the parent of a pod's top processes (any
  // process of a pod may come first in /proc, so every one is looked at until the shim is found).
  '  if [ -z "$shim" ]; then pp=$(cut -d" " -f4 "$p/stat" 2>/dev/null); grep -q kubepods "/proc/$pp/cgroup" 2>/dev/null || shim=$pp; fi',
  '  case "$seen" in *" $uid "*) continue;; esac',
  '  seen="$seen$uid "',
  '  for t in tcp tcp6 udp udp6; do echo "## pod=$uid table=$t"; cat "$p/net/$t" 2>/dev/null; done',
  'done',
  'echo "## conntrack"',
  'if [ -n "$shim" ] && cat "/proc/$shim/net/nf_conntrack" 2>/dev/null; then :; else echo "# conntrack unreadable"; fi',
].join('\n');

/** The exec command of one sample: the script, the node's name for the header, the UIDs to read. */
export function sampleCommand(node: string, podUids: readonly string[]): string[] {
  return ['env', `NODE=${node}`, 'sh', '-c', SAMPLE_SCRIPT, 'kubeknock-sample', ...podUids];
}
