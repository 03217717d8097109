/** The text of `kubeknock explain`: the verdict, then each direction with the policies and rules behind it. */
import type { DirectionVerdict, Explanation, PolicyRef, RuleMiss, TierRuleRef } from '../policy/index.js';
import { assertNever } from '../model/assert-never.js';
import { painter, type Paint } from './ansi.js';
import type { RenderOptions } from './render-options.js';
import { visibleStrings } from './sanitize.js';

export function renderExplanation(input: Explanation, options: RenderOptions): string {
  // Names, labels and addresses come from the manifests and flags: control characters made visible.
  const explanation = visibleStrings(input);
  const paint = painter(options.color);
  const verdict = explanation.verdict === 'allow' ? paint('green', 'ALLOW') : explanation.verdict === 'deny' ? paint('red', 'DENY') : paint('yellow', 'UNKNOWN');
  const lines = [`${explanation.from} → ${explanation.to} ${explanation.protocol}/${explanation.port}: ${verdict}`];
  if (explanation.loopback) {
    lines.push(paint('yellow', '  loopback: a pod talking to itself; whether policy applies depends on the CNI, so treat this apart'));
  }
  lines.push(...direction('egress', `of ${explanation.from}`, explanation.egress, paint));
  lines.push(...direction('ingress', `of ${explanation.to}`, explanation.ingress, paint));
  return `${lines.join('\n')}\n`;
}

function direction(name: 'egress' | 'ingress', whose: string, verdict: DirectionVerdict, paint: Paint): string[] {
  const passed = (verdict.passed ?? []).map((rule) => `    passed by ${tierRef(rule)}: the rest of the Admin tier was skipped`);
  return [...directionLines(name, whose, verdict, paint), ...passed];
}

function directionLines(name: 'egress' | 'ingress', whose: string, verdict: DirectionVerdict, paint: Paint): string[] {
  const head = `  ${name.padEnd(7)} ${whose}: `;
  switch (verdict.kind) {
    case 'tier-decided':
      return [
        `${head}${verdict.verdict === 'allow' ? paint('green', 'allow') : paint('red', 'DENY')}: decided in the ${verdict.tier} tier`,
        ...verdict.decidedBy.map((rule) => `    ${rule.action === 'Accept' ? 'accepted' : 'denied'} by ${tierRef(rule)}`),
      ];
    case 'depends-on-dns':
      return [
        `${head}${paint('yellow', 'DEPENDS ON DNS')}: a ${verdict.tier}-tier rule names domains, and what they resolve to is only known at run time`,
        ...verdict.rules.map((rule) => `    ? ${tierRef(rule)}`),
      ];
    case 'tier-undecided':
      return [`${head}${paint('yellow', 'UNKNOWN')}: ${UNDECIDED[verdict.reason]} (${verdict.tier} tier)`, ...verdict.rules.map((rule) => `    ? ${tierRef(rule)}`)];
    case 'not-isolated':
      return [`${head}${paint('green', 'allow')}: no NetworkPolicy selects it for ${name}, so it is not isolated`];
    case 'host-network':
      return [`${head}${paint('green', 'allow')}: a hostNetwork pod, which no NetworkPolicy selects`];
    case 'outside':
      return [`${head}${paint('green', 'allow')}: an address outside the known pods; no policy here governs that side`];
    case 'allowed':
      return [
        `${head}${paint('green', 'allow')}`,
        `    isolated by ${refs(verdict.isolatedBy)}`,
        ...verdict.allowedBy.map((match) => `    allowed by ${ref(match.policy)} ${match.rule}: peer ${match.peer}, port ${match.port}`),
      ];
    case 'denied':
      return [
        `${head}${paint('red', 'DENY')}`,
        `    isolated by ${refs(verdict.isolatedBy)}; no ${name} rule matched${verdict.misses.length === 0 ? ` (these policies have no ${name} rules: they deny everything)` : ':'}`,
        ...verdict.misses.map((miss) => `    - ${ref(miss.policy)} ${miss.rule}: ${missText(miss)}`),
      ];
    case 'ip-unknown':
      return [
        `${head}${paint('yellow', 'UNKNOWN')}: the IP of ${verdict.pod} is unknown (the input gives no status.podIP), and only an ipBlock could admit it`,
        `    isolated by ${refs(verdict.isolatedBy)}; these rules admit it only if that IP is inside their ipBlock:`,
        ...verdict.undecided.map((miss) => `    ? ${ref(miss.policy)} ${miss.rule}: admits ${peersText(miss)}`),
        ...verdict.misses.map((miss) => `    - ${ref(miss.policy)} ${miss.rule}: ${missText(miss)}`),
        `    give the pod's IP (status.podIP in its manifest) to judge it`,
      ];
    default:
      return assertNever(verdict, 'direction verdict');
  }
}

