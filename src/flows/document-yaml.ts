/**
 * The flows file as a person reviews and commits it: a header that says which cluster, which window,
 * how it was sampled and what could not be seen, then one block per flow with a comment saying how
 * often, when and by whom it was seen. Deterministic (same document, same bytes): flows sorted,
 * labels sorted, no clock read here.
 *
 * API:
 * - `renderFlowsYaml(document)`: the commented YAML (`kubeknock observe -o flows.yaml`);
 * - `renderFlowsJson(document)`: the same data as JSON (`-o json`), keys in the same order;
 * - `canonicalFlowsDocument(document)`: the document with flows and labels sorted, as both render it.
 * `validateFlowsDocument` (validate-document.ts) reads either form back.
 */
import { quote } from '../discover/render-yaml.js';
import { familyText } from '../model/family.js';
import type { Labels } from '../policy/types.js';
import { sortFlows } from './party.js';
import { clock } from './times.js';
import type { Flow, FlowParty, FlowsDocument, ObservedNode } from './types.js';
import { assertNever } from '../model/assert-never.js';

export function renderFlowsYaml(input: FlowsDocument): string {
  const document = canonicalFlowsDocument(input);
  const { window, coverage } = document;
  const lines = [...headerLines(document)];
  lines.push(`apiVersion: ${document.apiVersion}`, `kind: ${document.kind}`, 'cluster:', `  server: ${quote(document.cluster.server)}`);
  lines.push(`namespaces: ${list(document.namespaces)}`);
  lines.push('window:', `  start: ${quote(window.start)}`, `  end: ${quote(window.end)}`, `  intervalSeconds: ${window.intervalSeconds}`, `  ended: ${window.ended}`);
  lines.push('coverage:');
  lines.push(coverage.nodes.length === 0 ? '  nodes: []' : '  nodes:');
  for (const node of coverage.nodes) lines.push(`    - ${renderNode(node)}`);
  lines.push(coverage.unseen.length === 0 ? '  unseen: []' : '  unseen:');
  for (const pod of coverage.unseen) lines.push(`    - ${quote(pod)}`);
  lines.push(document.flows.length === 0 ? 'flows: []' : 'flows:');
  for (const flow of document.flows) lines.push(...renderFlow(flow, window.start));
  return `${lines.join('\n')}\n`;
}

export function renderFlowsJson(document: FlowsDocument): string {
  return `${JSON.stringify(canonicalFlowsDocument(document), null, 2)}\n`;
}

