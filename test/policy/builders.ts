/** In-memory builders for small inventories: plain Kubernetes objects through the real decoder. */
import { expect } from 'vitest';
import { compileInventory, decodeObjects, type CompiledInventory, type EngineOptions, type Inventory } from '../../src/policy/index.js';
import { raw } from './model.js';

export interface PodOptions {
  readonly labels?: Record<string, string>;
  readonly ip?: string;
  /** `status.podIPs` (the primary first), as a dual-stack cluster fills it; `ip` defaults to the first. */
  readonly ips?: readonly string[];
  readonly ports?: readonly { name?: string; containerPort: number; protocol?: string }[];
  readonly hostNetwork?: boolean;
}

export function pod(ref: string, options: PodOptions = {}): unknown {
  const [namespace, name] = ref.split('/');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, labels: options.labels ?? {} },
    spec: { ...(options.hostNetwork ? { hostNetwork: true } : {}), containers: [{ name: 'main', ports: options.ports ?? [] }] },
    ...(options.ips
      ? { status: { podIP: options.ip ?? options.ips[0], podIPs: options.ips.map((ip) => ({ ip })) } }
      : options.ip
        ? { status: { podIP: options.ip } }
        : {}),
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): unknown {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function policy(ref: string, spec: unknown): unknown {
  const [ns, name] = ref.split('/');
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name }, spec };
}

export function inventoryOf(objects: readonly unknown[]): Inventory {
  const { inventory, issues } = decodeObjects(raw(objects));
  expect(issues, 'the test objects must be valid').toEqual([]);
  return inventory;
}

export function compiled(objects: readonly unknown[], options?: EngineOptions): CompiledInventory {
  return compileInventory(inventoryOf(objects), options);
}
