import { assertNever } from '../model/assert-never.js';
import type { LabelSelector } from '../model/scenario.js';

/**
 * A structured selector as the `labelSelector` query string the API understands:
 * `app=web,tier in (a,b),!legacy`. Every term must hold (AND), as in the API. An empty selector
 * selects everything and becomes the empty string.
 */
export function formatLabelSelector(selector: LabelSelector): string {
  const terms = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector.matchExpressions ?? []) {
    const values = (expression.values ?? []).join(',');
    switch (expression.operator) {
      case 'In':
        terms.push(`${expression.key} in (${values})`);
        break;
      case 'NotIn':
        terms.push(`${expression.key} notin (${values})`);
        break;
      case 'Exists':
        terms.push(expression.key);
        break;
      case 'DoesNotExist':
        terms.push(`!${expression.key}`);
        break;
      default:
        assertNever(expression.operator, 'label selector operator');
    }
  }
  return terms.join(',');
}
