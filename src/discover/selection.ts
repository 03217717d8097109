/** The selection flags in words, so "found nothing" says exactly what was searched. */
import { describeSelector, type Inventory } from '../policy/index.js';
import type { Selection } from './types.js';

export function describeSelection(selection: Selection, inventory: Inventory): string {
  const present = [...new Set(inventory.pods.map((pod) => pod.namespace))].sort();
  const parts: string[] = [];
  parts.push(selection.namespaces.length > 0 ? `namespace${selection.namespaces.length === 1 ? '' : 's'} ${selection.namespaces.join(', ')}` : `every namespace of the input (${present.length > 0 ? present.join(', ') : 'none has a workload'})`);
  if (selection.excludeNamespaces.length > 0) parts.push(`except ${selection.excludeNamespaces.join(', ')}`);
  if (selection.selector) parts.push(`workloads with labels ${describeSelector(selection.selector)}`);
  return parts.join(', ');
}
