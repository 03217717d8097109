/**
 * `kubeknock manifests cronjob`: everything needed to run kubeknock as a scheduled in-cluster audit, as
 * one YAML stream. The scenarios are loaded and validated first, so a broken one never gets scheduled.
 */
import { buildCronJob, type AuditMetricsSink, type ProbeImageFlags } from '../deploy/cronjob.js';
import { parseGroupingFlags, pushgatewayUrlProblem } from './metrics/grouping.js';
import { auditDeadlineSeconds } from '../deploy/audit-deadline.js';
import { scheduleProblem, timeZoneProblem } from '../deploy/cron-schedule.js';
import { buildAuditNamespace } from '../deploy/namespace.js';
import type { AuditIdentity, KubeObject } from '../deploy/objects.js';
import { buildRbac } from '../deploy/rbac.js';
import { renderManifests } from '../deploy/render-yaml.js';
import { buildScenarioConfigMap, scenarioConfigMapName, scenarioKeys } from '../deploy/scenario-configmap.js';
import { CANARY_CLUSTER_PERMISSIONS, CANARY_NAMESPACE_PERMISSIONS, NAMESPACED_PERMISSIONS, clusterPermissions } from '../model/permissions.js';
import { loadScenarios } from '../scenario/load.js';
import { scenarioNamespaces } from '../scenario/namespaces.js';
import { dns1123SubdomainProblem, imageReferenceProblem } from '../model/kube-rules.js';
import { boundsProblem } from '../scenario/bounds.js';
import { InputError } from '../model/errors.js';
import { assertNever } from '../model/assert-never.js';
import type { Scenario } from '../model/scenario.js';
import { DEFAULT_SIZE_LIMITS, SIZE_LIMIT_BOUNDS, enforceSizeLimits, type SizeLimits } from './size-limits.js';
import { readInputFile } from '../scenario/file-kind.js';
import { MAX_SCENARIO_BYTES } from '../scenario/yaml-limits.js';

export interface CronJobManifestOptions {
  readonly scenarioFiles: readonly string[];
  /** The kubeknock CLI image; required, because none is published. */
  readonly image?: string;
  readonly imagePullSecrets: readonly string[];
  readonly schedule: string;
  readonly timeZone?: string;
  readonly identity: AuditIdentity;
  /** Print the Namespace object too; off when the namespace exists and is managed elsewhere. */
  readonly createNamespace: boolean;
  readonly probe: ProbeImageFlags;
  /** Overrides the deadline estimated from the scenarios. */
  readonly deadlineSeconds?: number;
  readonly ttlSecondsAfterFinished?: number;
  /** Passed on to the audit's `run`; the scenarios must fit them now, or the audit would fail every time. */
  readonly limits?: SizeLimits;
  /** Where each audit publishes its metrics, if anywhere. */
  readonly metrics?: AuditMetricsSink;
  /** Run `doctor --canary` before each audit (an init container), with the RBAC it needs. */
  readonly canary?: boolean;
  readonly toolVersion: string;
}

/** A Job name gets an 11-character suffix, and the name is also a label value: 52 keeps both legal. */
const NAME = /^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The audit Job's own numbers: at least a minute to run (pods must start), at most a week; finished
 * Jobs kept for at most a year (ttlSecondsAfterFinished is an int32 either way).
 */
export const AUDIT_BOUNDS = {
  deadlineSeconds: { min: 60, max: 7 * 86_400 },
  ttlSecondsAfterFinished: { min: 0, max: 365 * 86_400 },
} as const;

/**
 * A scheduled audit observes; a multi-step scenario changes NetworkPolicies and labels, which the
 * audit's RBAC does not allow (nor should it, unattended), and the files its steps name are not in
 * the ConfigMap.
 */
function refuseSteps(scenarios: readonly Scenario[]): void {
  const issues = scenarios.flatMap((scenario) => {
    const [first] = scenario.steps ?? [];
    if (first === undefined) return [];
    const message = `scenario "${scenario.name}" has steps, which change the cluster; a scheduled audit only observes: run it with "kubeknock run", or audit a scenario without steps`;
    return [{ file: scenario.file, line: first.source.line, path: first.source.path, message }];
  });
  if (issues.length > 0) throw new InputError('a multi-step scenario cannot be a scheduled audit', issues);
}

