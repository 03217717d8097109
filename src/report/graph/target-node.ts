/**
 * A run report names each target by its matrix column label (src/scenario/targets.ts writes them):
 * `backend:8080`, `dns-cache:5353/udp`, `svc/shop/api:80 (ClusterIP)`, `pods/shop/app=web:80`,
 * `dns:kubernetes.default.@10.96.0.10`, `example.com:443`, `https://example.com/`. This splits a label
 * into the party knocked on and the door, so every check on one party meets at one node.
 */
import type { NodeKind } from './types.js';

export interface TargetNode {
  readonly key: string;
  readonly label: string;
  readonly kind: NodeKind;
  readonly namespace?: string;
  readonly door: string;
}

/** `actors`: actor name → namespace, so `backend:8080` lands on the actor `backend`. */
export function targetNode(column: string, checkKind: string, actors: ReadonlyMap<string, string | undefined>): TargetNode {
  // `family: both` gives one column per family; both meet at one node.
  const label = column.replace(/ \((ipv4|ipv6)\)$/, '');
  if (checkKind === 'dns' || label.startsWith('dns:')) {
    const name = label.replace(/^dns:/, '');
    return { key: `dns:${name}`, label: `DNS ${name}`, kind: 'dns', door: 'dns' };
  }
  const url = /^(https?):\/\/([^/:?#]+)(?::(\d+))?/.exec(label);
  if (url) {
    const [, scheme, host = '', port] = url;
    return { key: `host:${host}`, label: host, kind: 'external', door: `${scheme} ${port ?? (scheme === 'https' ? '443' : '80')}` };
  }
  const service = /^svc\/([^/]+)\/(.+):(\d+)( \(ClusterIP\))?$/.exec(label);
  if (service) {
    const [, namespace = '', name = '', port = ''] = service;
    return { key: `svc:${namespace}/${name}`, label: `svc ${name}`, kind: 'service', namespace, door: `TCP/${port}` };
  }
  const pods = /^pods\/([^/]+)\/(.+):(\d+)$/.exec(label);
  if (pods) {
    const [, namespace = '', selector = '', port = ''] = pods;
    return { key: `pods:${namespace}/${selector}`, label: `pods ${selector}`, kind: 'workload', namespace, door: `TCP/${port}` };
  }
  const portOf = /^(.+):(\d+)(\/udp)?$/.exec(label);
  if (portOf) {
    const [, name = '', port = '', udp] = portOf;
    const door = `${udp ? 'UDP' : 'TCP'}/${port}`;
    // An actor that only receives sends no check, so it is not among `actors`; a bare name (no dot,
    // not an address) is an actor all the same: hosts are written fully qualified or as addresses.
    if (actors.has(name) || /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(@[-a-z0-9]+)?$/.test(name)) {
      const namespace = actors.get(name);
      return { key: `actor:${name}`, label: name, kind: 'actor', ...(namespace === undefined ? {} : { namespace }), door };
    }
    return { key: `host:${name}`, label: name, kind: 'external', door };
  }
  return { key: `host:${label}`, label, kind: 'external', door: checkKind };
}
