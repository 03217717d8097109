import { describe, expect, it } from 'vitest';
import {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  imageReferenceProblem,
  labelProblem,
  portNameProblem,
  qualifiedNameProblem,
  selectorRequirementProblems,
  tolerationProblems,
} from '../../src/model/kube-rules.js';

/** Each rule: values the API accepts, and values it rejects (the problem must quote the value). */
const RULES: readonly { name: string; check: (value: string) => string | undefined; valid: string[]; invalid: string[] }[] = [
  {
    name: 'DNS-1123 label',
    check: dns1123LabelProblem,
    valid: ['a', 'prod', 'team-a1', '0abc', 'a'.repeat(63)],
    invalid: ['Bad_NS', 'Prod', '-a', 'a-', 'a.b', 'a b', 'a'.repeat(64)],
  },
  {
    name: 'DNS-1123 subdomain',
    check: dns1123SubdomainProblem,
    valid: ['regcred', 'reg.cred', 'a-b.c-d.e', `${'a'.repeat(63)}.b`],
    invalid: ['Reg_Cred', 'regcred.', '.regcred', 'a..b', 'UPPER', `${'a'.repeat(64)}.b`, 'a;b'],
  },
  {
    name: 'qualified name',
    check: qualifiedNameProblem,
    valid: ['app', 'App_Name.v2', 'example.com/app', 'kubernetes.io/metadata.name', 'a/B'],
    invalid: ['Example.com/app', 'example.com./app', '/app', 'example.com/', 'a/b/c', '-app', 'app-', 'a b', 'x'.repeat(64)],
  },
  {
    name: 'IANA_SVC_NAME port name',
    check: portNameProblem,
    valid: ['http', 'web-8080', 'a', 'metrics1', 'a'.repeat(15)],
    invalid: ['8080', 'a--b', '-web', 'web-', 'Web', 'web_1', 'a'.repeat(16), ''],
  },
  {
    name: 'image reference',
    check: imageReferenceProblem,
    valid: [
      'busybox',
      'busybox:1.36.1',
      'docker.io/library/busybox:1.36.1',
      'registry.example:5000/team/probe:v1',
      'localhost/probe',
      `busybox@sha256:${'a'.repeat(64)}`,
      `docker.io/library/busybox:1.36.1@sha256:${'0'.repeat(64)}`,
      'my_org/my__image-x.y',
      'Registry.Example.com/probe:v1',
    ],
    invalid: ['BusyBox:1.36', 'busybox:', 'busybox;rm -rf /', '--dry-run', '', 'busy box', 'busybox:-x', 'busybox@sha256:abc', ':tag', 'a//b', 'busybox:1.36\nx'],
  },
];

describe('Kubernetes API rules', () => {
  for (const rule of RULES) {
    describe(rule.name, () => {
      it.each(rule.valid)('accepts %j', (value) => {
        expect(rule.check(value)).toBeUndefined();
      });
      it.each(rule.invalid)('rejects %j, quoting it', (value) => {
        const problem = rule.check(value);
        expect(problem, `${JSON.stringify(value)} must be refused`).toBeDefined();
        if (value.length > 0 && value.length <= 40) expect(problem).toContain(JSON.stringify(value));
      });
    });
  }

  it('labels: key and value each checked, the problem names the pair', () => {
    expect(labelProblem('app', 'web')).toBeUndefined();
    expect(labelProblem('app', '')).toBeUndefined();
    expect(labelProblem('app', 'a,b')).toMatch(/label "app": value "a,b"/);
    expect(labelProblem('App.IO/x', 'y')).toMatch(/prefix "App\.IO"/);
  });

  it.each([
    [{ key: 'k', operator: 'Exists' }, []],
    [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }, []],
    [{ operator: 'Exists' }, []],
    [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }, []],
    [{ key: 'k' }, []],
    [{ operator: 'Equal', value: 'v' }, ['operator']],
    [{ key: 'k', operator: 'Exists', value: 'v' }, ['value']],
    [{ key: 'k', operator: 'In' }, ['operator']],
    [{ key: 'Bad Key', operator: 'Exists' }, ['key']],
    [{ key: 'k', operator: 'Equal', value: 'a b' }, ['value']],
    [{ key: 'k', operator: 'Exists', effect: 'NoRun' }, ['effect']],
    [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }, ['tolerationSeconds']],
  ] as const)('toleration %j: problems in %j', (toleration, fields) => {
    expect(tolerationProblems(toleration).map((p) => p.field)).toEqual(fields);
  });

  it.each([
    [{ key: 'app', operator: 'In', values: ['a'] }, []],
    [{ key: 'app', operator: 'NotIn', values: ['a', 'b'] }, []],
    [{ key: 'app', operator: 'Exists' }, []],
    [{ key: 'app', operator: 'DoesNotExist', values: [] }, []],
    [{ key: 'app', operator: 'In', values: [] }, ['values']],
    [{ key: 'app', operator: 'NotIn' }, ['values']],
    [{ key: 'app', operator: 'Exists', values: ['a'] }, ['values']],
    [{ key: 'app', operator: 'DoesNotExist', values: ['a'] }, ['values']],
    [{ key: 'app', operator: 'In', values: ['a,b'] }, ['values']],
    [{ key: 'app,x', operator: 'Exists' }, ['key']],
    [{ key: 'app', operator: 'Equals', values: ['a'] }, ['operator']],
  ] as const)('selector requirement %j: problems in %j', (requirement, fields) => {
    expect(selectorRequirementProblems(requirement).map((p) => p.field)).toEqual(fields);
  });
});
