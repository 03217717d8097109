/**
 * Observed flows → least-privilege NetworkPolicies, per selected namespace: a default deny of both
 * directions, DNS egress (UDP and TCP 53), and per workload one policy whose ingress admits exactly its
 * observed sources on the observed ports and whose egress admits exactly its observed destinations.
 * Each rule has ONE peer: namespaceSelector and podSelector of another namespace's workload in the same
 * entry (AND), never as two entries (which would be OR: every pod of that namespace, or the labelled
 * pods of the policy's own). Pure: the flows file and the optional facts come in as data.
 */
import { assertNever } from '../../model/assert-never.js';
import type { Protocol } from '../../policy/types.js';
import type { Flow, FlowParty, FlowsDocument } from '../types.js';
import { dnsTargets, isDnsFlow, type DnsTargets } from './dns.js';
import type { ProposeFacts } from './facts.js';
import { flowText } from './flow-text.js';
import { singleAddressCidr } from './ip-block.js';
import { policyNames } from './names.js';
import { addRule, defaultDenyPolicy, dnsPolicy, finishRules, type RuleBuilder } from './policies.js';
import { selectorText } from './selectors.js';
import { compareText } from './stable-labels.js';
import type { NamespaceProposal, Proposal, ProposedPeer, ProposedPolicy, ProposedPort } from './types.js';
import { IdentityUniverse } from './universe.js';

export interface ProposeOptions {
  /** Namespaces to write policies for; empty: every namespace the flows file observed. */
  readonly namespaces: readonly string[];
  /** Manifests or the live cluster: silent workloads, named ports, Service backends, DNS pods. */
  readonly facts?: ProposeFacts;
}

type WorkloadParty = Extract<FlowParty, { kind: 'workload' }>;


interface PolicyBuilder {
  readonly ingress: Map<string, RuleBuilder>;
  readonly egress: Map<string, RuleBuilder>;
}

/** One destination of a flow: a workload (with the port as its pods see it), an outside address, a node, or nothing known. */
type Target =
  | { readonly kind: 'workload'; readonly key: string; readonly port: ProposedPort }
  | { readonly kind: 'external'; readonly address: string }
  | { readonly kind: 'node'; readonly name: string }
  | { readonly kind: 'unknown'; readonly why: string };

export const NODE_FLOWS_NOTE =
  'Flows from nodes get no rule: a pod is always reachable from its own node (the NetworkPolicy API says so; kubelet probes come from there), ' +
  'and the flows file records no node address to write an ipBlock with. If one came from another node (a hostNetwork client, NodePort traffic), ' +
  "allow that node's address with an ipBlock after review.";

export function propose(document: FlowsDocument, options: ProposeOptions): Proposal {
  const universe = new IdentityUniverse(options.facts === undefined ? 'the flows' : `the flows and ${options.facts.from}`);
  if (options.facts !== undefined) universe.addFacts(options.facts);
  for (const flow of document.flows) {
    if (flow.source.kind === 'workload') universe.party(flow.source);
    if (flow.destination?.kind === 'workload') universe.party(flow.destination);
  }
  const selected = [...new Set(options.namespaces.length > 0 ? options.namespaces : document.namespaces)].sort(compareText);
  const builder = new ProposalBuilder(universe, new Set(selected), dnsTargets(document.flows, universe, options.facts), options.facts);
  for (const flow of document.flows) builder.add(flow);
  return { namespaces: selected.map((namespace) => builder.namespace(namespace)) };
}

class ProposalBuilder {
  private readonly policies = new Map<string, PolicyBuilder>();
  private readonly dnsFlows = new Map<string, string[]>();
  private readonly notCovered = new Map<string, string[]>();
  private readonly flowCounts = new Map<string, number>();
  private readonly fromNodes = new Map<string, string[]>();
  private readonly usedSelectors = new Map<string, Set<string>>();
  private readonly serviceBackends = new Map<string, Target[]>();

  constructor(
    private readonly universe: IdentityUniverse,
    private readonly selected: ReadonlySet<string>,
    private readonly dns: DnsTargets,
    private readonly facts: ProposeFacts | undefined,
  ) {}