/** The text loadScenarios has just validated, read the same bounded way (it could have changed since). */
async function readScenarioText(file: string): Promise<string> {
  const read = await readInputFile(file, { what: 'a scenario file', maxBytes: MAX_SCENARIO_BYTES });
  if (!read.ok) throw new InputError(`cannot read ${file}: ${read.problem}`);
  return read.bytes.toString('utf8');
}

export async function cronJobManifests(options: CronJobManifestOptions): Promise<string> {
  const image = checkFlags(options);
  const scenarios = await loadScenarios(options.scenarioFiles);
  enforceSizeLimits(scenarios, options.limits ?? DEFAULT_SIZE_LIMITS);
  refuseSteps(scenarios);
  // Read after validation; the audit validates the mounted copies again when it runs.
  const files = await Promise.all(options.scenarioFiles.map(async (file) => ({ file, text: await readScenarioText(file) })));
  const keys = scenarioKeys(files);
  if (!keys.ok) throw new InputError(`the scenario files cannot share one ConfigMap`, keys.issues);

  const { identity } = options;
  const namespaces = scenarioNamespaces(scenarios);
  if (options.createNamespace && namespaces.includes(identity.namespace)) {
    throw new InputError(
      `--namespace ${identity.namespace} is one the scenarios run probes in, and printing its Namespace object would relabel it (Pod Security restricted): give the audit a namespace of its own, or pass --no-create-namespace`,
    );
  }
  const policyExpectations = scenarios.some((scenario) => scenario.checks.some((check) => check.expect === 'policy'));
  const configMapName = scenarioConfigMapName(identity);
  const objects: KubeObject[] = [
    ...(options.createNamespace ? [buildAuditNamespace(identity, { hostPath: options.metrics?.type === 'textfile' })] : []),
    // The canary's namespace gets a random name: only cluster-wide rules can cover it.
    ...buildRbac({ identity, namespaces, namespaced: NAMESPACED_PERMISSIONS, cluster: [...clusterPermissions(policyExpectations), ...(options.canary ? [...CANARY_CLUSTER_PERMISSIONS, ...CANARY_NAMESPACE_PERMISSIONS] : [])] }),
    buildScenarioConfigMap(identity, files.map(({ text }, index) => ({ key: keys.keys[index] ?? '', text }))),
    buildCronJob({
      identity,
      image,
      imagePullSecrets: options.imagePullSecrets,
      schedule: options.schedule.trim(),
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
      configMapName,
      scenarioKeys: keys.keys,
      probe: options.probe,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      activeDeadlineSeconds: options.deadlineSeconds ?? auditDeadlineSeconds(scenarios, { canary: options.canary ?? false }),
      ...(options.canary ? { canary: true } : {}),
      ...(options.ttlSecondsAfterFinished === undefined ? {} : { ttlSecondsAfterFinished: options.ttlSecondsAfterFinished }),
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 5,
    }),
  ];
  const header = [
    `kubeknock ${options.toolVersion}: a scheduled audit of ${scenarios.map((s) => s.name).join(', ')}`,
    `RBAC in ${namespaces.join(', ')}: these namespaces must exist. Apply with: kubectl apply -f -`,
    ...metricsHeader(options),
    ...(options.canary
      ? [
          'Canary: each audit first runs "kubeknock doctor --canary" (an init container; NOT ENFORCED fails the Job before the run).',
          'Its scratch namespace has a random name, so the ClusterRole grants, cluster-wide: create/get/list/delete namespaces,',
          'create/get/list pods, pods/exec, and create/patch NetworkPolicies.',
        ]
      : []),
  ];
  return renderManifests(objects, header);
}

function metricsHeader(options: CronJobManifestOptions): string[] {
  const { metrics } = options;
  if (metrics?.type !== 'textfile') return [];
  return [
    `Metrics: ${metrics.path} on the node${metrics.node ? ` ${metrics.node}` : ' the audit runs on'}, through a hostPath volume of its directory, which must exist`,
    'and be writable by uid 65532. hostPath breaks Pod Security baseline and restricted: the namespace enforces privileged',
    options.createNamespace ? '(warn and audit stay restricted, so the exception shows on every apply).' : `(--no-create-namespace: ${options.identity.namespace} must allow it).`,
  ];
}

