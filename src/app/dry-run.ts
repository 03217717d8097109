/**
 * `run --dry-run`: the pods and probes a run would make, computed by the same code a real run uses,
 * with placeholders where only the cluster knows the answer (pod IPs, ClusterIPs). A multi-step
 * scenario shows its steps (changes and checks) and each step's probes. Touches nothing.
 */
import type { PodInfo, RunningPod, ServiceInfo } from '../probe/cluster-port.js';
import { probeCommandLine } from '../probe/commands.js';
import { planProbes, selectorKey, serviceKey } from '../probe/plan.js';
import { actorsReachedOverIpv6 } from '../probe/addresses.js';
import { buildProbePod } from '../probe/pod-spec.js';
import { loadScenarios, type InlineScenario } from '../scenario/load.js';
import { assertNever } from '../model/assert-never.js';
import { listenPortText, type Check, type PlacementWish, type Scenario } from '../model/scenario.js';
import { changeLines } from '../scenario/change-text.js';
import { DEFAULT_SIZE_LIMITS, enforceSizeLimits, type SizeLimits } from './size-limits.js';
import { withOverrides, type DefaultsOverride } from './run.js';

export interface DryRunRequest {
  readonly files: readonly string[];
  /** Scenarios made in memory (`run --discover`), after the files. */
  readonly inline?: readonly InlineScenario[];
  readonly overrides: DefaultsOverride;
  readonly output: 'text' | 'json';
  readonly runId: string;
  readonly clusterDomain: string;
  readonly limits?: SizeLimits;
}

/** Several files: text sections one after another, or one JSON object per line (as `run -o json`). */
export async function dryRun(request: DryRunRequest, write: (text: string) => void): Promise<number> {
  const scenarios = (await loadScenarios(request.files, request.inline)).map((loaded) => withOverrides(loaded, request.overrides));
  enforceSizeLimits(scenarios, request.limits ?? DEFAULT_SIZE_LIMITS);
  const plans = scenarios.map((scenario) => planOf(scenario, request));
  if (request.output === 'json') {
    const docs = plans.map(({ scenario, pods, probes, steps }) => ({
      scenario: scenario.name,
      file: scenario.file,
      pods,
      // A multi-step scenario's probes are its steps': each step runs its own set.
      ...(steps === undefined ? { probes } : { steps: steps.map(({ step, probes: stepProbes }) => ({ name: step.name, changes: step.changes.flatMap(changeLines), checks: step.checks.length, probes: stepProbes })) }),
    }));
    write(docs.length === 1 ? `${JSON.stringify(docs[0], null, 2)}\n` : docs.map((doc) => `${JSON.stringify(doc)}\n`).join(''));
    return 0;
  }
  write(plans.map(planText).join('\n'));
  return 0;
}

type Plan = ReturnType<typeof planOf>;
type PlannedProbeLine = ReturnType<typeof probesOf>[number];

function planOf(scenario: Scenario, request: DryRunRequest) {
  // Only a named node is known without the cluster; the other wishes (and the spread) are decided by a run.
  const overIpv6 = actorsReachedOverIpv6(scenario);
  const pods = [...scenario.actors.values()].map((actor) =>
    buildProbePod({ actor, scenarioName: scenario.name, runId: request.runId, settings: scenario.defaults.pod, dualStack: overIpv6.has(actor.name), ...(actor.placement?.type === 'node' ? { node: actor.placement.node } : {}) }),
  );
  const probes = probesOf(scenario, scenario.checks, request);
  const steps = scenario.steps?.map((step) => ({ step, probes: probesOf(scenario, step.checks, request) }));
  return { scenario, pods, probes, steps };
}

/** The probes of these checks, planned as a real run plans them, over placeholder pods and facts. */
function probesOf(scenario: Scenario, checks: readonly Check[], request: DryRunRequest) {
  const plan = planProbes({ ...scenario, checks }, placeholderPods(scenario), placeholderFacts(checks), { clusterDomain: request.clusterDomain });
  return [...plan.values()].flat().map((p) => ({
    id: p.id,
    from: p.check.from,
    to: p.toLabel,
    kind: p.check.kind,
    expect: p.check.expect,
    timeoutSeconds: p.check.timeoutSeconds,
    attempts: p.check.attempts,
    command: probeCommandLine(p.task),
  }));
}

