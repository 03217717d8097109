/**
 * Kubernetes rule: traffic to a Service is judged after DNAT, on the backend pod and its targetPort.
 * A policy that admits the Service's `port` (say 80) when the pods listen on `targetPort` 8080 admits
 * nothing that a client of the Service sends.
 */
import type { CompiledInventory, CompiledPod } from '../compiled.js';
import { portEntryMatches } from '../port-matcher.js';
import type { ServiceSpec } from '../types.js';
import type { LintFinding } from './finding.js';
import { finding } from './policy-rules.js';

export function servicePortInsteadOfTargetPort(compiled: CompiledInventory, realPods: ReadonlySet<number>): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const service of compiled.inventory.services) {
    const selector = service.selector;
    if (!selector || Object.keys(selector).length === 0) continue;
    const backends = compiled.pods.filter(
      (pod) => realPods.has(pod.index) && pod.spec.namespace === service.namespace && Object.entries(selector).every(([key, value]) => pod.spec.labels[key] === value),
    );
    if (backends.length === 0) continue;
    for (const policy of compiled.policies) {
      if (!policy.spec.ingress.isolates || !backends.some((pod) => policy.spec.namespace === pod.spec.namespace && policy.selects(pod.spec.labels))) continue;
      for (const rule of policy.ingress) {
        rule.ports.forEach((entry, index) => {
          if (entry.type !== 'number' || entry.endPort !== undefined) return;
          for (const servicePort of service.ports) {
            if (servicePort.port !== entry.port || servicePort.protocol !== entry.protocol) continue;
            const target = targetPortOn(service, servicePort, backends);
            if (target === undefined || target === entry.port) continue;
            const admitsTarget = rule.ports.some((other) => backends.some((pod) => portEntryMatches(other, target, entry.protocol, pod)));
            if (admitsTarget) continue;
            findings.push(
              finding(
                policy.spec,
                'never-matches',
                `${rule.path}.ports[${index}]`,
                `port ${entry.port} is the port of Service ${service.namespace}/${service.name}, whose traffic reaches the pods on targetPort ${target} after DNAT; this rule does not allow ${target}, so clients of the Service are denied`,
                rule.line,
              ),
            );
          }
        });
      }
    }
  }
  return findings;
}

/** The container port the Service's targetPort lands on (a name resolves on the first backend declaring it). */
function targetPortOn(service: ServiceSpec, servicePort: ServiceSpec['ports'][number], backends: readonly CompiledPod[]): number | undefined {
  if (typeof servicePort.targetPort === 'number') return servicePort.targetPort;
  for (const pod of backends) {
    const resolved = pod.namedPorts.get(`${servicePort.protocol}/${servicePort.targetPort}`);
    if (resolved !== undefined) return resolved;
  }
  return undefined;
}
