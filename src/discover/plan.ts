/**
 * Discovery → the checks to run. Every actor knocks on every other actor's declared TCP ports, on every
 * Service port (by DNS name), on DNS and on the external hosts asked for. With classes (the default),
 * one representative pair per (source class, destination class, port) is probed and stands for the
 * others, and one Service port per group of alike Service ports (service-groups.ts); `exhaustive`
 * probes every pair. Expectations are `policy` (judged at run time from the live
 * cluster's policies) or, with `snapshot`, the verdict the given policies imply, frozen; Service, DNS
 * and host-name checks are always frozen, because `expect: policy` cannot judge them.
 */
import { assertNever } from '../model/assert-never.js';
import type { Judgement, Verdict } from '../policy/index.js';
import { computeClasses, type ClassAssignment } from './classes.js';
import type { DiscoveryEngine } from './engine.js';
import { compareText } from './find-workloads.js';
import { groupServicePorts } from './service-groups.js';
import { judgeActor, judgeDns, judgeHost, judgeService, type Judged } from './judge.js';
import type { Discovery, Door, Identity, WrittenExpectation } from './types.js';
import { appendAll } from '../model/arrays.js';

export interface PlanOptions {
  readonly exhaustive: boolean;
  readonly snapshot: boolean;
  readonly externals: readonly { readonly host: string; readonly port: number }[];
  /** The name each DNS check looks up (fully qualified, trailing dot). */
  readonly dnsName: string;
}

export type PlannedTarget =
  | { readonly type: 'actor'; readonly actor: string; readonly door: Door }
  | {
      readonly type: 'service';
      readonly namespace: string;
      readonly name: string;
      readonly port: number;
      /** `cluster-ip` when the source may not reach DNS: a failed lookup would hide the verdict. */
      readonly via: 'dns' | 'cluster-ip';
    }
  | { readonly type: 'dns'; readonly name: string }
  | { readonly type: 'host'; readonly host: string; readonly port: number };

export interface PlannedCheck {
  readonly from: string;
  readonly to: PlannedTarget;
  readonly expect: WrittenExpectation;
  /** What the given policies say, whatever is written: for the plan's time estimate and for tests. */
  readonly predicted: Judgement;
  /** The classes of the two ends; `to` is absent for Service, DNS and host checks. */
  readonly classes: { readonly from: number; readonly to?: number };
  /** Other Service ports whose verdict this check stands for (their backends are alike). */
  readonly sameAs: readonly PlannedTarget[];
  /** How many (source, destination) pairs this check stands for, itself included. */
  readonly covers: number;
  /** `observed: 12 samples, last 10:03:05`: traffic seen on it (discover --flows), for its comment. */
  readonly observed?: string;
}

export interface PlannedActor {
  readonly name: string;
  readonly identity: Identity;
  /** Its equivalence class (whether or not the plan is exhaustive). */
  readonly classId: number;
  /** Policies (`namespace/name`) that select the workload and isolate it, per direction. */
  readonly isolatedBy: { readonly ingress: readonly string[]; readonly egress: readonly string[] };
  /** TCP doors: the probe pod listens on them. */
  readonly listen: readonly Door[];
  /** UDP and SCTP doors: declared, not probed (probe pods listen on TCP only). */
  readonly unprobed: readonly Door[];
  /** Whether the plan runs a probe pod for it (in class mode, only representatives do). */
  readonly probed: boolean;
}

export interface DiscoveryPlan {
  readonly discovery: Discovery;
  readonly actors: readonly PlannedActor[];
  readonly checks: readonly PlannedCheck[];
  /** Members of each planning class, as actor names (ids are indexes; singletons when exhaustive). */
  readonly classes: readonly (readonly string[])[];
  /** How many equivalence classes the identities form (also when exhaustive). */
  readonly classCount: number;
  /** Things a check could not cover, in words: UDP doors, loopback, Services without backends. */
  readonly notProbed: readonly string[];
  /** How many checks `exhaustive` would run. */
  readonly exhaustiveChecks: number;
  readonly exhaustive: boolean;
}

/**
 * The most checks one discovered scenario may have: far past what a run does by default (10,000 checks
 * without --max-checks) and what a person reviews, and small enough that planning and writing it stay
 * within a few hundred MiB (about 100,000 checks took 0.8 to 1.3 s and 245 MiB, see bench/discover-bench.ts).
 */
export const MAX_DISCOVERED_CHECKS = 250_000;

/** The plan would be over MAX_DISCOVERED_CHECKS: an expected refusal, with the counts for the message. */
export class PlanTooBig extends Error {
  constructor(
    readonly classes: number,
    readonly checks: number,
    readonly exhaustive: boolean,
  ) {
    super(`discover would plan up to ${checks} checks (${classes} ${exhaustive ? 'identities, --exhaustive' : 'classes of workloads'}), over the ${MAX_DISCOVERED_CHECKS} one discovered scenario may have`);
    this.name = 'PlanTooBig';
  }
}

