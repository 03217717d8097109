/**
 * Observed flows laid over a verdict diff: which cut cells carried real traffic, and which observed
 * flows the diff has no cell for. A flow lands on the cell of its source identity, destination
 * identity, port (as the server saw it, after DNAT) and protocol; identities are discover's
 * (`namespace/k=v`), so a flows file and a diff line up. Pure.
 *
 * API: `placeFlows(parties, cut, flows) → FlowsOnDiff`.
 */
import { identityKey } from '../discover/find-workloads.js';
import { describeParty } from '../flows/party.js';
import type { Flow, FlowParty } from '../flows/types.js';
import { assertNever } from '../model/assert-never.js';
import { cellKey, type Cell, type CellChange, type Party } from './types.js';

/** A cut cell that carried traffic: the flows on it, summed. */
export interface CutFlow {
  readonly change: CellChange;
  readonly flows: readonly Flow[];
  readonly samples: number;
  /** The latest lastSeen of its flows (ISO 8601 UTC). */
  readonly lastSeen: string;
}

export interface UnplacedFlow {
  readonly flow: Flow;
  /** Why the diff has no cell for it, in words. */
  readonly reason: string;
}

export interface FlowsOnDiff {
  /** Observed flows in the file. */
  readonly observed: number;
  /** Cut cells with traffic, the busiest first (then in cell order). */
  readonly cut: readonly CutFlow[];
  /** Flows on a cell of the diff (cut or not). */
  readonly placed: number;
  readonly unplaced: readonly UnplacedFlow[];
}

export function placeFlows(parties: readonly Party[], cut: readonly CellChange[], flows: readonly Flow[]): FlowsOnDiff {
  const byIdentity = new Map<string, Party>();
  for (const party of parties) {
    // Actors are probe pods a scenario would create: no observed traffic is theirs.
    if (party.kind === 'actor') continue;
    const key = identityKey(party.namespace, party.labels);
    if (!byIdentity.has(key)) byIdentity.set(key, party);
  }
  const cutByCell = new Map(cut.map((change) => [cellKey(change.cell), change]));
  const onCut = new Map<string, Flow[]>();
  const unplaced: UnplacedFlow[] = [];
  let placed = 0;
  for (const flow of flows) {
    const found = cellOf(flow, byIdentity);
    if ('reason' in found) {
      unplaced.push({ flow, reason: found.reason });
      continue;
    }
    placed += 1;
    const key = cellKey(found.cell);
    if (!cutByCell.has(key)) continue;
    const list = onCut.get(key) ?? [];
    list.push(flow);
    onCut.set(key, list);
  }
  const order = new Map(cut.map((change, index) => [cellKey(change.cell), index]));
  const cutFlows = [...onCut].map(([key, list]): CutFlow => ({
    change: cutByCell.get(key) as CellChange,
    flows: list,
    samples: list.reduce((sum, flow) => sum + flow.samples, 0),
    lastSeen: list.reduce((latest, flow) => (flow.lastSeen > latest ? flow.lastSeen : latest), ''),
  }));
  cutFlows.sort((a, b) => b.samples - a.samples || (order.get(cellKey(a.change.cell)) ?? 0) - (order.get(cellKey(b.change.cell)) ?? 0));
  return { observed: flows.length, cut: cutFlows, placed, unplaced };
}

function cellOf(flow: Flow, byIdentity: ReadonlyMap<string, Party>): { readonly cell: Cell } | { readonly reason: string } {
  const source = partyOf(flow.source, byIdentity, 'source');
  if ('reason' in source) return source;
  if (!source.party.sends) return { reason: `the diff has no connections from ${source.party.label}` };
  if (flow.destination === undefined) {
    const via = flow.via ? `Service ${flow.via.namespace}/${flow.via.name}` : 'a Service';
    return { reason: `the pods behind ${via} were not observed, so the cell is unknown` };
  }
  const destination = partyOf(flow.destination, byIdentity, 'destination');
  if ('reason' in destination) return destination;
  const { party } = destination;
  if (!party.doors.some((door) => door.port === flow.port && door.protocol === flow.protocol)) {
    return { reason: `${party.label} declares no container port ${flow.port}/${flow.protocol}, and diff judges declared ports only` };
  }
  if (party === source.party && !party.selfCells) return { reason: `a pod talking to itself (loopback), which diff does not judge` };
  return { cell: { from: source.party.label, to: party.label, port: flow.port, protocol: flow.protocol } };
}

/**
 * Read live, the diff's parties can be pods, whose labels add the controller's own (pod-template-hash)
 * to the template labels a flow's identity has: the flow then stands on the cells of a pod of its
 * namespace that carries all of the identity's labels (the first by name; its replicas judge alike).
 */
function podOfIdentity(party: FlowParty & { readonly kind: 'workload' }, byIdentity: ReadonlyMap<string, Party>): Party | undefined {
  const keys = Object.keys(party.labels);
  if (keys.length === 0) return undefined;
  const candidates = [...byIdentity.values()].filter((candidate) => candidate.namespace === party.namespace && keys.every((key) => candidate.labels[key] === party.labels[key]));
  return candidates.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))[0];
}

function partyOf(party: FlowParty, byIdentity: ReadonlyMap<string, Party>, side: 'source' | 'destination'): { readonly party: Party } | { readonly reason: string } {
  switch (party.kind) {
    case 'workload': {
      const found = byIdentity.get(identityKey(party.namespace, party.labels)) ?? podOfIdentity(party, byIdentity);
      return found ? { party: found } : { reason: `the ${side} ${party.identity} is no workload of the diff's input (give its manifests, or use --from-cluster)` };
    }
    case 'node':
      return { reason: `the ${side} is ${describeParty(party)}: node traffic is not judged by NetworkPolicy cells (hostNetwork, kubelet)` };
    case 'external':
      return { reason: `the ${side} is ${describeParty(party)}: the diff has no ipBlock cells for addresses outside the cluster` };
    default:
      return assertNever(party, 'flow party');
  }
}
