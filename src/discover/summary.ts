/**
 * The plan in a few lines for stderr, with an estimate of the run's time. Probe pods start in
 * parallel; each pod runs all its checks at once in one exec (src/probe/batch-script.ts), so a pod
 * costs about one timeout when it expects a deny, and the runner runs `concurrency` pods' execs at once.
 */
import { assertNever } from '../model/assert-never.js';
import { DEFAULTS } from '../scenario/defaults.js';
import type { DiscoveryPlan } from './plan.js';
import { SYSTEM_NAMESPACE } from './find-workloads.js';
import type { LeftOutNamespace } from './types.js';

/** Seconds for the probe pods to run, as measured on the test cluster (about 3 s), rounded up. */
export const POD_START_SECONDS = 5;

export function planSummary(plan: DiscoveryPlan): string[] {
  const pods = plan.actors.filter((actor) => actor.probed);
  const namespaces = new Set(plan.actors.map((actor) => actor.identity.namespace));
  const workloads = plan.actors.reduce((sum, actor) => sum + actor.identity.workloads.length, 0);
  const { timeoutSeconds, settleSeconds, concurrency } = DEFAULTS;
  const denyingSources = new Set(plan.checks.filter((check) => check.predicted === 'deny').map((check) => check.from)).size;
  const rounds = Math.ceil(pods.length / concurrency);
  // A pod whose checks all connect answers in well under a second; one with a deny waits one timeout.
  const probeSeconds = rounds * (denyingSources > 0 ? timeoutSeconds : 1);
  const total = POD_START_SECONDS + settleSeconds + probeSeconds;
  return [
    `discover: ${workloads} workload${workloads === 1 ? '' : 's'} in ${namespaces.size} namespace${namespaces.size === 1 ? '' : 's'} → ${plan.actors.length} identit${plan.actors.length === 1 ? 'y' : 'ies'}, ${plan.classCount} class${plan.classCount === 1 ? '' : 'es'}${plan.discovery.skipped.length > 0 ? `, ${plan.discovery.skipped.length} skipped` : ''}`,
    `plan: ${pods.length} probe pod${pods.length === 1 ? '' : 's'}, ${plan.checks.length} check${plan.checks.length === 1 ? '' : 's'}${plan.exhaustive ? ' (exhaustive)' : ` (exhaustive: ${plan.exhaustiveChecks} checks, ${plan.actors.length} pods)`}${plan.notProbed.length > 0 ? `, ${plan.notProbed.length} not probed (see the end of the file)` : ''}`,
    `estimated time: about ${total} s (pod start ${POD_START_SECONDS} s + settle ${settleSeconds} s + ${rounds} exec round${rounds === 1 ? '' : 's'} × ${denyingSources > 0 ? timeoutSeconds : 1} s: ` +
      `each pod runs its checks at once, a deny costs one ${timeoutSeconds} s timeout, ${concurrency} pods at a time)`,
    ...plan.discovery.leftOut.map(leftOutText),
    ...systemImpersonation(pods.filter((actor) => actor.identity.namespace === SYSTEM_NAMESPACE).map((actor) => actor.identity.labels)),
  ];
}

/** Why a namespace of the selection has no probe pod, and how to change that. */
export function leftOutText(left: LeftOutNamespace): string {
  switch (left.reason) {
    case 'terminating':
      return `left out namespace ${left.namespace}: it is being deleted, so no probe pod can be created in it`;
    case 'system':
      return `left out namespace ${SYSTEM_NAMESPACE}: its probe pods would carry the labels of the cluster's own components (CoreDNS's k8s-app=kube-dns among them); name it with -n ${SYSTEM_NAMESPACE} to probe it`;
    default:
      return assertNever(left.reason, 'left-out reason');
  }
}

/** Probe pods in kube-system impersonate the cluster's components: said, not done silently. */
function systemImpersonation(labels: readonly Readonly<Record<string, string>>[]): string[] {
  if (labels.length === 0) return [];
  const shown = labels.map((set) => Object.entries(set).map(([key, value]) => `${key}=${value}`).join(',')).join('; ');
  return [`note: ${labels.length} probe pod${labels.length === 1 ? '' : 's'} in ${SYSTEM_NAMESPACE} will carry the labels of its workloads (${shown}) and stand beside the cluster's own components during the run`];
}
