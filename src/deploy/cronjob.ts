/**
 * The CronJob that runs `kubeknock run` on a schedule, as the ServiceAccount of rbac.ts, with the
 * scenarios of the ConfigMap mounted read-only. The pod passes Pod Security `restricted`.
 */
import { basename, dirname } from 'node:path/posix';
import { assertNever } from '../model/assert-never.js';
import { metadata, type AuditIdentity, type KubeObject } from './objects.js';

export const SCENARIO_DIR = '/etc/kubeknock/scenarios';
/** The nonroot user and group of distroless-style images; any non-zero id passes `restricted`. */
const AUDIT_UID = 65532;
/**
 * If the controller misses a start by more than this (it was down, the cluster was busy), that run is
 * skipped rather than started late; it also keeps a long outage from counting toward the controller's
 * "too many missed start times" refusal.
 */
const STARTING_DEADLINE_SECONDS = 300;
/**
 * On SIGTERM (the deadline, a node drain) kubeknock deletes its probe pods and writes its report, and
 * waits up to 90 s for the pods to go: it needs that long before the kubelet kills it.
 */
const TERMINATION_GRACE_SECONDS = 120;

export interface ProbeImageFlags {
  readonly image?: string;
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

/** Where the audit publishes its metrics (`kubeknock run --pushgateway` or `--metrics-file`). */
export type AuditMetricsSink =
  | { readonly type: 'pushgateway'; readonly url: string; readonly group: readonly string[] }
  /**
   * A file in node_exporter's textfile directory on the node, through a hostPath volume of that
   * directory. hostPath is forbidden by Pod Security baseline and restricted: the namespace must
   * enforce `privileged` (namespace.ts). `node` pins the audit to the node whose node_exporter reads it.
   */
  | { readonly type: 'textfile'; readonly path: string; readonly node?: string };

/** Where the textfile directory is mounted in the audit container. */
export const TEXTFILE_MOUNT = '/var/lib/kubeknock/textfile';

export interface CronJobInput {
  readonly identity: AuditIdentity;
  /** The kubeknock CLI image; its ENTRYPOINT is the CLI. */
  readonly image: string;
  readonly imagePullSecrets: readonly string[];
  readonly schedule: string;
  readonly timeZone?: string;
  readonly configMapName: string;
  /** ConfigMap keys, in the order the scenarios run. */
  readonly scenarioKeys: readonly string[];
  readonly probe: ProbeImageFlags;
  readonly limits?: { readonly pods: number; readonly checks: number };
  readonly metrics?: AuditMetricsSink;
  readonly activeDeadlineSeconds: number;
  readonly ttlSecondsAfterFinished?: number;
  readonly successfulJobsHistoryLimit: number;
  readonly failedJobsHistoryLimit: number;
  /**
   * Run `doctor --canary` first, as an init container: an audit of policies nothing enforces would
   * only report every deny as broken, so the Job fails there instead (exit 1 NOT ENFORCED, 2 cannot run).
   */
  readonly canary?: boolean;
}

/**
 * `run` with every scenario, JSON on stdout (JSON Lines for several) so the Job's log is machine-readable.
 * Every value rides in `--flag=value` form: even a value that starts with "-" stays the value of its
 * flag and can never be read as a flag of its own (`--image --dry-run` would make a dry run). The
 * scenarios come last, after the flags (yargs does not fill positionals from after a "--").
 */
export function auditArgs(scenarioKeys: readonly string[], probe: ProbeImageFlags, limits?: { readonly pods: number; readonly checks: number }, metrics?: AuditMetricsSink): string[] {
  return [
    'run',
    '-o=json',
    ...(probe.image ? [`--image=${probe.image}`] : []),
    ...(probe.imagePullPolicy ? [`--image-pull-policy=${probe.imagePullPolicy}`] : []),
    ...(limits ? [`--max-pods=${limits.pods}`, `--max-checks=${limits.checks}`] : []),
    ...metricsArgs(metrics),
    // Absolute paths: they start with "/", so none can be read as a flag whatever the key.
    ...scenarioKeys.map((key) => `${SCENARIO_DIR}/${key}`),
  ];
}

/**
 * `doctor --canary` with the audit's scenarios (so it checks the same namespaces and RBAC the run
 * needs) and its probe image, in the same `--flag=value` form as auditArgs.
 */
export function canaryArgs(scenarioKeys: readonly string[], probe: ProbeImageFlags): string[] {
  return [
    'doctor',
    '--canary',
    ...(probe.image ? [`--image=${probe.image}`] : []),
    ...(probe.imagePullPolicy ? [`--image-pull-policy=${probe.imagePullPolicy}`] : []),
    ...scenarioKeys.map((key) => `${SCENARIO_DIR}/${key}`),
  ];
}

function metricsArgs(metrics: AuditMetricsSink | undefined): string[] {
  if (metrics === undefined) return [];
  switch (metrics.type) {
    case 'pushgateway':
      return [`--pushgateway=${metrics.url}`, ...metrics.group.map((pair) => `--metrics-group=${pair}`)];
    case 'textfile':
      return [`--metrics-file=${TEXTFILE_MOUNT}/${basename(metrics.path)}`];
    default:
      return assertNever(metrics, 'metrics sink');
  }
}

export function buildCronJob(input: CronJobInput): KubeObject {
  const { identity } = input;
  const meta = metadata(identity, identity.name, identity.namespace);
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta,
    spec: {
      schedule: input.schedule,
      ...(input.timeZone ? { timeZone: input.timeZone } : {}),
      // Two audits at once would knock with twice the probe pods and judge each other's traffic: while
      // one still runs, the next scheduled one is skipped.
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: STARTING_DEADLINE_SECONDS,
      successfulJobsHistoryLimit: input.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: input.failedJobsHistoryLimit,
      jobTemplate: {
        metadata: { labels: meta.labels },
        spec: {
          // A failed audit is a finding (exit 1) or a broken cluster (exit 2): a retry would start a
          // second set of probe pods and hide the failure, so the Job fails once and waits for a person.
          backoffLimit: 0,
          activeDeadlineSeconds: input.activeDeadlineSeconds,
          ...(input.ttlSecondsAfterFinished === undefined ? {} : { ttlSecondsAfterFinished: input.ttlSecondsAfterFinished }),
          template: {
            metadata: { labels: meta.labels },
            spec: podSpec(input),
          },
        },
      },
    },
  };
}

