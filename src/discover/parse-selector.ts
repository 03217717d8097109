/**
 * The `-l` selector as kubectl spells it: `app=web,tier in (a,b),!legacy,env!=prod`. Every term must
 * hold. Returns the structured selector, or a message naming the term that does not parse.
 */
import type { LabelSelector } from '../policy/index.js';

type Requirement = NonNullable<LabelSelector['matchExpressions']>[number];

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const EQUALS = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*(${VALUE})$`);
const SET = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s*\(([^)]*)\)$`);
const EXISTS = new RegExp(String.raw`^(!?)\s*(${KEY})$`);
const VALUE_ONLY = new RegExp(`^${VALUE}$`);

export function parseLabelSelector(text: string): { selector: LabelSelector } | { error: string } {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: Requirement[] = [];
  for (const raw of splitTerms(text)) {
    const term = raw.trim();
    if (term === '') return { error: `empty term in "${text}"` };
    const equals = EQUALS.exec(term);
    if (equals) {
      const [, key = '', , operator, value = ''] = equals;
      if (operator === '!=') matchExpressions.push({ key, operator: 'NotIn', values: [value] });
      else matchLabels[key] = value;
      continue;
    }
    const set = SET.exec(term);
    if (set) {
      const [, key = '', , operator, list = ''] = set;
      const values = list.split(',').map((value) => value.trim());
      if (values.some((value) => !VALUE_ONLY.test(value)) || values.every((value) => value === '')) return { error: `"${term}": the values in (…) must be label values separated by commas` };
      matchExpressions.push({ key, operator: operator === 'in' ? 'In' : 'NotIn', values });
      continue;
    }
    const exists = EXISTS.exec(term);
    if (exists) {
      const [, not, key = ''] = exists;
      matchExpressions.push({ key, operator: not === '!' ? 'DoesNotExist' : 'Exists' });
      continue;
    }
    return { error: `"${term}" is not a selector term (write key=value, key!=value, key in (a,b), key notin (a,b), key or !key)` };
  }
  return {
    selector: {
      ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
      ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
    },
  };
}

/** Commas separate terms, except inside the parentheses of `in (a,b)`. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  terms.push(current);
  return terms;
}
