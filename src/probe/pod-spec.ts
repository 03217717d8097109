/**
 * The probe pod of one actor: the actor's namespace and labels (so the same policies select it), a
 * spec that passes Pod Security "restricted", and the safety catches a production cluster needs.
 */
import {
  ACTOR_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  NEVER_READY_CONDITION,
  RUN_ID_LABEL,
  SCENARIO_ANNOTATION,
} from '../model/labels.js';
import type { Actor, PodSettings } from '../model/scenario.js';
import type { PodManifest } from './cluster-port.js';
import { buildPodMainScript } from './listener-script.js';
import { podNodeSelector } from './placement.js';

export const PROBE_CONTAINER = 'probe';
/** nobody: busybox images run as root, and "restricted" needs a numeric non-root user. */
const PROBE_UID = 65534;
const FIRST_UNPRIVILEGED_PORT = 1024;

export interface PodSpecInput {
  readonly actor: Actor;
  readonly scenarioName: string;
  readonly runId: string;
  readonly settings: PodSettings;
  /**
   * The node placement chose (src/probe/placement.ts). Asked of the scheduler by required node
   * affinity on metadata.name, as a DaemonSet's pods are, not by spec.nodeName: the scheduler still
   * admits the pod (resources, taints, the nodeSelector), so a pod that cannot run there says why.
   */
  readonly node?: string;
  /** Some check reaches this actor over IPv6: its servers bind `::` (see listener-script.ts). */
  readonly dualStack?: boolean;
}

export function buildProbePod({ actor, scenarioName, runId, settings, node, dualStack }: PodSpecInput): PodManifest {
  const nodeSelector = podNodeSelector(actor.placement, settings);
  // The sysctl governs binding UDP ports too.
  const lowPort = actor.listen.some((l) => l.port < FIRST_UNPRIVILEGED_PORT);
  // The readiness probe knocks over TCP; a serving actor with only UDP ports is ready once it runs.
  const firstTcpPort = actor.listen.find((l) => l.protocol === 'TCP');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: actor.namespace,
      generateName: `kubeknock-${actor.name}-`.slice(0, 58),
      // The actor's labels decide which policies select the probe, its managed-by too (a Helm workload's
      // probe says Helm); the run id is the bookkeeping a sweeper relies on (the scenario loader refuses
      // actors that set kubeknock.dev/ keys).
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, ...actor.labels, [RUN_ID_LABEL]: runId },
      annotations: { [ACTOR_ANNOTATION]: actor.name, [SCENARIO_ANNOTATION]: scenarioName },
    },
    spec: {
      restartPolicy: 'Never',
      // Dead man's switch: the kubelet kills the pod when this runs out, even if kubeknock died.
      activeDeadlineSeconds: settings.deadlineSeconds,
      // The main script exits on TERM at once; no need to hold the namespace for 30 s.
      terminationGracePeriodSeconds: 1,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      // A readiness gate nobody sets keeps the pod out of every Service's endpoints, even when its
      // labels match a Service selector. Serving actors opt out.
      ...(actor.serve ? {} : { readinessGates: [{ conditionType: NEVER_READY_CONDITION }] }),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: PROBE_UID,
        runAsGroup: PROBE_UID,
        seccompProfile: { type: 'RuntimeDefault' },
        // Listening below 1024 as non-root needs this "safe" sysctl, allowed by every Pod Security level.
        ...(lowPort ? { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } : {}),
      },
      containers: [
        {
          name: PROBE_CONTAINER,
          image: settings.image,
          imagePullPolicy: settings.imagePullPolicy,
          command: ['sh', '-c', buildPodMainScript(actor.listen, settings.deadlineSeconds, { dualStack: dualStack ?? false })],
          // Declared with their protocol, so policies' named ports resolve per protocol, as on a workload.
          ports: actor.listen.map((l) => ({ containerPort: l.port, protocol: l.protocol, ...(l.name ? { name: l.name } : {}) })),
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            runAsUser: PROBE_UID,
          },
          resources: {
            requests: { cpu: '10m', memory: '16Mi' },
            limits: { memory: '64Mi' },
          },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          ...(actor.serve && firstTcpPort ? { readinessProbe: { tcpSocket: { port: firstTcpPort.port }, periodSeconds: 2 } } : {}),
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }],
      ...(settings.imagePullSecrets.length ? { imagePullSecrets: settings.imagePullSecrets.map((name) => ({ name })) } : {}),
      ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
      ...(node === undefined ? {} : { affinity: nodeAffinity(node) }),
      ...(settings.tolerations.length ? { tolerations: settings.tolerations } : {}),
    },
  };
}

/** Required node affinity on the node's name: how a DaemonSet's pods are pinned to their node. */
export function nodeAffinity(node: string): Readonly<Record<string, unknown>> {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
      },
    },
  };
}