function podSpec(input: CronJobInput): Record<string, unknown> {
  const textfile = input.metrics?.type === 'textfile' ? input.metrics : undefined;
  return {
    serviceAccountName: input.identity.name,
    // A textfile is read by the node_exporter of the node it is on: a file left on another node by
    // an earlier run would go on reporting that run.
    ...(textfile?.node ? { nodeSelector: { 'kubernetes.io/hostname': textfile.node } } : {}),
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
    // The audit talks to the API server only; Service variables would be noise in its environment.
    enableServiceLinks: false,
    ...(input.imagePullSecrets.length > 0 ? { imagePullSecrets: input.imagePullSecrets.map((name) => ({ name })) } : {}),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: AUDIT_UID,
      runAsGroup: AUDIT_UID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(input.canary ? { initContainers: [auditContainer(input, 'canary', canaryArgs(input.scenarioKeys, input.probe), undefined)] } : {}),
    containers: [auditContainer(input, 'kubeknock', auditArgs(input.scenarioKeys, input.probe, input.limits, input.metrics), textfile)],
    volumes: [
      { name: 'scenarios', configMap: { name: input.configMapName, defaultMode: 0o444 } },
      { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
      // The directory, not the file: kubeknock writes a temporary file beside it and renames it over.
      // `Directory`: it must exist (node_exporter's --collector.textfile.directory), never created here.
      ...(textfile ? [{ name: 'textfile', hostPath: { path: dirname(textfile.path), type: 'Directory' } }] : []),
    ],
  };
}

/** The CLI container: the audit's run, and the canary before it, alike. */
function auditContainer(input: CronJobInput, name: string, args: readonly string[], textfile: Extract<AuditMetricsSink, { type: 'textfile' }> | undefined): Record<string, unknown> {
  return {
    name,
    image: input.image,
    args,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    },
    // One Node process holding a report and a few WebSockets; probes run in their own pods. The
    // memory limit leaves room for `expect: policy`, which reads every pod of the cluster.
    resources: {
      requests: { cpu: '50m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    },
    volumeMounts: [
      { name: 'scenarios', mountPath: SCENARIO_DIR, readOnly: true },
      // The root filesystem is read-only; /tmp is the one place Node and its libraries may write.
      { name: 'tmp', mountPath: '/tmp' },
      ...(textfile ? [{ name: 'textfile', mountPath: TEXTFILE_MOUNT }] : []),
    ],
  };
}
