/** Labels and label selectors, checked the way the API server checks them. */
import type { LabelSelector, Labels } from '../types.js';
import { labelProblem, selectorRequirementProblems } from '../../model/kube-rules.js';
import { Reader, type FieldPath } from './reader.js';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
type Operator = (typeof OPERATORS)[number];

/** Label values must be strings: `version: 1` unquoted is a number and is rejected. */
export function decodeLabels(reader: Reader, value: unknown, path: FieldPath): Labels {
  const record = reader.record(value, path);
  const labels: Record<string, string> = {};
  for (const [key, item] of Object.entries(record ?? {})) {
    if (typeof item !== 'string') {
      reader.issue([...path, key], `label value must be a string, found ${JSON.stringify(item)} (quote it)`);
      continue;
    }
    const problem = labelProblem(key, item);
    if (problem) reader.issue([...path, key], problem);
    else labels[key] = item;
  }
  return labels;
}

export function decodeSelector(reader: Reader, value: unknown, path: FieldPath): LabelSelector {
  const record = reader.record(value, path);
  if (!record) return {};
  reader.knownFields(record, path, ['matchLabels', 'matchExpressions']);
  const matchLabels = decodeLabels(reader, record.matchLabels, [...path, 'matchLabels']);
  const matchExpressions: { key: string; operator: Operator; values?: string[] }[] = [];
  reader.list(record.matchExpressions, [...path, 'matchExpressions']).forEach((item, index) => {
    const at = [...path, 'matchExpressions', index];
    const expression = reader.record(item, at);
    if (!expression) return;
    reader.knownFields(expression, at, ['key', 'operator', 'values']);
    const key = reader.string(expression.key, [...at, 'key']);
    const operator = reader.string(expression.operator, [...at, 'operator']);
    const values = reader.list(expression.values, [...at, 'values']).filter((v, i): v is string => {
      if (typeof v === 'string') return true;
      reader.issue([...at, 'values', i], `must be a string, found ${JSON.stringify(v)}`);
      return false;
    });
    if (!key) return reader.issue([...at, 'key'], 'is required');
    if (!isOperator(operator)) return reader.issue([...at, 'operator'], `${JSON.stringify(operator ?? null)} must be one of ${OPERATORS.join(', ')}`);
    // API server rules: a qualified-name key; In/NotIn need at least one value, Exists/DoesNotExist none; values are label values.
    const problems = selectorRequirementProblems({ key, operator, values });
    for (const problem of problems) reader.issue([...at, problem.field], problem.message);
    if (problems.length > 0) return;
    matchExpressions.push(values.length > 0 ? { key, operator, values } : { key, operator });
  });
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}

function isOperator(value: string | undefined): value is Operator {
  return (OPERATORS as readonly (string | undefined)[]).includes(value);
}
