/**
 * Observations → flows. Each observation is one witness's look at one connection in one sample; they
 * merge by (source, destination, via, port, protocol). Memory is one record per flow, never per socket.
 *
 * Some witnesses cannot know whether the client dialled a Service: the server's socket and a
 * conntrack table on another node than the client's see the address after DNAT. Those observations are
 * kept apart ("via unknown") and, at the end, merged into the flow with the same source, destination,
 * port and protocol that a client-side witness saw: the direct one if there is one, else the first
 * Service one. With no such flow they become a direct flow: that is what was seen.
 *
 * Samples are counted, not listed: samples arrive one at a time, so a record counts a sample when its
 * id differs from the last one it counted. To merge a via-unknown record into a flow without counting
 * a sample twice, each flow of its key also counts the samples it shared with that record.
 */
import type { IpFamily } from '../model/family.js';
import type { Flow, FlowParty, FlowProtocol, FlowService, FlowWitness } from './types.js';
import { sortFlows } from './party.js';

export interface Observation {
  readonly source: FlowParty;
  readonly destination: FlowParty | undefined;
  /** FlowAggregates.idOf the source and the destination, which the caller keeps at hand (see there). */
  readonly sourceId: number;
  readonly destinationId: number;
  /** undefined: dialled directly; 'unknown': this witness cannot tell. */
  readonly via: FlowService | undefined | 'unknown';
  readonly port: number;
  readonly portName: string | undefined;
  readonly protocol: FlowProtocol;
  readonly family: IpFamily;
  readonly witness: FlowWitness;
}

interface Aggregate {
  readonly source: FlowParty;
  readonly destination: FlowParty | undefined;
  readonly via: FlowService | undefined;
  readonly port: number;
  portName: string | undefined;
  readonly protocol: FlowProtocol;
  /** Bits of FAMILY_ORDER and WITNESS_ORDER: set once per observation, so no Set. */
  families: number;
  witnesses: number;
  samples: number;
  lastSample: number;
  /** Known records only: samples this record shared with the via-unknown record of its key. */
  shared: number;
  first: number;
  last: number;
}

export function partyKey(party: FlowParty | undefined): string {
  if (party === undefined) return '3|';
  switch (party.kind) {
    case 'workload':
      return `0|${party.identity}`;
    case 'node':
      return `1|${party.name}`;
    case 'external':
      return `2|${party.address}`;
  }
}

function viaKey(via: FlowService | undefined): string {
  return via === undefined ? '' : `${via.namespace}/${via.name}:${via.port}`;
}

const RECENT_BITS = 10;
const RECENT = 1 << RECENT_BITS;

const WITNESS_ORDER: readonly FlowWitness[] = ['client', 'server', 'conntrack'];
const FAMILY_ORDER: readonly IpFamily[] = ['ipv4', 'ipv6'];
const WITNESS_BITS: Readonly<Record<FlowWitness, number>> = { client: 1, server: 2, conntrack: 4 };
const FAMILY_BITS: Readonly<Record<IpFamily, number>> = { ipv4: 1, ipv6: 2 };

/** The records of one (source, destination, port, protocol). */
interface Bucket {
  /** Dialled directly. */
  direct: Aggregate | undefined;
  /** Through a Service, by via key; made for the first (most buckets have none: a bucket stays small, so more of them stay in the cache). */
  vias: Map<string, Aggregate> | undefined;
  /** Via unknown. */
  unsure: Aggregate | undefined;
}

export class FlowAggregates {
  /** By source id, then by destination id, port and protocol (one number): numbers, not texts, since this runs per socket. */
  private readonly buckets: Array<Map<number, Bucket> | undefined> = [];

  /** Parties by object, then by key: a short number stands for each in the record keys. */
  private readonly partyObjects = new WeakMap<FlowParty, number>();
  private readonly partyKeys = new Map<string, number>();
  private readonly viaKeys = new WeakMap<FlowService, string>();

  /**
   * The number that stands for a party (0: no party, the unknown backend). Parties with the same key
   * get the same number, so a caller may keep it with the party object it came from (an observation
   * carries both): the lookup by object then happens once per object, not once per socket.
   */
  idOf(party: FlowParty | undefined): number {
    if (party === undefined) return 0;
    let id = this.partyObjects.get(party);
    if (id === undefined) {
      const key = partyKey(party);
      id = this.partyKeys.get(key);
      if (id === undefined) {
        id = this.partyKeys.size + 1;
        this.partyKeys.set(key, id);
      }
      this.partyObjects.set(party, id);
    }
    return id;
  }

  private viaKeyOf(via: FlowService | undefined): string {
    if (via === undefined) return '';
    let key = this.viaKeys.get(via);
    if (key === undefined) {
      key = viaKey(via);
      this.viaKeys.set(via, key);
    }
    return key;
  }

  /**
   * The buckets met last, by a hash of their source and key: a sample's observations come pod by pod
   * and repeat a few keys (a pod's clients, its servers), so most are found here, in a few small
   * arrays, without the maps (measured: the lookup in the maps was the largest part of add).
   */
  private readonly recentSources = new Int32Array(RECENT).fill(-1);
  private readonly recentKeys = new Float64Array(RECENT);
  private readonly recentBuckets: Array<Bucket | undefined> = new Array<Bucket | undefined>(RECENT).fill(undefined);

  private bucket(observation: Observation): Bucket {
    const sourceId = observation.sourceId;
    const key = (observation.destinationId * 65536 + observation.port) * 2 + (observation.protocol === 'UDP' ? 1 : 0);
    const slot = (Math.imul(sourceId, 0x9e3779b1) ^ Math.imul(key | 0, 0x85ebca6b)) >>> (32 - RECENT_BITS);
    const recent = this.recentBuckets[slot];
    if (recent !== undefined && this.recentSources[slot] === sourceId && this.recentKeys[slot] === key) return recent;
    const bucket = this.storedBucket(sourceId, key);
    this.recentSources[slot] = sourceId;
    this.recentKeys[slot] = key;
    this.recentBuckets[slot] = bucket;
    return bucket;
  }

