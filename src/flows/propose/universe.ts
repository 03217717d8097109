/**
 * The workload identities a proposal knows, keyed by their STABLE labels: the flows' parties plus,
 * when given, every workload of the manifests or the cluster. Identities that differ only in unstable
 * labels (two ReplicaSets of one Deployment mid-rollout) are one workload here. Each namespace's
 * identities then get their selectors together (see selectors.ts).
 */
import type { Protocol } from '../../policy/types.js';
import type { FlowParty } from '../types.js';
import type { ProposeFacts } from './facts.js';
import { chooseSelectors, type KnownIdentity } from './selectors.js';
import { compareText, stableKey, stableLabels } from './stable-labels.js';
import type { SelectorChoice } from './types.js';

type WorkloadParty = Extract<FlowParty, { kind: 'workload' }>;

interface Entry {
  readonly namespace: string;
  readonly labels: KnownIdentity['labels'];
  readonly dropped: Set<string>;
  readonly workloads: Set<string>;
  /** `TCP/5432` → the declared name. */
  readonly portNames: Map<string, string>;
}

export class IdentityUniverse {
  private readonly entries = new Map<string, Entry>();
  private readonly byParty = new Map<string, string>();
  private selectors: Map<string, SelectorChoice> | undefined;

  constructor(private readonly knownFrom: string) {}

  /** The stable key of a flow's workload party (added on first sight). */
  party(party: WorkloadParty): string {
    const known = this.byParty.get(party.identity);
    if (known !== undefined) return known;
    const key = this.add(party.namespace, party.labels, party.workloads, []);
    this.byParty.set(party.identity, key);
    return key;
  }

  addFacts(facts: ProposeFacts): void {
    for (const identity of facts.identities) {
      this.add(
        identity.namespace,
        identity.labels,
        identity.workloads,
        identity.doors.map((door) => ({ protocol: door.protocol, port: door.port, ...(door.name === undefined ? {} : { name: door.name }) })),
      );
    }
  }

  /** Stable keys of the known identities of `namespace` that `selector` (a Service's) selects. */
  selectedBy(namespace: string, selector: Readonly<Record<string, string>>): string[] {
    const wanted = Object.entries(selector);
    return [...this.entries]
      .filter(([, entry]) => entry.namespace === namespace && wanted.every(([key, value]) => entry.labels[key] === value))
      .map(([key]) => key)
      .sort(compareText);
  }

  /** Stable keys of the identities that `test` accepts, sorted. */
  keysWhere(test: (namespace: string, labels: KnownIdentity['labels']) => boolean): string[] {
    return [...this.entries]
      .filter(([, entry]) => test(entry.namespace, entry.labels))
      .map(([key]) => key)
      .sort(compareText);
  }

  labelsOf(key: string): KnownIdentity['labels'] {
    return this.entries.get(key)?.labels ?? {};
  }

  portName(key: string, protocol: Protocol, port: number): string | undefined {
    return this.entries.get(key)?.portNames.get(`${protocol}/${port}`);
  }

  /** Every identity's selector; computed once, after every identity was added. */
  selector(key: string): SelectorChoice {
    this.selectors ??= this.chooseAll();
    const choice = this.selectors.get(key);
    if (choice === undefined) throw new Error(`no identity ${key}: add it before choosing selectors`);
    return choice;
  }

  private chooseAll(): Map<string, SelectorChoice> {
    const byNamespace = new Map<string, KnownIdentity[]>();
    for (const [key, entry] of [...this.entries].sort(([a], [b]) => compareText(a, b))) {
      const list = byNamespace.get(entry.namespace) ?? [];
      list.push({ key, namespace: entry.namespace, labels: entry.labels, dropped: [...entry.dropped].sort(compareText), workloads: [...entry.workloads].sort(compareText) });
      byNamespace.set(entry.namespace, list);
    }
    const all = new Map<string, SelectorChoice>();
    for (const list of byNamespace.values()) for (const [key, choice] of chooseSelectors(list, this.knownFrom)) all.set(key, choice);
    return all;
  }

  private add(namespace: string, labels: KnownIdentity['labels'], workloads: readonly string[], ports: readonly { protocol: Protocol; port: number; name?: string }[]): string {
    const stable = stableLabels(labels);
    const key = stableKey(namespace, stable.labels);
    const entry = this.entries.get(key) ?? { namespace, labels: stable.labels, dropped: new Set<string>(), workloads: new Set<string>(), portNames: new Map<string, string>() };
    for (const dropped of stable.dropped) entry.dropped.add(dropped);
    for (const workload of workloads) entry.workloads.add(workload);
    for (const port of ports) if (port.name !== undefined && !entry.portNames.has(`${port.protocol}/${port.port}`)) entry.portNames.set(`${port.protocol}/${port.port}`, port.name);
    this.entries.set(key, entry);
    this.selectors = undefined;
    return key;
  }
}
