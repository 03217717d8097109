/**
 * The full pod × pod truth table for one port and protocol. Kept as two flat byte arrays (1 = allow)
 * rather than a million result objects, so a 1,000-pod inventory costs 2 MB; renderers stream rows.
 */
import type { IpVersion } from './cidr.js';
import type { CompiledInventory } from './compiled.js';
import { combineJudgements, directionJudgement, type Endpoint } from './evaluate.js';
import type { Judgement } from './explanation.js';
import type { Protocol } from './types.js';

export interface PolicyMatrix {
  readonly port: number;
  readonly protocol: Protocol;
  /** `namespace/name` of every pod, in inventory order: row i and column i. */
  readonly pods: readonly string[];
  /** egress[from * n + to]: 1 when the source's egress admits the pair, 0 when it denies, 2 when unknown (an ipBlock and an unknown pod IP). */
  readonly egress: Uint8Array;
  readonly ingress: Uint8Array;
  /**
   * 1 for each pod (column) the table judges as a destination; absent: every pod. `predict
   * --declared-ports` judges a port only towards the pods that declare it.
   */
  readonly destinations?: Uint8Array;
}

export interface MatrixCell {
  readonly from: string;
  readonly to: string;
  readonly verdict: Judgement;
  readonly ingress: Judgement;
  readonly egress: Judgement;
  readonly loopback: boolean;
}

/** `family`: judge each pod by its address of that family (ipBlocks tell them apart); absent: the primary ones. */
export function computeMatrix(compiled: CompiledInventory, port: number, protocol: Protocol, family?: IpVersion, declaredOnly = false): PolicyMatrix {
  const n = compiled.pods.length;
  const egress = new Uint8Array(n * n);
  const ingress = new Uint8Array(n * n);
  const endpoints: Endpoint[] = compiled.pods.map((pod) => ({ type: 'pod', pod }));
  for (const from of compiled.pods) {
    for (const to of compiled.pods) {
      const cell = from.index * n + to.index;
      egress[cell] = CODE[directionJudgement(compiled, 'egress', from, endpoints[to.index] as Endpoint, to, port, protocol, family)];
      ingress[cell] = CODE[directionJudgement(compiled, 'ingress', to, endpoints[from.index] as Endpoint, to, port, protocol, family)];
    }
  }
  const destinations = declaredOnly ? Uint8Array.from(compiled.pods, (pod) => (pod.spec.containerPorts.some((entry) => entry.port === port && entry.protocol === protocol) ? 1 : 0)) : undefined;
  return { port, protocol, pods: compiled.pods.map((pod) => pod.key), egress, ingress, ...(destinations ? { destinations } : {}) };
}

const CODE: Readonly<Record<Judgement, number>> = { deny: 0, allow: 1, unknown: 2 };
const JUDGEMENT: readonly Judgement[] = ['deny', 'allow', 'unknown'];

export function matrixCell(matrix: PolicyMatrix, from: number, to: number): MatrixCell {
  const index = from * matrix.pods.length + to;
  const egress = JUDGEMENT[matrix.egress[index] ?? 0] ?? 'deny';
  const ingress = JUDGEMENT[matrix.ingress[index] ?? 0] ?? 'deny';
  return {
    from: matrix.pods[from] ?? '',
    to: matrix.pods[to] ?? '',
    verdict: combineJudgements(egress, ingress),
    ingress,
    egress,
    loopback: from === to,
  };
}
