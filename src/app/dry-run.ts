/**
 * `run --dry-run`: the pods and probes a run would make, computed by the same code a real run uses,
 * with placeholders where only the cluster knows the answer (pod IPs, ClusterIPs). Touches nothing.
 */
import type { PodInfo, RunningPod, ServiceInfo } from '../probe/cluster-port.js';
import { probeCommandLine } from '../probe/commands.js';
import { planProbes, selectorKey, serviceKey } from '../probe/plan.js';
import { buildProbePod } from '../probe/pod-spec.js';
import { loadScenarios, type InlineScenario } from '../scenario/load.js';
import type { Scenario } from '../model/scenario.js';
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
    const docs = plans.map((plan) => ({ scenario: plan.scenario.name, file: plan.scenario.file, pods: plan.pods, probes: plan.probes }));
    write(docs.length === 1 ? `${JSON.stringify(docs[0], null, 2)}\n` : docs.map((doc) => `${JSON.stringify(doc)}\n`).join(''));
    return 0;
  }
  write(plans.map(planText).join('\n'));
  return 0;
}

function planOf(scenario: Scenario, request: DryRunRequest) {
  const pods = [...scenario.actors.values()].map((actor) => buildProbePod({ actor, scenarioName: scenario.name, runId: request.runId, settings: scenario.defaults.pod }));
  const plan = planProbes(scenario, placeholderPods(scenario), placeholderFacts(scenario), { clusterDomain: request.clusterDomain });
  const probes = [...plan.values()].flat().map((p) => ({
    id: p.id,
    from: p.check.from,
    to: p.toLabel,
    kind: p.check.kind,
    expect: p.check.expect,
    timeoutSeconds: p.check.timeoutSeconds,
    attempts: p.check.attempts,
    command: probeCommandLine(p.task),
  }));
  return { scenario, pods, probes };
}

function planText({ scenario, pods, probes }: ReturnType<typeof planOf>): string {
  const lines = [`Dry run of ${scenario.name} (${scenario.file}): ${pods.length} probe pod(s), ${probes.length} probe(s); nothing is created.`, '', 'Probe pods (image ' + scenario.defaults.pod.image + '):'];
  for (const actor of scenario.actors.values()) {
    const labels = Object.entries(actor.labels).map(([k, v]) => `${k}=${v}`).join(',') || '(no labels)';
    const listen = actor.listen.length ? `  listens on ${actor.listen.map((l) => l.port).join(', ')}` : '';
    lines.push(`  ${actor.name}: ${actor.namespace}/kubeknock-${actor.name}-*  ${labels}${listen}`);
  }
  lines.push('', 'Probes (one exec per pod runs them all at once):');
  for (const p of probes) lines.push(`  ${p.id}  ${p.from} → ${p.to}  [${p.kind}] expect ${p.expect}  $ ${p.command}`);
  return `${lines.join('\n')}\n`;
}

function placeholderPods(scenario: Scenario): Map<string, RunningPod> {
  return new Map([...scenario.actors.values()].map((a) => [a.name, { namespace: a.namespace, name: `kubeknock-${a.name}-*`, ip: `<${a.name}-pod-ip>` }]));
}

function placeholderFacts(scenario: Scenario): { services: Map<string, ServiceInfo>; selectedPods: Map<string, PodInfo[]> } {
  const services = new Map<string, ServiceInfo>();
  const selectedPods = new Map<string, PodInfo[]>();
  for (const check of scenario.checks) {
    const t = check.to;
    if (t.type === 'service') services.set(serviceKey(t.namespace, t.name), { namespace: t.namespace, name: t.name, clusterIP: `<${t.name}-cluster-ip>`, ports: [] });
    if (t.type === 'pods') {
      selectedPods.set(selectorKey(t.namespace, t.selector), [{ namespace: t.namespace, name: '<selected-pod>', labels: {}, ip: '<selected-pod-ip>', phase: 'Running', deleting: false }]);
    }
  }
  return { services, selectedPods };
}