  private storedBucket(sourceId: number, key: number): Bucket {
    let byDestination = this.buckets[sourceId];
    if (byDestination === undefined) {
      byDestination = new Map();
      this.buckets[sourceId] = byDestination;
    }
    let bucket = byDestination.get(key);
    if (bucket === undefined) {
      bucket = { direct: undefined, vias: undefined, unsure: undefined };
      byDestination.set(key, bucket);
    }
    return bucket;
  }

  /** One witness's look in sample `id` (samples are added in order), at `time` (unix seconds). */
  add(observation: Observation, id: number, time: number): void {
    const bucket = this.bucket(observation);
    let aggregate: Aggregate | undefined;
    if (observation.via === 'unknown') {
      aggregate = bucket.unsure;
      if (aggregate === undefined) {
        aggregate = fresh(observation, undefined, time);
        bucket.unsure = aggregate;
      }
      if (aggregate.lastSample !== id) {
        const direct = bucket.direct;
        if (direct !== undefined && direct.lastSample === id) direct.shared += 1;
        if (bucket.vias !== undefined) for (const known of bucket.vias.values()) if (known.lastSample === id) known.shared += 1;
      }
    } else {
      const via = observation.via;
      if (via === undefined) {
        aggregate = bucket.direct;
        if (aggregate === undefined) {
          aggregate = fresh(observation, undefined, time);
          bucket.direct = aggregate;
        }
      } else {
        const key = this.viaKeyOf(via);
        bucket.vias ??= new Map();
        aggregate = bucket.vias.get(key);
        if (aggregate === undefined) {
          aggregate = fresh(observation, via, time);
          bucket.vias.set(key, aggregate);
        }
      }
      if (aggregate.lastSample !== id && bucket.unsure?.lastSample === id) aggregate.shared += 1;
    }
    if (aggregate.lastSample !== id) {
      aggregate.samples += 1;
      aggregate.lastSample = id;
    }
    aggregate.families |= FAMILY_BITS[observation.family];
    aggregate.witnesses |= WITNESS_BITS[observation.witness];
    if (time < aggregate.first) aggregate.first = time;
    if (time > aggregate.last) aggregate.last = time;
    aggregate.portName ??= observation.portName;
  }

  /** How many flows so far: every known one, and each unsure one no known flow will absorb. */
  count(): number {
    let count = 0;
    for (const byDestination of this.buckets) {
      for (const bucket of byDestination?.values() ?? []) {
        const known = (bucket.direct === undefined ? 0 : 1) + (bucket.vias?.size ?? 0);
        count += known > 0 ? known : bucket.unsure === undefined ? 0 : 1;
      }
    }
    return count;
  }

  /** The flows, merged and sorted; `keep` filters (the namespace selection). */
  finish(keep: (flow: Flow) => boolean): Flow[] {
    const merged: Aggregate[] = [];
    for (const byDestination of this.buckets) {
      for (const bucket of byDestination?.values() ?? []) {
        const { direct, vias, unsure } = bucket;
        if (direct === undefined && (vias === undefined || vias.size === 0)) {
          if (unsure !== undefined) merged.push(unsure);
          continue;
        }
        if (unsure !== undefined) {
          // The direct flow, else the first Service one by via key.
          const target = direct ?? vias?.get([...(vias?.keys() ?? [])].sort()[0] ?? '');
          if (target !== undefined) absorb(target, unsure, target.shared);
          bucket.unsure = undefined;
        }
        if (direct !== undefined) merged.push(direct);
        if (vias !== undefined) merged.push(...vias.values());
      }
    }
    // Sample times repeat across flows: each is written once.
    const times = new Map<number, string>();
    const iso = (time: number): string => {
      let text = times.get(time);
      if (text === undefined) {
        text = isoSeconds(time);
        times.set(time, text);
      }
      return text;
    };
    return sortFlows(merged.map((aggregate) => toFlow(aggregate, iso)).filter(keep));
  }
}

function fresh(observation: Observation, via: FlowService | undefined, time: number): Aggregate {
  return {
    source: observation.source,
    destination: observation.destination,
    via,
    port: observation.port,
    portName: observation.portName,
    protocol: observation.protocol,
    families: 0,
    witnesses: 0,
    samples: 0,
    lastSample: -1,
    shared: 0,
    first: time,
    last: time,
  };
}

function absorb(target: Aggregate, other: Aggregate, shared: number): void {
  target.families |= other.families;
  target.witnesses |= other.witnesses;
  target.samples += other.samples - shared;
  target.first = Math.min(target.first, other.first);
  target.last = Math.max(target.last, other.last);
  target.portName ??= other.portName;
}

function toFlow(aggregate: Aggregate, iso: (time: number) => string): Flow {
  return {
    source: aggregate.source,
    destination: aggregate.destination,
    ...(aggregate.via === undefined ? {} : { via: aggregate.via }),
    port: aggregate.port,
    ...(aggregate.portName === undefined ? {} : { portName: aggregate.portName }),
    protocol: aggregate.protocol,
    families: FAMILY_ORDER.filter((family) => (aggregate.families & FAMILY_BITS[family]) !== 0),
    firstSeen: iso(aggregate.first),
    lastSeen: iso(aggregate.last),
    samples: aggregate.samples,
    seenBy: WITNESS_ORDER.filter((witness) => (aggregate.witnesses & WITNESS_BITS[witness]) !== 0),
  };
}

export function isoSeconds(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

