/** Label selectors compiled once into predicates. */
import type { LabelSelector, Labels } from './types.js';
import { assertNever } from '../model/assert-never.js';

export type LabelPredicate = (labels: Labels) => boolean;

/**
 * Kubernetes rule: every `matchLabels` pair and every `matchExpressions` requirement must hold (AND);
 * an empty selector `{}` selects everything. `In` and `Exists` need the key; `NotIn` and `DoesNotExist`
 * hold when the key is absent.
 */
export function compileSelector(selector: LabelSelector): LabelPredicate {
  const tests: LabelPredicate[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    tests.push((labels) => has(labels, key) && labels[key] === value);
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const { key } = requirement;
    const values = new Set(requirement.values ?? []);
    switch (requirement.operator) {
      case 'In':
        tests.push((labels) => has(labels, key) && values.has(labels[key] as string));
        break;
      case 'NotIn':
        tests.push((labels) => !has(labels, key) || !values.has(labels[key] as string));
        break;
      case 'Exists':
        tests.push((labels) => has(labels, key));
        break;
      case 'DoesNotExist':
        tests.push((labels) => !has(labels, key));
        break;
      default:
        assertNever(requirement.operator, 'selector operator');
    }
  }
  if (tests.length === 0) return () => true;
  return (labels) => tests.every((test) => test(labels));
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** `app=web,tier in (a,b)` — the kubectl spelling, for messages. */
export function describeSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    switch (operator) {
      case 'In':
        parts.push(`${key} in (${values.join(',')})`);
        break;
      case 'NotIn':
        parts.push(`${key} notin (${values.join(',')})`);
        break;
      case 'Exists':
        parts.push(key);
        break;
      case 'DoesNotExist':
        parts.push(`!${key}`);
        break;
      default:
        assertNever(operator, 'selector operator');
    }
  }
  return parts.length === 0 ? '{} (everything)' : parts.join(',');
}

function has(labels: Labels, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}
