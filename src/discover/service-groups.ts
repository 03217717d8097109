/**
 * Service ports grouped by what the policies can tell apart about them. Traffic to a Service is judged
 * on the backend it lands on, on the resolved target port; two Service ports whose backends fall in the
 * same classes, on the same target ports, get the same verdict from every source. One of them is probed
 * and stands for the rest (with `exhaustive`, each is its own group).
 */
import type { ClassAssignment } from './classes.js';
import { compareText } from './find-workloads.js';
import type { Protocol } from '../policy/index.js';
import type { Discovery } from './types.js';

export interface ServiceTarget {
  readonly namespace: string;
  readonly name: string;
  readonly port: number;
}

export interface ServiceGroup {
  /** The probed Service port, then the ones it stands for. */
  readonly targets: readonly ServiceTarget[];
  readonly protocol: Protocol;
  /** Where the traffic lands: identity index and resolved target port. */
  readonly backends: readonly { readonly identity: number; readonly port: number }[];
}

export interface ServiceGrouping {
  readonly groups: readonly ServiceGroup[];
  /** Service ports no source can be checked against, with the reason (once each, not per source). */
  readonly unprobed: readonly string[];
}

export function groupServicePorts(discovery: Discovery, assignment: ClassAssignment, exhaustive: boolean): ServiceGrouping {
  const indexOf = new Map(discovery.identities.map((identity, index) => [identity.key, index]));
  const groups = new Map<string, { targets: ServiceTarget[]; protocol: Protocol; backends: { identity: number; port: number }[] }>();
  const unprobed: string[] = [];
  for (const service of discovery.services) {
    for (const port of service.ports) {
      const label = `Service ${service.namespace}/${service.name} port ${port.port}/${port.protocol}`;
      if (port.protocol !== 'TCP') {
        unprobed.push(`${label}: not probed: ${port.protocol} listeners not supported yet`);
        continue;
      }
      if (!service.hasSelector) {
        unprobed.push(`${label}: no selector (its endpoints are managed elsewhere), so the input cannot say who answers`);
        continue;
      }
      const backends = service.backends.flatMap((key) => {
        const identity = indexOf.get(key);
        const doors = identity === undefined ? [] : (discovery.identities[identity]?.doors ?? []);
        // A named targetPort resolves per backend; a backend that does not declare it is no endpoint for this port.
        const target = typeof port.targetPort === 'number' ? port.targetPort : doors.find((door) => door.name === port.targetPort && door.protocol === port.protocol)?.port;
        return identity === undefined || target === undefined ? [] : [{ identity, port: target }];
      });
      if (backends.length === 0) {
        unprobed.push(`${label}: no selected workload serves it (its selector matches none${typeof port.targetPort === 'string' ? `, or none declares port "${port.targetPort}"` : ''})`);
        continue;
      }
      const shape = [...new Set(backends.map((backend) => `${assignment.classOf[backend.identity] ?? -1}:${backend.port}`))].sort(compareText).join(',');
      const key = exhaustive ? `${service.namespace}/${service.name}:${port.port}` : shape;
      const group = groups.get(key) ?? { targets: [], protocol: port.protocol, backends };
      group.targets.push({ namespace: service.namespace, name: service.name, port: port.port });
      groups.set(key, group);
    }
  }
  return { groups: [...groups.values()], unprobed };
}
