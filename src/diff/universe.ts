/**
 * Everything the states of one comparison share, compiled once: the parties as pods, the picture's
 * namespaces, EVERY version of every policy that any state holds (current, candidate, each rollout
 * step), and the cells. A state is then only a set of policy indexes (policy-state.ts), judged through
 * src/policy/policy-set.ts: because a policy's selection and peer matches never depend on the other
 * policies, no state needs a compile of its own.
 */
import { compileInventory, type CompiledInventory, type EngineOptions, type Inventory, type PodSpec, type PolicySpec } from '../policy/index.js';
import type { Scenario } from '../model/scenario.js';
import { scenarioExpectations } from './expectations.js';
import { buildGrid, type CellGrid } from './grid.js';
import { findParties } from './parties.js';
import type { ExpectedVerdict, Party } from './types.js';

export interface UniverseInput {
  /** Namespaces and workloads; its policies are not used (they come in `policies`). */
  readonly picture: Inventory;
  readonly policies: readonly PolicySpec[];
  readonly scenarios: readonly Scenario[];
  readonly engine: EngineOptions;
}

export interface Universe {
  readonly parties: readonly Party[];
  /** Pod i is party i; policy i is `policies[i]` of the input. */
  readonly compiled: CompiledInventory;
  readonly grid: CellGrid;
  /** Cell index → the scenario checks written on it with allow or deny. */
  readonly expected: ReadonlyMap<number, readonly ExpectedVerdict[]>;
  /** Per direction, per policy index: the parties it selects and isolates for that direction. */
  readonly isolates: { readonly ingress: readonly (readonly number[])[]; readonly egress: readonly (readonly number[])[] };
  /** What was left out or stood in, in words. */
  readonly notes: readonly string[];
}

export function buildUniverse(input: UniverseInput): Universe {
  const { parties, actorParty, notes } = findParties(input.picture, input.scenarios);
  const pods: PodSpec[] = parties.map((party, index) => ({
    namespace: party.namespace,
    name: `party-${index}`,
    labels: party.labels,
    hostNetwork: false,
    containerPorts: party.doors.map((door) => ({ port: door.port, protocol: door.protocol, ...(door.name === undefined ? {} : { name: door.name }) })),
    kind: 'Pod',
  }));
  // Cluster-scoped policies are the current ones in every state: diff compares NetworkPolicies.
  const clusterPolicies = input.picture.clusterPolicies ? { clusterPolicies: input.picture.clusterPolicies } : {};
  const compiled = compileInventory({ namespaces: input.picture.namespaces, pods, services: [], policies: input.policies, ...clusterPolicies }, input.engine);
  const grid = buildGrid(parties);
  const expectations = scenarioExpectations(input.scenarios, actorParty, grid);
  const isolates = { ingress: input.policies.map((): number[] => []), egress: input.policies.map((): number[] => []) };
  for (const direction of ['ingress', 'egress'] as const) {
    compiled.isolatedBy[direction].forEach((policies, pod) => {
      for (const policy of policies) isolates[direction][policy]?.push(pod);
    });
  }
  const ipBlocks = input.policies.filter((policy) => [...policy.ingress.rules, ...policy.egress.rules].some((rule) => rule.peers.some((peer) => peer.type === 'ipBlock')));
  const ipNote =
    ipBlocks.length > 0 && input.engine.ipBlockMatchesPods
      ? [`${ipBlocks.length} polic${ipBlocks.length === 1 ? 'y has' : 'ies have'} ipBlock peers: the parties have no IPs, so a cell only an ipBlock could decide is unknown and not reported as changed; kubeknock explain with a pod IP judges it`]
      : [];
  return { parties, compiled, grid, expected: expectations.expected, isolates, notes: [...notes, ...expectations.notes, ...ipNote] };
}
