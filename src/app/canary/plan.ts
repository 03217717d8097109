/**
 * What `doctor --canary` creates, as plain objects, and the plan text printed before it creates any
 * of them. Pure: the caller gives the random parts (namespace suffix, run id) and the time.
 *
 * The two pods are ordinary probe pods (src/probe/pod-spec.ts: Pod Security "restricted", a deadline
 * as dead man's switch, the run id label); the namespace carries kubeknock's labels and its expiry,
 * so `kubeknock cleanup` and the next canary find it if this one is killed.
 */
import { CANARY_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, RUN_ID_LABEL } from '../../model/labels.js';
import type { KubeObject } from '../../model/objects.js';
import type { ProbeTask } from '../../model/probe.js';
import type { Actor, PodSettings } from '../../model/scenario.js';
import type { PodManifest } from '../../probe/cluster-port.js';
import { buildProbePod } from '../../probe/pod-spec.js';

export const CANARY_NAMESPACE_PREFIX = 'kubeknock-canary-';
export const CANARY_PORT = 8080;
/** The knock's own timeout (nc -w): a DROP-style denial costs this much per knock. */
export const KNOCK_TIMEOUT_SECONDS = 2;
/** Time the pods may take to run, the namespace to go, on top of the two waits: the deadline of both. */
const DEADLINE_MARGIN_SECONDS = 120;
/** Letters Kubernetes uses for generated names: no vowels (no words), no look-alikes. */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export interface CanaryPlanInput {
  readonly suffix: string;
  readonly runId: string;
  readonly nowMs: number;
  /** Bound of each wait: until the client connects, then until the deny-all is enforced. */
  readonly timeoutSeconds: number;
  /** Probe pod settings: image, pull policy, start timeout (the deadline is the canary's own). */
  readonly pod: PodSettings;
}

export interface CanaryPlan {
  readonly namespace: string;
  readonly runId: string;
  readonly timeoutSeconds: number;
  /** Unix seconds after which the namespace is expired (the pods' deadline is over by then). */
  readonly expiresAt: number;
  readonly namespaceObject: KubeObject;
  readonly server: PodManifest;
  readonly client: PodManifest;
  readonly denyAll: KubeObject;
  readonly startTimeoutSeconds: number;
}

/** Five characters from `random` (0 ≤ x < 1 each call), as Kubernetes' generateName does. */
export function nameSuffix(random: () => number): string {
  return Array.from({ length: 5 }, () => SUFFIX_ALPHABET[Math.floor(random() * SUFFIX_ALPHABET.length)] ?? 'x').join('');
}

export function planCanary(input: CanaryPlanInput): CanaryPlan {
  const namespace = `${CANARY_NAMESPACE_PREFIX}${input.suffix}`;
  const deadlineSeconds = input.pod.startTimeoutSeconds + 2 * input.timeoutSeconds + DEADLINE_MARGIN_SECONDS;
  const expiresAt = Math.ceil(input.nowMs / 1000) + deadlineSeconds;
  const settings: PodSettings = { ...input.pod, deadlineSeconds };
  const actor = (name: string, listen: Actor['listen']): Actor => ({
    name,
    namespace,
    labels: { 'app.kubernetes.io/name': name },
    listen,
    serve: false,
    source: { file: '(doctor --canary)', line: 0, path: name },
  });
  const pod = (a: Actor): PodManifest => buildProbePod({ actor: a, scenarioName: 'doctor-canary', runId: input.runId, settings });
  return {
    namespace,
    runId: input.runId,
    timeoutSeconds: input.timeoutSeconds,
    expiresAt,
    startTimeoutSeconds: input.pod.startTimeoutSeconds,
    namespaceObject: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [RUN_ID_LABEL]: input.runId, [CANARY_LABEL]: String(expiresAt) } },
    },
    server: pod(actor('canary-server', [{ port: CANARY_PORT, protocol: 'TCP' }])),
    client: pod(actor('canary-client', [])),
    denyAll: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'canary-deny-all', namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [RUN_ID_LABEL]: input.runId } },
      // Selects the server alone, ingress only, no rule: every connection to it must now be denied.
      spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'canary-server' } }, policyTypes: ['Ingress'] },
    },
  };
}

/** The client's knock on the server: the same nc check a `tcp` check of a run makes. */
export function canaryTask(serverIp: string): ProbeTask {
  return { id: 'canary', kind: 'tcp', host: serverIp, port: CANARY_PORT, timeoutSeconds: KNOCK_TIMEOUT_SECONDS };
}

/** What the canary will create and remove, for stderr before it starts. */
export function describeCanaryPlan(plan: CanaryPlan): string {
  const image = (plan.server.spec['containers'] as readonly { readonly image?: string }[] | undefined)?.[0]?.image ?? '';
  return [
    `doctor --canary (run ${plan.runId}) will write to the cluster:`,
    `  create Namespace ${plan.namespace} (labels ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}, ${RUN_ID_LABEL}=${plan.runId}, ${CANARY_LABEL}=${plan.expiresAt})`,
    `  create 2 probe pods there (image ${image}): canary-server listening on TCP ${CANARY_PORT}, canary-client`,
    `  knock client → server:${CANARY_PORT} until it connects (at most ${plan.timeoutSeconds}s)`,
    `  apply NetworkPolicy ${plan.namespace}/canary-deny-all (all ingress to canary-server denied)`,
    `  knock until the connection is denied (at most ${plan.timeoutSeconds}s)`,
    `  delete Namespace ${plan.namespace} and wait until it is gone (also on failure and Ctrl-C; if this process is killed, "kubeknock cleanup" or the next canary removes it)`,
    '',
  ].join('\n');
}
