/**
 * A namespace's proposal as one YAML file a person reviews before applying: a header that says where it
 * came from (flows file, cluster, window), that it must be reviewed, which labels select which workload
 * and why, and which observed flows it does NOT cover; then one NetworkPolicy per document, every rule
 * under the comment lines of the flows that justify it. Block style, one field per line: a reviewed
 * proposal diffs line by line.
 */
import { quote } from '../../discover/render-yaml.js';
import { NAMESPACE_NAME_LABEL } from '../../policy/types.js';
import { oneLine } from '../../report/sanitize.js';
import type { FlowsDocument } from '../types.js';
import { NODE_FLOWS_NOTE } from './plan.js';
import { selectorText } from './selectors.js';
import type { NamespaceProposal, ProposedPeer, ProposedPolicy, ProposedRule, ProposedSelector } from './types.js';

export interface RenderContext {
  /** The flows file as the user named it. */
  readonly flowsFile: string;
  readonly document: FlowsDocument;
  /** Where the other workloads came from ("the manifests", "the cluster"); undefined: the flows alone. */
  readonly factsFrom?: string;
}

export function renderNamespaceYaml(proposal: NamespaceProposal, context: RenderContext): string {
  const lines = header(proposal, context);
  for (const policy of proposal.policies) lines.push('---', ...renderPolicy(policy));
  return `${lines.join('\n')}\n`;
}

/** File name under -o DIR: one per namespace, the same every run. */
export function proposalFileName(namespace: string): string {
  return `kubeknock-proposed-${namespace}.yaml`;
}

function header(proposal: NamespaceProposal, context: RenderContext): string[] {
  const { document } = context;
  const window = document.window;
  const flows = `${proposal.flowCount} observed flow${proposal.flowCount === 1 ? '' : 's'} with an end in ${proposal.namespace}`;
  const lines = [
    `NetworkPolicies for namespace ${proposal.namespace}, PROPOSED by \`kubeknock propose\` from ${context.flowsFile}:`,
    `  cluster ${document.cluster.server}, window ${window.start} to ${window.end} sampled every ${window.intervalSeconds} s (${window.ended}); ${flows}.`,
    'REVIEW BEFORE APPLYING. They allow what was seen in that window and deny everything else: traffic the window',
    'did not see (a nightly job, a failover, an operator\'s tool) will be cut.',
    `Check them with \`kubeknock diff --flows ${context.flowsFile}\` (zero observed flows may be cut) and roll them out with \`kubeknock rollout --flows\`.`,
    `Nodes: ${document.coverage.nodes.map((node) => `${node.name} ${node.status === 'observed' ? `observed (${node.samples} samples, conntrack ${node.conntrack})` : `NOT observed${node.reason === undefined ? '' : `: ${node.reason}`}`}`).join('; ') || 'none'}.`,
    ...(document.coverage.unseen.length > 0 ? [`Not seen by the collector: ${document.coverage.unseen.join('; ')}.`] : []),
    'Selectors use stable labels only (never pod-template-hash, controller-revision-hash or a StatefulSet pod name):',
    ...(context.factsFrom === undefined ? ['  (checked against the workloads seen in the flows only: give the manifests (-f) or --from-cluster to check them against silent workloads too)'] : []),
    ...(proposal.selectors.length === 0 ? ['  none'] : proposal.selectors.map((choice) => `  ${choice.namespace}/${choice.name}: ${choice.selector === undefined ? 'none' : selectorText(choice.selector)}: ${choice.reason}.`)),
    `DNS pods: ${proposal.dns}.`,
  ];
  if (proposal.fromNodes.length > 0) lines.push(NODE_FLOWS_NOTE, ...proposal.fromNodes.map((text) => `  seen: ${text}`));
  if (proposal.notCovered.length > 0) {
    lines.push(`NOT COVERED: ${proposal.notCovered.length} observed flow${proposal.notCovered.length === 1 ? '' : 's'} get no rule and will be cut unless you add one:`);
    for (const text of proposal.notCovered) lines.push(`  ${text}`);
  }
  return lines.map(comment(''));
}

function renderPolicy(policy: ProposedPolicy): string[] {
  const lines = policy.about.map(comment(''));
  lines.push('apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', `  name: ${policy.name}`, `  namespace: ${quote(policy.namespace)}`, 'spec:');
  lines.push(...selector('podSelector', policy.podSelector, '  ', '  '));
  lines.push('  policyTypes:', ...policy.policyTypes.map((type) => `    - ${type}`));
  if (policy.ingress.length > 0) lines.push('  ingress:', ...policy.ingress.flatMap((rule) => renderRule(rule, 'from')));
  if (policy.egress.length > 0) lines.push('  egress:', ...policy.egress.flatMap((rule) => renderRule(rule, 'to')));
  return lines;
}

function renderRule(rule: ProposedRule, field: 'from' | 'to'): string[] {
  const lines = rule.because.map(comment('    '));
  lines.push(`    - ${field}:`, ...renderPeer(rule.peer), '      ports:');
  for (const port of rule.ports) lines.push(`        - protocol: ${port.protocol}`, `          port: ${typeof port.port === 'number' ? port.port : quote(port.port)}`);
  return lines;
}

/** One list item; another namespace's workload gets namespaceSelector AND podSelector in that same item. */
function renderPeer(peer: ProposedPeer): string[] {
  if (peer.type === 'ipBlock') return ['        - ipBlock:', `            cidr: ${peer.cidr}`];
  if (peer.namespace === undefined) return selector('podSelector', peer.selector, '        - ', '          ');
  return [
    ...selector('namespaceSelector', { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace }, doesNotExist: [] }, '        - ', '          '),
    ...selector('podSelector', peer.selector, '          ', '          '),
  ];
}

/** `field:` on the first line (after `first`), its body indented under `rest`. */
function selector(field: string, value: ProposedSelector | undefined, first: string, rest: string): string[] {
  if (value === undefined || (Object.keys(value.matchLabels).length === 0 && value.doesNotExist.length === 0)) return [`${first}${field}: {}`];
  const lines = [`${first}${field}:`];
  const labels = Object.entries(value.matchLabels);
  if (labels.length > 0) lines.push(`${rest}  matchLabels:`, ...labels.map(([key, text]) => `${rest}    ${quote(key)}: ${quote(text)}`));
  if (value.doesNotExist.length > 0) lines.push(`${rest}  matchExpressions:`, ...value.doesNotExist.map((key) => `${rest}    - {key: ${quote(key)}, operator: DoesNotExist}`));
  return lines;
}

/** A comment line at `indent`; text from the cluster is made one visible line (a newline would end the comment). */
function comment(indent: string): (text: string) => string {
  return (text) => `${indent}# ${/^ */.exec(text)?.[0] ?? ''}${oneLine(text)}`;
}