  add(flow: Flow): void {
    const text = flowText(flow, (party) => this.name(party));
    const source = flow.source.kind === 'workload' ? this.universe.party(flow.source) : undefined;
    const sourceNamespace = flow.source.kind === 'workload' ? flow.source.namespace : undefined;
    const targets = this.targets(flow);
    const namespaces = new Set<string>();
    if (sourceNamespace !== undefined && this.selected.has(sourceNamespace)) namespaces.add(sourceNamespace);
    for (const target of targets) {
      if (target.kind === 'workload') {
        const namespace = this.universe.selector(target.key).namespace;
        if (this.selected.has(namespace)) {
          namespaces.add(namespace);
          this.admitIngress(flow, target.key, target.port, text);
        }
      }
    }
    for (const namespace of namespaces) this.flowCounts.set(namespace, (this.flowCounts.get(namespace) ?? 0) + 1);
    if (source === undefined || sourceNamespace === undefined || !this.selected.has(sourceNamespace)) return;
    const firstWorkload = targets.find((target) => target.kind === 'workload');
    if (isDnsFlow(flow, firstWorkload?.kind === 'workload' ? firstWorkload.key : undefined, this.dns)) {
      push(this.dnsFlows, sourceNamespace, text);
      return;
    }
    for (const target of targets) this.admitEgress(source, sourceNamespace, target, flow, text);
  }

  namespace(namespace: string): NamespaceProposal {
    const keys = [...this.policies.keys()].filter((key) => this.universe.selector(key).namespace === namespace).sort(compareText);
    const names = policyNames(keys.map((key) => this.universe.selector(key).name));
    const policies: ProposedPolicy[] = [defaultDenyPolicy(namespace), dnsPolicy(namespace, this.dns, this.dnsFlows.get(namespace) ?? [])];
    const used = new Set(this.usedSelectors.get(namespace));
    keys.forEach((key, index) => {
      const policy = this.workloadPolicy(namespace, key, names[index] as string);
      if (policy === undefined) return;
      policies.push(policy);
      used.add(key);
    });
    const selectors = [...used].sort(compareText).map((key) => this.universe.selector(key));
    return {
      namespace,
      policies,
      selectors,
      notCovered: this.notCovered.get(namespace) ?? [],
      fromNodes: this.fromNodes.get(namespace) ?? [],
      flowCount: this.flowCounts.get(namespace) ?? 0,
      dns: this.dns.reason,
    };
  }

  /** Where a flow arrived: its destination party, or the backends of the Service it dialled (from the facts). */
  private targets(flow: Flow): Target[] {
    const destination = flow.destination;
    if (destination !== undefined) {
      switch (destination.kind) {
        case 'workload': {
          const key = this.universe.party(destination);
          return [{ kind: 'workload', key, port: this.port(key, flow.protocol, flow.port, flow.portName) }];
        }
        case 'external':
          return [{ kind: 'external', address: destination.address }];
        case 'node':
          return [{ kind: 'node', name: destination.name }];
        default:
          return assertNever(destination, 'flow destination');
      }
    }
    if (flow.via === undefined) return [{ kind: 'unknown', why: 'the flows file names neither its destination nor a Service' }];
    const via = flow.via;
    const cacheKey = `${via.namespace}/${via.name}:${via.port}/${flow.protocol}`;
    const cached = this.serviceBackends.get(cacheKey);
    if (cached !== undefined) return cached;
    const backends = this.serviceTargets(via, flow.protocol);
    this.serviceBackends.set(cacheKey, backends);
    return backends;
  }

  private serviceTargets(via: NonNullable<Flow['via']>, protocol: Protocol): Target[] {
    const service = `Service ${via.namespace}/${via.name}`;
    if (this.facts === undefined) return [{ kind: 'unknown', why: `its backend behind ${service} was not seen; give the manifests (-f) or --from-cluster to find the Service's pods` }];
    const spec = this.facts.services.find((candidate) => candidate.namespace === via.namespace && candidate.name === via.name);
    if (spec === undefined || spec.selector === undefined) return [{ kind: 'unknown', why: `${service} is ${spec === undefined ? 'not in' : 'without a selector in'} ${this.facts.from}` }];
    const servicePort = spec.ports.find((port) => port.port === via.port && port.protocol === protocol);
    const keys = this.universe.selectedBy(via.namespace, spec.selector);
    if (servicePort === undefined || keys.length === 0) return [{ kind: 'unknown', why: `${service} ${servicePort === undefined ? `has no port ${via.port}/${protocol}` : 'selects no workload'} in ${this.facts.from}` }];
    const target = servicePort.targetPort;
    return keys.map((key) => ({ kind: 'workload', key, port: typeof target === 'string' ? { protocol, port: target } : this.port(key, protocol, target, undefined) }));
  }

  /** The destination's named port where it declares one (the flow's, else the facts'), else the number. */
  private port(key: string, protocol: Protocol, port: number, portName: string | undefined): ProposedPort {
    return { protocol, port: portName ?? this.universe.portName(key, protocol, port) ?? port };
  }