export function planDiscovery(discovery: Discovery, engine: DiscoveryEngine, names: readonly string[], options: PlanOptions): DiscoveryPlan {
  const { identities } = discovery;
  const equivalence = computeClasses(engine.compiled, identities);
  // Exhaustive: every identity plans as its own class; the real classes are still reported.
  const assignment: ClassAssignment = options.exhaustive ? { classOf: identities.map((_, index) => index), members: identities.map((_, index) => [index]) } : equivalence;
  const classMembers = assignment.members;
  const notProbed: string[] = [];
  const checks: PlannedCheck[] = [];
  const probed = new Set<number>();
  const loopbackOnly: string[] = [];
  const nameOf = (index: number): string => names[index] ?? '';
  const expectOf = (judged: { readonly verdict: Verdict }): WrittenExpectation => (options.snapshot ? judged.verdict : 'policy');

  const serviceGrouping = groupServicePorts(discovery, assignment, options.exhaustive);
  // Checks grow with classes × doors: counted before any is built, so a huge input is refused in linear time and memory.
  const tcpDoorsPerClass = classMembers.reduce((sum, members) => sum + (identities[members[0] as number]?.doors ?? []).filter((door) => door.protocol === 'TCP').length, 0);
  const upperBound = classMembers.length * (tcpDoorsPerClass + serviceGrouping.groups.length + 1 + options.externals.length);
  if (upperBound > MAX_DISCOVERED_CHECKS) throw new PlanTooBig(classMembers.length, upperBound, options.exhaustive);
  const sources = classMembers.map((members) => members[0] as number);
  for (const [fromClass, from] of sources.entries()) {
    probed.add(from);
    const size = (classMembers[fromClass] ?? []).length;
    for (const [toClass, members] of classMembers.entries()) {
      const to = members.find((member) => member !== from);
      const tcpDoors = (identities[members[0] as number]?.doors ?? []).filter((door) => door.protocol === 'TCP');
      if (tcpDoors.length === 0) continue;
      if (to === undefined) {
        loopbackOnly.push(nameOf(from));
        continue;
      }
      probed.add(to);
      const pairs = size * members.length - (fromClass === toClass ? size : 0);
      for (const door of tcpDoors) {
        const judged = judgeActor(engine, from, to, door.port);
        const target: PlannedTarget = { type: 'actor', actor: nameOf(to), door };
        // Not judgeable from the input: a snapshot leaves it out rather than freeze a guess; `policy` judges it at run time.
        if (judged.verdict === undefined && options.snapshot) {
          notProbed.push(`${nameOf(from)} → ${describeTarget(target)}: ${judged.why}`);
          continue;
        }
        checks.push({ from: nameOf(from), to: target, expect: judged.verdict === undefined ? 'policy' : expectOf(judged), predicted: judged.verdict ?? 'unknown', classes: { from: fromClass, to: toClass }, sameAs: [], covers: pairs });
      }
    }
    // Service, DNS and host-name checks: `expect: policy` cannot judge them, so the verdict is frozen.
    const frozen = (judged: Judged, to: PlannedTarget, sameAs: readonly PlannedTarget[] = []): void => {
      if (judged.verdict === undefined) return void notProbed.push(`${nameOf(from)} → ${describeTarget(to)}: ${judged.why}`);
      checks.push({ from: nameOf(from), to, expect: judged.verdict, predicted: judged.verdict, classes: { from: fromClass }, sameAs, covers: size * (1 + sameAs.length) });
    };
    const dns = judgeDns(engine, from);
    const via = dns.verdict === 'allow' ? 'dns' : 'cluster-ip';
    for (const group of serviceGrouping.groups) {
      const [first, ...rest] = group.targets.map((target): PlannedTarget => ({ type: 'service', ...target, via }));
      if (first) frozen(judgeService(engine, from, group.backends, group.protocol), first, rest);
    }
    frozen(dns, { type: 'dns', name: options.dnsName });
    for (const external of options.externals) {
      const to: PlannedTarget = { type: 'host', host: external.host, port: external.port };
      const judged = judgeHost(engine, from, external.host, external.port);
      if (!judged.byAddress && dns.verdict !== 'allow') {
        notProbed.push(`${nameOf(from)} → ${describeTarget(to)}: a host name needs DNS, which the policies deny this source; give an IP address`);
      } else if (judged.verdict !== undefined && judged.byAddress) {
        checks.push({ from: nameOf(from), to, expect: expectOf({ ...judged, verdict: judged.verdict }), predicted: judged.verdict, classes: { from: fromClass }, sameAs: [], covers: size });
      } else {
        frozen(judged, to);
      }
    }
  }
  if (loopbackOnly.length > 0) {
    notProbed.unshift(`each to itself (alone in its class, so its own ports are loopback, which CNIs treat differently): ${loopbackOnly.join(', ')}`);
  }
  appendAll(notProbed, serviceGrouping.unprobed);

  const actors: PlannedActor[] = identities.map((identity, index) => ({
    name: nameOf(index),
    identity,
    classId: equivalence.classOf[index] ?? index,
    // Sorted by name, so the file does not change when only the order of the input files does.
    isolatedBy: {
      ingress: (engine.compiled.isolatedBy.ingress[index] ?? []).map((policy) => engine.compiled.policies[policy]?.key ?? '').sort(compareText),
      egress: (engine.compiled.isolatedBy.egress[index] ?? []).map((policy) => engine.compiled.policies[policy]?.key ?? '').sort(compareText),
    },
    listen: identity.doors.filter((door) => door.protocol === 'TCP'),
    unprobed: identity.doors.filter((door) => door.protocol !== 'TCP'),
    probed: probed.has(index),
  }));
  return {
    discovery,
    actors,
    checks,
    classes: classMembers.map((members) => members.map(nameOf)),
    classCount: equivalence.members.length,
    notProbed,
    // Each check stands for `covers` pairs, and exhaustive runs exactly one check per pair.
    exhaustiveChecks: checks.reduce((sum, check) => sum + check.covers, 0),
    exhaustive: options.exhaustive,
  };
}

export function describeTarget(target: PlannedTarget): string {
  switch (target.type) {
    case 'actor':
      return `${target.actor}:${target.door.port}`;
    case 'service':
      return `svc/${target.namespace}/${target.name}:${target.port}`;
    case 'dns':
      return `dns:${target.name}`;
    case 'host':
      return `${target.host}:${target.port}`;
    default:
      return assertNever(target, 'target');
  }
}