function planText({ scenario, pods, probes, steps }: Plan): string {
  const total = steps === undefined ? `${probes.length} probe(s)` : `${steps.length} step(s), ${steps.reduce((sum, s) => sum + s.probes.length, 0)} probe(s) in all`;
  const lines = [`Dry run of ${scenario.name} (${scenario.file}): ${pods.length} probe pod(s), ${total}; nothing is created.`, '', 'Probe pods (image ' + scenario.defaults.pod.image + '):'];
  for (const actor of scenario.actors.values()) {
    const labels = Object.entries(actor.labels).map(([k, v]) => `${k}=${v}`).join(',') || '(no labels)';
    const listen = actor.listen.length ? `  listens on ${actor.listen.map(listenPortText).join(', ')}` : '';
    lines.push(`  ${actor.name}: ${actor.namespace}/kubeknock-${actor.name}-*  ${labels}${listen}${placementText(actor.placement)}`);
  }
  if (steps === undefined) {
    lines.push('', 'Probes (one exec per pod runs them all at once):', ...probes.map(probeLine));
    return `${lines.join('\n')}\n`;
  }
  lines.push('', 'Steps (each makes its changes, then runs its checks, over the same probe pods):');
  for (const [i, { step }] of steps.entries()) {
    const own = step.checks.length - scenario.checks.length;
    const counts = scenario.checks.length === 0 ? `${step.checks.length} check(s)` : `${step.checks.length} check(s) (${scenario.checks.length} at every step, ${own} its own)`;
    lines.push(`  step ${i + 1}/${steps.length}: ${step.name}: ${step.changes.length === 0 ? 'no changes; ' : ''}${counts}`);
    for (const change of step.changes) lines.push(...changeLines(change).map((line) => `    ${line}  (line ${change.source.line})`));
  }
  for (const [i, { step, probes: stepProbes }] of steps.entries()) {
    lines.push('', `Probes of step ${i + 1}/${steps.length}: ${step.name}:`, ...stepProbes.map(probeLine));
  }
  return `${lines.join('\n')}\n`;
}

/** The actor's wish for its node, as the run will read it; nothing for the default spread. */
function placementText(placement: PlacementWish | undefined): string {
  switch (placement?.type) {
    case undefined:
      return '';
    case 'node':
      return `  on node ${placement.node}`;
    case 'nodeSelector':
      return `  on a node with ${Object.entries(placement.labels).map(([k, v]) => `${k}=${v}`).join(',')}`;
    case 'sameNodeAs':
      return `  on the node of ${placement.actor}`;
    case 'otherNodeThan':
      return `  on another node than ${placement.actor}`;
    default:
      return assertNever(placement, 'placement');
  }
}

function probeLine(p: PlannedProbeLine): string {
  return `  ${p.id}  ${p.from} → ${p.to}  [${p.kind}] expect ${p.expect}  $ ${p.command}`;
}

function placeholderPods(scenario: Scenario): Map<string, RunningPod> {
  return new Map(
    [...scenario.actors.values()].map((a) => [a.name, { namespace: a.namespace, name: `kubeknock-${a.name}-*`, ip: `<${a.name}-pod-ip>`, ips: [`<${a.name}-pod-ipv4>`, `<${a.name}-pod-ipv6>`] }]),
  );
}

function placeholderFacts(checks: readonly Check[]): { services: Map<string, ServiceInfo>; selectedPods: Map<string, PodInfo[]> } {
  const services = new Map<string, ServiceInfo>();
  const selectedPods = new Map<string, PodInfo[]>();
  for (const check of checks) {
    const t = check.to;
    if (t.type === 'service') services.set(serviceKey(t.namespace, t.name), { namespace: t.namespace, name: t.name, clusterIP: `<${t.name}-cluster-ip>`, clusterIPs: [`<${t.name}-cluster-ipv4>`, `<${t.name}-cluster-ipv6>`], ports: [] });
    if (t.type === 'pods') {
      selectedPods.set(selectorKey(t.namespace, t.selector), [{ namespace: t.namespace, name: '<selected-pod>', labels: {}, ip: '<selected-pod-ip>', ips: ['<selected-pod-ipv4>', '<selected-pod-ipv6>'], phase: 'Running', deleting: false }]);
    }
  }
  return { services, selectedPods };
}