const UNDECIDED: Readonly<Record<Extract<DirectionVerdict, { kind: 'tier-undecided' }>['reason'], string>> = {
  'pod-ip-unknown': 'a networks peer could match, and the pod\'s IP is unknown (give status.podIP)',
  'node-unknown': 'a nodes peer could match, and node addresses are not in the input',
  'same-priority': 'policies of the same priority disagree, and the API lets an implementation apply either',
};

/** `ClusterNetworkPolicy admin-guard (Admin, priority 10) spec.ingress[0] "name": Deny` */
function tierRef(rule: TierRuleRef): string {
  const priority = rule.kind === 'BaselineAdminNetworkPolicy' ? rule.tier : `${rule.tier}, priority ${rule.priority}`;
  const name = rule.ruleName === undefined ? '' : ` "${rule.ruleName}"`;
  return `${rule.kind} ${rule.name} (${priority}) ${rule.rule}${name}: ${rule.action}`;
}

function peersText(miss: RuleMiss): string {
  return miss.wants.peers.length === 0 ? 'any peer' : miss.wants.peers.join(' OR ');
}

function missText(miss: RuleMiss): string {
  const peers = miss.wants.peers.length === 0 ? 'any peer' : miss.wants.peers.join(' OR ');
  const ports = miss.wants.ports.length === 0 ? 'any port' : miss.wants.ports.join(', ');
  if (!miss.peerMatched && !miss.portMatched) return `neither peer nor port matched (admits ${peers} on ${ports})`;
  return miss.peerMatched ? `peer matched, port did not (admits ${ports})` : `port matched, peer did not (admits ${peers})`;
}

function refs(policies: readonly PolicyRef[]): string {
  return policies.map(ref).join(', ');
}

function ref(policy: PolicyRef): string {
  return `${policy.namespace}/${policy.name}`;
}

/** One line for a matrix footnote: the verdict and the decisive reason of each direction that matters. */
export function explanationSummary(explanation: Explanation): string {
  const parts = (['egress', 'ingress'] as const).flatMap((name) => {
    const verdict = explanation[name];
    switch (verdict.kind) {
      case 'not-isolated':
      case 'host-network':
      case 'outside':
        return [];
      case 'allowed': {
        const [first] = verdict.allowedBy;
        return first ? [`${name} allowed by ${ref(first.policy)} ${first.rule}`] : [];
      }
      case 'denied':
        return [`${name} denied: isolated by ${refs(verdict.isolatedBy)}, no rule matched`];
      case 'ip-unknown':
        return [`${name} unknown: only an ipBlock could admit it and the IP of ${verdict.pod} is unknown`];
      case 'tier-decided': {
        const [first] = verdict.decidedBy;
        return first ? [`${name} ${verdict.verdict === 'allow' ? 'accepted' : 'denied'} by ${tierRef(first)}`] : [];
      }
      case 'depends-on-dns':
        return [`${name} depends on DNS: ${verdict.rules.map(tierRef).join(', ')} names domains`];
      case 'tier-undecided':
        return [`${name} unknown: ${UNDECIDED[verdict.reason]}`];
      default:
        return assertNever(verdict, 'direction verdict');
    }
  });
  const loop = explanation.loopback ? ' (loopback)' : '';
  return `policy says ${explanation.verdict}${loop}${parts.length > 0 ? `: ${parts.join('; ')}` : ': no policy isolates either end'}`;
}
