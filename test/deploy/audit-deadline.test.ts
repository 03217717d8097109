import { describe, expect, it } from 'vitest';
import { auditDeadlineSeconds } from '../../src/deploy/audit-deadline.js';
import type { Scenario } from '../../src/model/scenario.js';
import { parseScenario } from '../../src/scenario/load.js';

function scenario(defaults: string, checks = '    - {from: a, to: b:80, expect: allow}\n'): Scenario {
  const text = `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: s}
spec:
  defaults: {${defaults}}
  actors:
    a: {namespace: ns, labels: {app: a}}
    b: {namespace: ns, labels: {app: b}, listen: [80]}
  checks:
${checks}`;
  const parsed = parseScenario('s.yaml', text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.scenario;
}

describe('auditDeadlineSeconds', () => {
  it('the defaults: start 120 + pods 120 + settle 2 + 3 × (one exec of (2+2+1)+15 s + 1 s) + reads 30 + deletion 90 = 425, to the next minute', () => {
    expect(auditDeadlineSeconds([scenario('')])).toBe(480);
  });

  it.each([
    ['longer probe timeouts', 'timeoutSeconds: 30'],
    ['more attempts', 'attempts: 10'],
    ['a longer pod start', 'pod: {startTimeoutSeconds: 600}'],
    ['a longer settle', 'settleSeconds: 120'],
  ])('grows with %s', (_name, defaults) => {
    expect(auditDeadlineSeconds([scenario(defaults)])).toBeGreaterThan(auditDeadlineSeconds([scenario('')]));
  });

  it('grows with executions that must wait for a free slot', () => {
    const many = Array.from({ length: 200 }, (_, i) => `    - {from: a, to: {host: 203.0.113.${i + 1}, port: 80}, expect: deny}`).join('\n');
    expect(auditDeadlineSeconds([scenario('concurrency: 1', `${many}\n`)])).toBeGreaterThan(auditDeadlineSeconds([scenario('concurrency: 1')]));
  });

  it('adds up scenarios, which run one after another', () => {
    const one = auditDeadlineSeconds([scenario('')]);
    expect(auditDeadlineSeconds([scenario(''), scenario('')])).toBeGreaterThan(one);
  });
});