/** What is wrong with the metrics flags, or undefined. */
function metricsProblem(metrics: AuditMetricsSink | undefined): string | undefined {
  if (metrics === undefined) return undefined;
  switch (metrics.type) {
    case 'pushgateway': {
      const url = pushgatewayUrlProblem(metrics.url);
      if (url) return `--pushgateway ${JSON.stringify(metrics.url)}: ${url}`;
      const grouping = parseGroupingFlags(metrics.group);
      return grouping.ok ? undefined : grouping.problems.join('; ');
    }
    case 'textfile':
      if (!metrics.path.startsWith('/') || metrics.path.split('/').includes('..')) return `--metrics-textfile ${JSON.stringify(metrics.path)}: give the absolute path of the file on the node, without "..", e.g. /var/lib/node_exporter/textfile_collector/kubeknock.prom`;
      // node_exporter's textfile collector reads *.prom only.
      if (!/^\/.+\/[^/]+\.prom$/.test(metrics.path)) return `--metrics-textfile ${JSON.stringify(metrics.path)}: node_exporter's textfile collector reads only files named *.prom in its directory (not the root)`;
      return metrics.node === undefined ? undefined : flagProblem('--metrics-node', dns1123SubdomainProblem(metrics.node));
    default:
      return assertNever(metrics, 'metrics sink');
  }
}

/** `--flag: problem`, as the CLI's own usage messages read. */
function flagProblem(flag: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${flag}: ${problem}`;
}

/** The flags, before any file is read; returns the image, which the type then knows is set. */
function checkFlags(options: CronJobManifestOptions): string {
  const { identity } = options;
  if (!options.image) {
    throw new InputError(
      `--image is required: kubeknock publishes no image. Build one with the repository's Dockerfile and push it where the cluster pulls from (docker build -t REGISTRY/kubeknock:${options.toolVersion} . && docker push REGISTRY/kubeknock:${options.toolVersion}), then pass --image REGISTRY/kubeknock:${options.toolVersion}`,
    );
  }
  if (!NAME.test(identity.name)) throw new InputError(`--name "${identity.name}" must be lower-case letters, digits and "-", at most 52 characters, starting and ending with a letter or digit`);
  if (!NAMESPACE.test(identity.namespace)) throw new InputError(`--namespace "${identity.namespace}" must be a namespace name: lower-case letters, digits and "-", at most 63 characters`);
  const schedule = scheduleProblem(options.schedule);
  if (schedule) throw new InputError(`--schedule: ${schedule}`);
  const zone = options.timeZone === undefined ? undefined : timeZoneProblem(options.timeZone);
  if (zone) throw new InputError(`--timezone: ${zone}`);
  const problem = [
    flagProblem('--image', imageReferenceProblem(options.image)),
    options.probe.image === undefined ? undefined : flagProblem('--probe-image', imageReferenceProblem(options.probe.image)),
    ...options.imagePullSecrets.map((secret) => flagProblem('--image-pull-secret', dns1123SubdomainProblem(secret))),
    options.deadlineSeconds === undefined ? undefined : boundsProblem('--deadline', options.deadlineSeconds, AUDIT_BOUNDS.deadlineSeconds),
    options.ttlSecondsAfterFinished === undefined ? undefined : boundsProblem('--ttl', options.ttlSecondsAfterFinished, AUDIT_BOUNDS.ttlSecondsAfterFinished),
    options.limits === undefined ? undefined : boundsProblem('--max-pods', options.limits.pods, SIZE_LIMIT_BOUNDS.pods),
    options.limits === undefined ? undefined : boundsProblem('--max-checks', options.limits.checks, SIZE_LIMIT_BOUNDS.checks),
    metricsProblem(options.metrics),
  ].find((p) => p !== undefined);
  if (problem) throw new InputError(problem);
  return options.image;
}
