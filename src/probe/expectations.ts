/**
 * Expectations that come from outside the scenario: `expect: policy` checks get theirs from a
 * resolver the app supplies (the live cluster's NetworkPolicies), asked once, after the probe pods run
 * and the probes are planned. A check the resolver cannot answer is never guessed: it is not run.
 */
import type { Expectation } from '../model/outcome.js';
import type { RunError } from '../model/report.js';
import type { Actor, ListenProtocol } from '../model/scenario.js';
import type { RunningPod } from './cluster-port.js';
import type { PlannedProbe } from './plan.js';

/** A running probe pod as policies see it: its labels and the container ports it declares. */
export interface ProbePod extends RunningPod {
  readonly actor: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly containerPorts: readonly { readonly port: number; readonly name?: string; readonly protocol: ListenProtocol }[];
}

/** The resolver's answer for one probe. */
export type PolicyJudgement =
  | { readonly type: 'judged'; readonly expect: Expectation; readonly explanation: string }
  | { readonly type: 'unjudged'; readonly reason: string };

/** Gets the probes of `expect: policy` checks and the probe pods by actor; answers by probe id. */
export type ExpectationResolver = (
  probes: readonly PlannedProbe[],
  pods: ReadonlyMap<string, ProbePod>,
) => Promise<ReadonlyMap<string, PolicyJudgement>>;

/** What one probe is judged against. `policy-unavailable` probes never run and are reported skipped. */
export type RecordExpectation =
  /** `explanation`: what the policies say about it, when the run asked for it (a rollout's broken cell explains itself). */
  | { readonly source: 'scenario'; readonly expect: Expectation; readonly explanation?: string }
  | { readonly source: 'policy'; readonly expect: Expectation; readonly explanation: string }
  | { readonly source: 'policy-unavailable'; readonly reason: string };

export interface ResolvedExpectations {
  /** By probe id, for every probe given. */
  readonly byProbe: ReadonlyMap<string, RecordExpectation>;
  /** One `policy` error when any policy check could not be judged (the run then exits 2). */
  readonly error?: RunError;
}

export async function resolveExpectations(
  probes: readonly PlannedProbe[],
  pods: ReadonlyMap<string, ProbePod>,
  resolver: ExpectationResolver | undefined,
  options: { readonly explainAll?: boolean } = {},
): Promise<ResolvedExpectations> {
  const byProbe = new Map<string, RecordExpectation>();
  const fromPolicy: PlannedProbe[] = [];
  const toExplain: PlannedProbe[] = [];
  for (const probe of probes) {
    const { expect } = probe.check;
    if (expect === 'policy') fromPolicy.push(probe);
    else {
      byProbe.set(probe.id, { source: 'scenario', expect });
      if (options.explainAll && JUDGEABLE.has(probe.check.to.type)) toExplain.push(probe);
    }
  }
  if (fromPolicy.length === 0 && toExplain.length === 0) return { byProbe };

  // One question to the resolver for both: it reads the cluster's objects once per call.
  let answers: ReadonlyMap<string, PolicyJudgement>;
  if (resolver === undefined) {
    answers = unjudgedAll(fromPolicy, 'no NetworkPolicy source was given to derive "expect: policy" from');
  } else {
    try {
      answers = await resolver([...fromPolicy, ...toExplain], pods);
    } catch (error) {
      answers = unjudgedAll(fromPolicy, `deriving expectations from NetworkPolicies failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // An explanation of a written expectation is extra information: without one, the check runs as written.
  for (const probe of toExplain) {
    const answer = answers.get(probe.id);
    const expect = probe.check.expect;
    if (answer?.type === 'judged' && expect !== 'policy') byProbe.set(probe.id, { source: 'scenario', expect, explanation: answer.explanation });
  }
  const reasons: string[] = [];
  for (const probe of fromPolicy) {
    const answer = answers.get(probe.id) ?? { type: 'unjudged', reason: 'the policy resolver gave no answer for this probe' };
    if (answer.type === 'judged') {
      byProbe.set(probe.id, { source: 'policy', expect: answer.expect, explanation: answer.explanation });
    } else {
      byProbe.set(probe.id, { source: 'policy-unavailable', reason: `the expectation could not be derived from policy: ${answer.reason}` });
      reasons.push(answer.reason);
    }
  }
  if (reasons.length === 0) return { byProbe };
  const distinct = [...new Set(reasons)];
  const message = `${reasons.length} "expect: policy" check(s) not run, as their expectation could not be derived: ${distinct.slice(0, 3).join('; ')}${distinct.length > 3 ? ` (and ${distinct.length - 3} more reasons)` : ''}`;
  return { byProbe, error: { kind: 'policy', message } };
}

/** Targets the policy engine can judge: a pod (by actor or selector) or an address. */
const JUDGEABLE: ReadonlySet<string> = new Set(['actor', 'pods', 'host']);

function unjudgedAll(probes: readonly PlannedProbe[], reason: string): Map<string, PolicyJudgement> {
  return new Map(probes.map((probe) => [probe.id, { type: 'unjudged', reason }]));
}

/** The probe pods as policies see them: the labels they were created with, the ports their actors listen on. */
export function probePodsOf(
  actors: ReadonlyMap<string, Actor>,
  created: readonly { readonly actor: string; readonly labels: Readonly<Record<string, string>> }[],
  running: ReadonlyMap<string, RunningPod>,
): Map<string, ProbePod> {
  const pods = new Map<string, ProbePod>();
  for (const { actor, labels } of created) {
    const pod = running.get(actor);
    if (!pod) continue;
    const listen = actors.get(actor)?.listen ?? [];
    pods.set(actor, { ...pod, actor, labels, containerPorts: listen.map((l) => ({ port: l.port, protocol: l.protocol, ...(l.name ? { name: l.name } : {}) })) });
  }
  return pods;
}
