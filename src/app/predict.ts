/** predict: the pod × pod truth table the policies imply, for one port and protocol. */
import { compileInventory, computeMatrix, type EngineOptions, type PolicyMatrix, type Protocol } from '../policy/index.js';
import { loadInventory, type PolicySource } from './policy-input.js';

export interface PredictOptions {
  readonly source: PolicySource;
  readonly port: number;
  readonly protocol: Protocol;
  /** Which address of a dual-stack pod ipBlocks see; absent: the primary one. */
  readonly family?: 4 | 6;
  readonly engine: EngineOptions;
}

export async function predict(options: PredictOptions): Promise<PolicyMatrix> {
  const inventory = await loadInventory(options.source);
  return computeMatrix(compileInventory(inventory, options.engine), options.port, options.protocol, options.family);
}
