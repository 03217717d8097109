/**
 * The engine as the scenario runner uses it (`expect: policy`): the cluster's compiled inventory plus
 * the probe pods the runner created, and one connection to judge.
 */
import type { CompiledInventory } from './compiled.js';
import { withExtraPods } from './compile.js';
import { explainConnection, resolveEndpoint, type Endpoint } from './evaluate.js';
import type { Explanation } from './explanation.js';
import type { IpVersion } from './cidr.js';
import type { PodSpec, Protocol } from './types.js';

/** A pod the inventory does not hold yet, e.g. a probe pod. */
export interface ExtraPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ip?: string;
  /** Every address, the primary first (`ip` alone stands for them when absent). */
  readonly ips?: readonly string[];
  readonly containerPorts?: readonly { readonly name?: string; readonly port: number; readonly protocol?: Protocol }[];
}

export interface PolicyQuery {
  /** `namespace/pod` (an inventory pod or an extra pod) or an IP address. */
  readonly from: string;
  /** `namespace/pod` or an IP address (a pod's IP counts as that pod). */
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** The connection's family (see ConnectionQuery.family); absent: the primary addresses. */
  readonly family?: IpVersion;
}

export class UnknownEndpointError extends Error {
  constructor(readonly endpoint: string) {
    super(`"${endpoint}" is neither a known pod (namespace/name) nor an IP address`);
    this.name = 'UnknownEndpointError';
  }
}

/** Adds the extra pods once; call `judgeConnection` on the result for each check. */
export function addPods(compiled: CompiledInventory, pods: readonly ExtraPod[]): CompiledInventory {
  return withExtraPods(compiled, pods.map(toPodSpec));
}

/** Verdict and explanation of one connection. Throws UnknownEndpointError for an unknown pod name. */
export function judgeConnection(compiled: CompiledInventory, query: PolicyQuery): Explanation {
  return explainConnection(compiled, {
    from: endpoint(compiled, query.from),
    to: endpoint(compiled, query.to),
    port: query.port,
    protocol: query.protocol,
    ...(query.family === undefined ? {} : { family: query.family }),
  });
}

/** Convenience for one-off questions: `addPods` then `judgeConnection` (recompiles each call). */
export function judgeWithPods(compiled: CompiledInventory, extraPods: readonly ExtraPod[], query: PolicyQuery): Explanation {
  return judgeConnection(addPods(compiled, extraPods), query);
}

function endpoint(compiled: CompiledInventory, text: string): Endpoint {
  const resolved = resolveEndpoint(compiled, text);
  if (!resolved) throw new UnknownEndpointError(text);
  return resolved;
}

function toPodSpec(pod: ExtraPod): PodSpec {
  return {
    namespace: pod.namespace,
    name: pod.name,
    labels: pod.labels,
    ...(pod.ip ? { ip: pod.ip } : {}),
    ...(pod.ips && pod.ips.length > 0 ? { ips: pod.ips } : {}),
    hostNetwork: false,
    containerPorts: (pod.containerPorts ?? []).map((port) => ({ ...(port.name ? { name: port.name } : {}), port: port.port, protocol: port.protocol ?? 'TCP' })),
    kind: 'Pod',
  };
}
