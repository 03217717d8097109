import { assertNever } from '../model/assert-never.js';
import { labelProblem, selectorRequirementProblems } from '../model/kube-rules.js';
import type { LabelSelector } from '../model/scenario.js';

/**
 * A structured selector as the `labelSelector` query string the API understands:
 * `app=web,tier in (a,b),!legacy`. Every term must hold (AND), as in the API. An empty selector
 * selects everything and becomes the empty string.
 */
export function formatLabelSelector(selector: LabelSelector): string {
  // Scenario validation already holds keys and values to the API's rules; checked again here because a
  // comma, space or parenthesis that slipped through would silently change what the selector selects.
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const problem = labelProblem(key, value);
    if (problem) throw new Error(`label selector: ${problem}`);
  }
  for (const expression of selector.matchExpressions ?? []) {
    const [problem] = selectorRequirementProblems(expression);
    if (problem) throw new Error(`label selector: ${problem.message}`);
  }
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
