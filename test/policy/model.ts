/**
 * The upstream conformance model: namespaces x, y, z (labelled ns=<name>) each with pods a, b, c
 * (labelled pod=<name>), every pod serving 80 and 81 over TCP, UDP and SCTP with named container ports
 * `serve-<port>-<proto>`. Expected tables start all-allow and are edited like the upstream ones.
 */
import { expect } from 'vitest';
import { compileInventory, computeMatrix, decodeObjects, type Inventory, type Protocol } from '../../src/policy/index.js';
import type { RawObject } from '../../src/policy/decode/index.js';

export const NAMESPACES = ['x', 'y', 'z'] as const;
export const POD_NAMES = ['a', 'b', 'c'] as const;
export const ALL_PODS: readonly string[] = NAMESPACES.flatMap((ns) => POD_NAMES.map((pod) => `${ns}/${pod}`));

export function ipOf(pod: string): string {
  const [ns = '', name = ''] = pod.split('/');
  return `10.0.${NAMESPACES.indexOf(ns as 'x') + 1}.${POD_NAMES.indexOf(name as 'a') + 1}`;
}

/** Wraps plain objects as decoder input (no file lines). */
export function raw(objects: readonly unknown[], file = 'test.yaml'): RawObject[] {
  return objects.map((value) => ({ value, file, locate: () => ({ line: 0 }) }));
}

export function modelObjects(): unknown[] {
  const objects: unknown[] = NAMESPACES.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ns } } }));
  for (const pod of ALL_PODS) {
    const [namespace, name] = pod.split('/');
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace, name, labels: { pod: name } },
      spec: {
        containers: [80, 81].flatMap((port) =>
          (['TCP', 'UDP', 'SCTP'] as const).map((protocol) => ({
            name: `cont-${port}-${protocol.toLowerCase()}`,
            ports: [{ name: `serve-${port}-${protocol.toLowerCase()}`, containerPort: port, protocol }],
          })),
        ),
      },
      status: { podIP: ipOf(pod) },
    });
  }
  return objects;
}

export function networkPolicy(namespace: string, name: string, spec: unknown): unknown {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec };
}

export function modelInventory(policies: readonly unknown[]): Inventory {
  const { inventory, issues } = decodeObjects(raw([...modelObjects(), ...policies]));
  expect(issues, 'the test policies must be valid for the API server').toEqual([]);
  return inventory;
}

/** A pod pattern: `x/a`, `x/*` (namespace), `*` (every pod). */
function matches(pattern: string, pod: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('/*')) return pod.startsWith(pattern.slice(0, -1));
  return pattern === pod;
}

/** An expected truth table, edited the way the upstream tests edit theirs. */
export class Reachability {
  private readonly cells = new Map<string, boolean>();

  constructor(readonly pods: readonly string[] = ALL_PODS) {
    for (const from of pods) for (const to of pods) this.cells.set(`${from}>${to}`, true);
  }

  expect(fromPattern: string, toPattern: string, allowed: boolean): this {
    for (const from of this.pods) {
      for (const to of this.pods) if (matches(fromPattern, from) && matches(toPattern, to)) this.cells.set(`${from}>${to}`, allowed);
    }
    return this;
  }

  allIngress(to: string, allowed: boolean): this {
    return this.expect('*', to, allowed);
  }

  allEgress(from: string, allowed: boolean): this {
    return this.expect(from, '*', allowed);
  }

  get(from: string, to: string): boolean {
    return this.cells.get(`${from}>${to}`) ?? false;
  }
}

/** Cells where the engine disagrees with the expected table, spelled out for the assertion message. */
export function tableDifferences(inventory: Inventory, port: number, protocol: Protocol, expected: Reachability): string[] {
  const matrix = computeMatrix(compileInventory(inventory), port, protocol);
  const n = matrix.pods.length;
  const differences: string[] = [];
  matrix.pods.forEach((from, i) => {
    matrix.pods.forEach((to, j) => {
      const allowed = matrix.egress[i * n + j] === 1 && matrix.ingress[i * n + j] === 1;
      const want = expected.get(from, to);
      if (allowed !== want) differences.push(`${from} → ${to} ${protocol}/${port}: expected ${want ? 'allow' : 'deny'}, engine says ${allowed ? 'allow' : 'deny'}`);
    });
  });
  return differences;
}