/** Keys in the order the YAML writes them, flows sorted, labels by key: both forms say the same in the same order. */
export function canonicalFlowsDocument(document: FlowsDocument): FlowsDocument {
  return {
    apiVersion: document.apiVersion,
    kind: document.kind,
    cluster: { server: document.cluster.server },
    namespaces: [...document.namespaces].sort(),
    window: { start: document.window.start, end: document.window.end, intervalSeconds: document.window.intervalSeconds, ended: document.window.ended },
    coverage: {
      nodes: [...document.coverage.nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(canonicalNode),
      unseen: [...document.coverage.unseen].sort(),
    },
    flows: sortFlows(document.flows).map(canonicalFlow),
  };
}

function canonicalNode(node: ObservedNode): ObservedNode {
  return { name: node.name, status: node.status, ...(node.reason === undefined ? {} : { reason: node.reason }), samples: node.samples, conntrack: node.conntrack };
}

function canonicalFlow(flow: Flow): Flow {
  return {
    source: canonicalParty(flow.source),
    destination: flow.destination === undefined ? undefined : canonicalParty(flow.destination),
    ...(flow.via ? { via: { namespace: flow.via.namespace, name: flow.via.name, port: flow.via.port } } : {}),
    port: flow.port,
    ...(flow.portName === undefined ? {} : { portName: flow.portName }),
    protocol: flow.protocol,
    families: [...flow.families].sort(),
    firstSeen: flow.firstSeen,
    lastSeen: flow.lastSeen,
    samples: flow.samples,
    seenBy: [...flow.seenBy].sort(),
  };
}

function canonicalParty(party: FlowParty): FlowParty {
  switch (party.kind) {
    case 'workload':
      return { kind: 'workload', identity: party.identity, namespace: party.namespace, labels: sortedLabels(party.labels), workloads: [...party.workloads].sort() };
    case 'node':
      return { kind: 'node', name: party.name };
    case 'external':
      return { kind: 'external', address: party.address };
    default:
      return assertNever(party, 'flow party');
  }
}

function sortedLabels(labels: Labels): Labels {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function headerLines(document: FlowsDocument): string[] {
  const { window, coverage } = document;
  const every = `every ${window.intervalSeconds} s`;
  const observed = coverage.nodes.filter((node) => node.status === 'observed');
  const missing = coverage.nodes.filter((node) => node.status === 'not-observed');
  const withConntrack = observed.filter((node) => node.conntrack === 'read').map((node) => node.name);
  const withoutConntrack = observed.filter((node) => node.conntrack === 'unreadable').map((node) => node.name);
  const lines = [
    '# Observed flows: which workload talked to which, written by `kubeknock observe`. Review it, commit it, and',
    '# give it to `kubeknock diff --flows`, `rollout --flows`, `discover --flows` or `propose --flows`.',
    `# Cluster: ${document.cluster.server}`,
    `# Namespaces: ${document.namespaces.length === 0 ? 'none' : document.namespaces.join(', ')}`,
    `# Window: ${window.start} to ${window.end} (${durationText(window.start, window.end)}), a sample ${every}, ${window.ended === 'completed' ? 'completed' : 'interrupted before its end (Ctrl-C)'}.`,
    `# Sampled: the socket tables (tcp, tcp6, udp, udp6) of each pod's network namespace ${every}, plus the node's`,
    `#   conntrack table where readable (${withConntrack.length === 0 ? 'readable on no node' : `read on ${withConntrack.join(', ')}`}), which keeps connections that opened and closed`,
    '#   between two samples and the Service address a client dialled.',
    `# Nodes: ${observed.length} observed${observed.length > 0 ? ` (${observed.map((node) => `${node.name}: ${node.samples} sample${node.samples === 1 ? '' : 's'}`).join(', ')})` : ''}, ${missing.length} not observed.`,
    '# Cannot be seen:',
    `#   - connections shorter than ${window.intervalSeconds} s that conntrack did not keep${withoutConntrack.length > 0 ? ` (on ${withoutConntrack.join(', ')}, conntrack was unreadable: every such connection)` : ''};`,
    '#   - hostNetwork pods: they share the node\'s sockets, so their traffic is the node\'s;',
  ];
  if (missing.length === 0) lines.push('#   - pods on nodes whose collector did not answer: none, every node answered.');
  else {
    lines.push('#   - pods on nodes whose collector did not answer:');
    for (const node of missing) lines.push(`#       ${node.name}: ${node.reason ?? 'no reason given'}`);
  }
  if (coverage.unseen.length > 0) {
    lines.push('#   - these pods:');
    for (const pod of coverage.unseen) lines.push(`#       ${pod}`);
  }
  lines.push(`# ${document.flows.length} flow${document.flows.length === 1 ? '' : 's'}.`);
  return lines;
}

function renderNode(node: ObservedNode): string {
  const reason = node.reason === undefined ? '' : `, reason: ${quote(node.reason)}`;
  return `{name: ${quote(node.name)}, status: ${node.status}${reason}, samples: ${node.samples}, conntrack: ${node.conntrack}}`;
}

function renderFlow(flow: Flow, windowStart: string): string[] {
  const lines = [`  # ${flowComment(flow, windowStart)}`, `  - source: ${renderParty(flow.source)}`];
  if (flow.destination !== undefined) lines.push(`    destination: ${renderParty(flow.destination)}`);
  if (flow.via) lines.push(`    via: {namespace: ${quote(flow.via.namespace)}, name: ${quote(flow.via.name)}, port: ${flow.via.port}}`);
  lines.push(`    port: ${flow.port}`);
  if (flow.portName !== undefined) lines.push(`    portName: ${quote(flow.portName)}`);
  lines.push(
    `    protocol: ${flow.protocol}`,
    `    families: ${list(flow.families)}`,
    `    firstSeen: ${quote(flow.firstSeen)}`,
    `    lastSeen: ${quote(flow.lastSeen)}`,
    `    samples: ${flow.samples}`,
    `    seenBy: ${list(flow.seenBy)}`,
  );
  return lines;
}

/** `seen 12 times, 10:02:11–10:03:05, by client and server (IPv4 and IPv6)`. */
export function flowComment(flow: Flow, windowStart: string): string {
  const times = flow.samples === 1 ? 'seen once' : `seen ${flow.samples} times`;
  const when = flow.firstSeen === flow.lastSeen ? `at ${clock(flow.firstSeen, windowStart)}` : `${clock(flow.firstSeen, windowStart)}–${clock(flow.lastSeen, windowStart)}`;
  const backend = flow.destination === undefined ? '; the backend behind the Service was not seen' : '';
  return `${times}, ${when}, by ${andList(flow.seenBy)} (${andList(flow.families.map(familyText))})${backend}`;
}

function durationText(start: string, end: string): string {
  const seconds = Math.max(0, Math.round((Date.parse(end) - Date.parse(start)) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min${seconds % 60 > 0 ? ` ${seconds % 60} s` : ''}`;
  return `${Math.floor(seconds / 3600)} h${Math.floor((seconds % 3600) / 60) > 0 ? ` ${Math.floor((seconds % 3600) / 60)} min` : ''}`;
}

function renderParty(party: FlowParty): string {
  switch (party.kind) {
    case 'workload':
      return `{kind: workload, identity: ${quote(party.identity)}, namespace: ${quote(party.namespace)}, labels: ${renderLabels(party.labels)}, workloads: ${list(party.workloads)}}`;
    case 'node':
      return `{kind: node, name: ${quote(party.name)}}`;
    case 'external':
      return `{kind: external, address: ${quote(party.address)}}`;
    default:
      return assertNever(party, 'flow party');
  }
}

function renderLabels(labels: Labels): string {
  return `{${Object.entries(labels)
    .map(([key, value]) => `${quote(key)}: ${quote(value)}`)
    .join(', ')}}`;
}

function list(items: readonly string[]): string {
  return `[${items.map(quote).join(', ')}]`;
}

function andList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}