  private admitIngress(flow: Flow, destination: string, port: ProposedPort, text: string): void {
    const source = flow.source;
    const namespace = this.universe.selector(destination).namespace;
    switch (source.kind) {
      case 'workload': {
        const peer = this.podPeer(source, namespace);
        if (peer === undefined) push(this.notCovered, namespace, `${text}: its source has no stable label to select it by`);
        else addRule(this.policy(destination).ingress, peer, port, text);
        return;
      }
      case 'external':
        return this.addIpBlock(this.policy(destination).ingress, source.address, port, text, namespace);
      case 'node':
        return push(this.fromNodes, namespace, text);
      default:
        return assertNever(source, 'flow source');
    }
  }


  private admitEgress(source: string, namespace: string, target: Target, flow: Flow, text: string): void {
    const policy = this.policy(source);
    switch (target.kind) {
      case 'workload': {
        const choice = this.universe.selector(target.key);
        const peer = this.podPeerOf(target.key, namespace);
        if (peer === undefined) push(this.notCovered, namespace, `${text}: ${choice.namespace}/${choice.name} has no stable label to select it by`);
        else addRule(policy.egress, peer, target.port, text);
        return;
      }
      case 'external':
        return this.addIpBlock(policy.egress, target.address, { protocol: flow.protocol, port: flow.port }, text, namespace);
      case 'node':
        push(this.notCovered, namespace, `${text}: to a node, whose address the flows file does not record; allow it with an ipBlock after review`);
        return;
      case 'unknown':
        push(this.notCovered, namespace, `${text}: ${target.why}`);
        return;
      default:
        return assertNever(target, 'flow target');
    }
  }

  private addIpBlock(rules: Map<string, RuleBuilder>, address: string, port: ProposedPort, text: string, namespace: string): void {
    const cidr = singleAddressCidr(address);
    if (cidr === undefined) return void push(this.notCovered, namespace, `${text}: "${address}" is not an IP address`);
    addRule(rules, { type: 'ipBlock', cidr }, port, text);
  }

  private podPeer(party: WorkloadParty, policyNamespace: string): ProposedPeer | undefined {
    return this.podPeerOf(this.universe.party(party), policyNamespace);
  }

  /** The AND form for another namespace's workload: namespaceSelector and podSelector in ONE peer. */
  private podPeerOf(key: string, policyNamespace: string): ProposedPeer | undefined {
    const choice = this.universe.selector(key);
    if (choice.selector === undefined) return undefined;
    const used = this.usedSelectors.get(policyNamespace) ?? new Set<string>();
    used.add(key);
    this.usedSelectors.set(policyNamespace, used);
    return { type: 'pods', namespace: choice.namespace === policyNamespace ? undefined : choice.namespace, selector: choice.selector, name: `${choice.namespace}/${choice.name}` };
  }

  private policy(key: string): PolicyBuilder {
    let policy = this.policies.get(key);
    if (policy === undefined) {
      policy = { ingress: new Map(), egress: new Map() };
      this.policies.set(key, policy);
    }
    return policy;
  }

  private name(party: WorkloadParty): string {
    const choice = this.universe.selector(this.universe.party(party));
    return `${choice.namespace}/${choice.name}`;
  }



  private workloadPolicy(namespace: string, key: string, name: string): ProposedPolicy | undefined {
    const built = this.policies.get(key);
    const choice = this.universe.selector(key);
    if (built === undefined) return undefined;
    if (choice.selector === undefined) {
      push(this.notCovered, namespace, `${namespace}/${choice.name}: ${choice.reason}; its flows get no rule`);
      return undefined;
    }
    const ingress = finishRules(built.ingress);
    const egress = finishRules(built.egress);
    if (ingress.length === 0 && egress.length === 0) return undefined;
    const policyTypes: ProposedPolicy['policyTypes'] = [...(ingress.length > 0 ? (['Ingress'] as const) : []), ...(egress.length > 0 ? (['Egress'] as const) : [])];
    const about = [
      `${namespace}/${choice.name}: ${describeRules(ingress.length, 'source')}, ${describeRules(egress.length, 'destination')} (besides DNS).`,
      `Selected by ${selectorText(choice.selector)}: ${choice.reason}.`,
    ];
    return { name, namespace, about, podSelector: choice.selector, policyTypes, ingress, egress };
  }
}




function describeRules(count: number, what: string): string {
  return count === 0 ? `no ${what} seen` : `${count} ${what}${count === 1 ? '' : 's'} seen`;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
