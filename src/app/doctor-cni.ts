/**
 * Which CNI (and which NetworkPolicy enforcer) runs, from the names and images of system pods and
 * DaemonSets. NetworkPolicy objects are only data: without an enforcer every "deny" a scenario
 * expects will be observed as "allow", so this is the first thing to know when a run looks wrong.
 */
import type { SystemWorkload } from '../model/doctor-port.js';
import type { CniFinding, CniReport, Enforcement } from '../model/doctor.js';

interface Signature {
  readonly name: string;
  readonly pattern: RegExp;
  readonly enforces: Enforcement;
  readonly note?: string;
}

/**
 * Ordered: canal before calico and flannel (its DaemonSet runs both), policy-only controllers apart
 * from the CNIs that only route.
 */
const SIGNATURES: readonly Signature[] = [
  { name: 'canal', pattern: /\bcanal\b/, enforces: 'yes', note: 'flannel networking with Calico policy' },
  { name: 'calico', pattern: /calico-node|calico\/node|\bcalico\b/, enforces: 'yes' },
  { name: 'cilium', pattern: /\bcilium\b|\banetd\b/, enforces: 'yes', note: 'ipBlock rules do not match pod IPs' },
  { name: 'weave', pattern: /weave-net|weaveworks\/weave|weave-npc/, enforces: 'yes' },
  { name: 'kube-router', pattern: /kube-router/, enforces: 'yes', note: 'unless started with --run-firewall=false; denies are REJECTs (refused), not timeouts' },
  { name: 'antrea', pattern: /\bantrea\b/, enforces: 'yes' },
  { name: 'kube-network-policies', pattern: /kube-network-policies/, enforces: 'yes' },
  { name: 'ovn-kubernetes', pattern: /ovnkube|ovn-kubernetes/, enforces: 'yes' },
  { name: 'kube-ovn', pattern: /kube-ovn/, enforces: 'yes' },
  { name: 'azure-npm', pattern: /azure-npm/, enforces: 'yes' },
  { name: 'kindnet', pattern: /kindnet/, enforces: 'depends', note: 'enforces NetworkPolicy only in kind v0.24 and later' },
  {
    name: 'aws-vpc-cni',
    pattern: /aws-node|amazon-k8s-cni/,
    enforces: 'depends',
    note: 'enforces NetworkPolicy only with the network policy agent enabled (aws-network-policy-agent)',
  },
  { name: 'flannel', pattern: /flannel/, enforces: 'no', note: 'flannel routes only; it does not enforce NetworkPolicy' },
];

export function detectCni(workloads: readonly SystemWorkload[]): CniReport {
  const findings = new Map<string, CniFinding>();
  for (const workload of workloads) {
    const haystack = [workload.name, ...workload.images].join(' ').toLowerCase();
    const signature = SIGNATURES.find((candidate) => candidate.pattern.test(haystack));
    if (!signature || findings.has(signature.name)) continue;
    findings.set(signature.name, {
      name: signature.name,
      enforcesNetworkPolicy: signature.enforces,
      ...(signature.note ? { note: signature.note } : {}),
      evidence: `${workload.namespace}/${workload.kind}/${workload.name}`,
    });
  }
  // A canal DaemonSet also matches flannel and calico images; it already says both.
  if (findings.has('canal')) {
    findings.delete('flannel');
    findings.delete('calico');
  }
  const list = [...findings.values()];
  return { findings: list, enforcement: overallEnforcement(list) };
}

function overallEnforcement(findings: readonly CniFinding[]): CniReport['enforcement'] {
  if (findings.length === 0) return 'unknown';
  if (findings.some((finding) => finding.enforcesNetworkPolicy === 'yes')) return 'yes';
  if (findings.some((finding) => finding.enforcesNetworkPolicy === 'depends')) return 'depends';
  return 'no';
}
