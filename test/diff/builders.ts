/** Small inventories and scenarios for the diff and rollout tests, through the real decoder and scenario parser. */
import type { Scenario } from '../../src/model/scenario.js';
import type { CellChange } from '../../src/diff/index.js';
import type { Inventory } from '../../src/policy/index.js';
import { parseScenario } from '../../src/scenario/load.js';
import { inventoryOf } from '../policy/builders.js';

export { namespace, pod, policy } from '../policy/builders.js';

export const NONE: Inventory = { namespaces: [], pods: [], services: [], policies: [] };

export function deployment(ref: string, labels: Record<string, string>, ports: readonly { name?: string; containerPort: number; protocol?: string }[] = []): unknown {
  const [namespace, name] = ref.split('/');
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { namespace, name },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', ports }] } } },
  };
}

export function objects(...list: unknown[]): Inventory {
  return inventoryOf(list);
}

export function scenario(text: string, file = 'scenario.yaml'): Scenario {
  const parsed = parseScenario(file, text);
  if (!parsed.ok) throw new Error(`the test scenario must be valid: ${JSON.stringify(parsed.issues)}`);
  return parsed.scenario;
}

/** `web → db TCP/5432 by shop/a, shop/b`: a change as one line, for table-driven expectations. */
export function line(change: CellChange): string {
  const { cell, responsible } = change;
  return `${cell.from} → ${cell.to} ${cell.protocol}/${cell.port} by ${responsible.map((ref) => `${ref.namespace}/${ref.name}`).join(', ')}`;
}
