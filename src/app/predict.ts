/** predict: the pod × pod truth tables the policies imply, one per port (given, or each port the pods declare). */
import { InputError } from '../model/errors.js';
import { compileInventory, computeMatrix, type EngineOptions, type PolicyMatrix, type Protocol } from '../policy/index.js';
import { loadInventory, type PolicySource } from './policy-input.js';

/** The ports to judge: these, or every container port some pod declares (each judged towards the pods declaring it, as discover does). */
export type PredictPorts = { readonly type: 'given'; readonly ports: readonly number[]; readonly protocol: Protocol } | { readonly type: 'declared' };

export interface PredictOptions {
  readonly source: PolicySource;
  readonly ports: PredictPorts;
  /** Which address of a dual-stack pod ipBlocks see; absent: the primary one. */
  readonly family?: 4 | 6;
  readonly engine: EngineOptions;
}

export async function predict(options: PredictOptions): Promise<PolicyMatrix[]> {
  const inventory = await loadInventory(options.source);
  const compiled = compileInventory(inventory, options.engine);
  const { ports } = options;
  if (ports.type === 'given') return [...new Set(ports.ports)].map((port) => computeMatrix(compiled, port, ports.protocol, options.family));
  const declared = new Map<string, { port: number; protocol: Protocol }>();
  for (const pod of inventory.pods) for (const { port, protocol } of pod.containerPorts) declared.set(`${protocol}/${port}`, { port, protocol });
  if (declared.size === 0 && inventory.pods.length > 0) {
    throw new InputError('--declared-ports: none of the pods or workloads of the input declares a container port (spec.containers[].ports); give the ports with --port instead');
  }
  return [...declared.values()]
    .sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port)
    .map(({ port, protocol }) => computeMatrix(compiled, port, protocol, options.family, true));
}
