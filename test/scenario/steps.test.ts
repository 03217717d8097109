/**
 * Multi-step scenarios as parseScenario reads them (pure: objects inline; step files are the loader's,
 * see step-files.test.ts). One mistake per case, and the exact issues it gives: line, path, message.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';

/** Actors a and b (b listens on 80 and 8080) and one top-level check; `steps` starts at line 11. */
function scenario(steps: string, checks = '  checks:\n    - {from: a, to: b:80, expect: policy}\n'): string {
  return `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  actors:
    a: {namespace: ns1, labels: {app: a}}
    b: {namespace: ns1, labels: {app: b}, listen: [80, 8080]}
${checks}  steps:
${steps}`;
}

const NP = (meta: string, spec = '{podSelector: {}}'): string => `{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: ${meta}, spec: ${spec}}`;

/** `line path: message` of every issue, in order. */
function issuesOf(yaml: string): string[] {
  const result = parseScenario('s.yaml', yaml);
  if (result.ok) return [];
  return result.issues.map((issue) => `${issue.line} ${issue.path}: ${issue.message}`);
}

interface Case {
  readonly name: string;
  readonly steps: string;
  readonly issues: readonly string[];
}

const cases: readonly Case[] = [
  { name: "file in inline scenario", steps: '    - {name: s, apply: [policies/deny.yaml]}\n', issues: ['11 spec.steps[0].apply[0]: "policies/deny.yaml" is a file, and this scenario was made in memory, with no directory to find it in: write the object inline'] },
  { name: "other kind", steps: '    - {name: s, apply: [{apiVersion: apps/v1, kind: Deployment, metadata: {name: x, namespace: ns1}}]}\n', issues: ['11 spec.steps[0].apply[0].kind: kind "Deployment" (apps/v1) cannot be applied by a step: a step applies and deletes NetworkPolicies (networking.k8s.io/v1) and applies Namespaces (v1) for their labels; create other objects before the run'] },
  { name: "missing kind", steps: '    - {name: s, apply: [{apiVersion: v1, metadata: {name: x}}]}\n', issues: ['11 spec.steps[0].apply[0].kind: missing "kind": a step applies and deletes NetworkPolicies (networking.k8s.io/v1) and applies Namespaces (v1) for their labels'] },
  { name: "missing namespace", steps: `    - {name: s, apply: [${NP('{name: deny}')}]}\n`, issues: ['11 spec.steps[0].apply[0].metadata.namespace: missing the namespace: a step applies a NetworkPolicy only in a namespace it names; add "namespace: …"'] },
  { name: "wrong apiVersion", steps: '    - {name: s, apply: [{apiVersion: networking.k8s.io/v1beta1, kind: NetworkPolicy, metadata: {name: x, namespace: ns1}}]}\n', issues: ['11 spec.steps[0].apply[0].apiVersion: "networking.k8s.io/v1beta1" is not the API version kubeknock changes a NetworkPolicy with: write "networking.k8s.io/v1"'] },
  { name: "missing apiVersion", steps: '    - {name: s, apply: [{kind: NetworkPolicy, metadata: {name: x, namespace: ns1}}]}\n', issues: ['11 spec.steps[0].apply[0].apiVersion: missing "apiVersion": a NetworkPolicy is "networking.k8s.io/v1"'] },
  { name: "bad name", steps: `    - {name: s, apply: [${NP('{name: Deny_All, namespace: ns1}')}]}\n`, issues: ["11 spec.steps[0].apply[0].metadata.name: \"Deny_All\" must be a DNS subdomain: lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit"] },
  { name: "bad policy", steps: `    - name: s\n      apply:\n        - ${NP('{name: deny, namespace: ns1}', '{podSelector: {}, egress: [{to: {}}]}')}\n`, issues: ['13 spec.steps[0].apply[0].spec.egress[0].to: must be a list, found an empty mapping {} (the API server rejects this shape) (NetworkPolicy ns1/deny)'] },
  { name: "policy unknown spec field", steps: `    - {name: s, apply: [${NP('{name: deny, namespace: ns1}', '{podSelector: {}, ingres: []}')}]}\n`, issues: ['11 spec.steps[0].apply[0].spec.ingres: unknown field "ingres" (known: podSelector, policyTypes, ingress, egress) (NetworkPolicy ns1/deny)'] },
  { name: "metadata dump field", steps: `    - {name: s, apply: [${NP('{name: deny, namespace: ns1, resourceVersion: "12"}')}]}\n`, issues: ["11 spec.steps[0].apply[0].metadata.resourceVersion: a step applies only the name, namespace, labels and annotations of a NetworkPolicy's metadata: remove \"resourceVersion\""] },
  { name: "namespace spec", steps: '    - {name: s, apply: [{apiVersion: v1, kind: Namespace, metadata: {name: ns1}, spec: {finalizers: [kubernetes]}}]}\n', issues: ["11 spec.steps[0].apply[0].spec: a step sets only a Namespace's labels: remove \"spec\""] },
  { name: "namespace annotations", steps: '    - {name: s, apply: [{apiVersion: v1, kind: Namespace, metadata: {name: ns1, annotations: {a: b}}}]}\n', issues: ["11 spec.steps[0].apply[0].metadata.annotations: a step applies only the name and labels of a Namespace's metadata: remove \"annotations\""] },
  { name: "namespace with namespace", steps: '    - {name: s, apply: [{apiVersion: v1, kind: Namespace, metadata: {name: ns1, namespace: x}}]}\n', issues: ['11 spec.steps[0].apply[0].metadata.namespace: a Namespace belongs to no namespace (it is cluster-scoped): remove "namespace"'] },
  { name: "namespace label bad", steps: '    - {name: s, apply: [{apiVersion: v1, kind: Namespace, metadata: {name: ns1, labels: {team: "a b"}}}]}\n', issues: ["11 spec.steps[0].apply[0].metadata.labels.team: label \"team\": value \"a b\" must be empty or letters, digits, '-', '_' or '.', starting and ending with a letter or digit"] },
  { name: "namespace name label", steps: '    - {name: s, apply: [{apiVersion: v1, kind: Namespace, metadata: {name: ns1, labels: {kubernetes.io/metadata.name: other}}}]}\n', issues: ["11 spec.steps[0].apply[0].metadata.labels.kubernetes.io/metadata.name: the API server sets \"kubernetes.io/metadata.name\" to the Namespace's own name (\"ns1\"), so \"other\" would never hold: remove the label"] },
  { name: "delete namespace", steps: '    - {name: s, delete: [{kind: Namespace, name: ns1}]}\n', issues: ['11 spec.steps[0].delete[0].kind: deleting Namespace "ns1" would delete every pod in it, probe pods included; a step changes a Namespace only by its labels: apply it with the labels it should have'] },
  { name: "delete missing namespace", steps: '    - {name: s, delete: [{kind: NetworkPolicy, name: x}]}\n', issues: ['11 spec.steps[0].delete[0].namespace: missing the namespace: a step deletes a NetworkPolicy only in a namespace it names; add "namespace: …"'] },
  { name: "delete other kind", steps: '    - {name: s, delete: [{kind: Service, namespace: ns1, name: x}]}\n', issues: ['11 spec.steps[0].delete[0].kind: kind "Service" cannot be deleted by a step: a step applies and deletes NetworkPolicies (networking.k8s.io/v1) and applies Namespaces (v1) for their labels; create other objects before the run'] },
  { name: "delete bad apiVersion", steps: '    - {name: s, delete: [{apiVersion: v1, kind: NetworkPolicy, namespace: ns1, name: x}]}\n', issues: ['11 spec.steps[0].delete[0].apiVersion: "v1" is not the API version kubeknock changes a NetworkPolicy with: write "networking.k8s.io/v1"'] },
  { name: "delete with metadata", steps: '    - {name: s, delete: [{kind: NetworkPolicy, metadata: {name: x}}]}\n', issues: ['11 spec.steps[0].delete[0]: {"kind":"NetworkPolicy","metadata":{"name":"x"}} must be a file or directory (relative to the scenario file) or {kind, namespace, name} (apiVersion optional)'] },
  { name: "apply a number", steps: '    - {name: s, apply: [42]}\n', issues: ['11 spec.steps[0].apply[0]: 42 must be a file or directory (relative to the scenario file) or an object written inline ({apiVersion, kind, metadata, spec})'] },
  { name: "apply twice", steps: `    - {name: s, apply: [${NP('{name: deny, namespace: ns1}')}, ${NP('{name: deny, namespace: ns1}')}]}\n`, issues: ['11 spec.steps[0].apply[1]: NetworkPolicy ns1/deny is applied twice in this step (first by spec.steps[0].apply[0]); remove one'] },
  { name: "apply and delete", steps: `    - {name: s, apply: [${NP('{name: deny, namespace: ns1}')}], delete: [{kind: NetworkPolicy, namespace: ns1, name: deny}]}\n`, issues: ['11 spec.steps[0].delete[0]: NetworkPolicy ns1/deny is applied (by spec.steps[0].apply[0]) and deleted in one step; a step applies first and deletes after, so it would end up gone: remove one, or delete it in a later step'] },
  { name: "unknown actor label", steps: '    - {name: s, labels: {zed: {role: x}}}\n', issues: ['11 spec.steps[0].labels.zed: unknown actor "zed" (actors: a, b); a step relabels the probe pod of an actor'] },
  { name: "bad label value", steps: '    - {name: s, labels: {a: {role: "x y"}}}\n', issues: ["11 spec.steps[0].labels.a.role: label \"role\": value \"x y\" must be empty or letters, digits, '-', '_' or '.', starting and ending with a letter or digit"] },
  { name: "bad label key null", steps: '    - {name: s, labels: {a: {"Role!": null}}}\n', issues: ["11 spec.steps[0].labels.a.Role!: label key \"Role!\": the name part must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit"] },
  { name: "reserved label", steps: '    - {name: s, labels: {a: {kubeknock.dev/run-id: x}}}\n', issues: ['11 spec.steps[0].labels.a.kubeknock.dev/run-id: "kubeknock.dev/run-id" is under kubeknock\'s own prefix kubeknock.dev/ (kubeknock sets kubeknock.dev/run-id on every probe pod; it is how leftovers are found); a step cannot change it: remove it from the step'] },
  { name: "label value number", steps: '    - {name: s, labels: {a: {version: 2}}}\n', issues: ['11 spec.steps[0].labels.a.version: 2 must be a string (quote it) or null (to remove the label)'] },
  { name: "dup step name", steps: '    - {name: s}\n    - {name: s}\n', issues: ['12 spec.steps[1].name: step name "s" is already the name of spec.steps[0]; give each step its own name (reports tell the steps apart by it)'] },
  { name: "step own check repeats top", steps: '    - {name: s, checks: [{from: a, to: b:80, expect: deny}]}\n', issues: ['11 spec.steps[0].checks[0]: a → b:80 (tcp) is already checked at spec.checks[0], which runs at every step; remove one'] },
  { name: "step checks dup", steps: '    - {name: s, checks: [{from: a, to: b:8080, expect: deny}, {from: [a], to: [b:8080], expect: allow}]}\n', issues: ['11 spec.steps[0].checks[1]: a → b:8080 (tcp) is already checked at spec.steps[0].checks[0]; remove one'] },
  { name: "step check unknown actor", steps: '    - {name: s, checks: [{from: zed, to: b:8080, expect: deny}]}\n', issues: ['11 spec.steps[0].checks[0].from: unknown actor "zed" (actors: a, b)'] },
  {
    name: 'step no name',
    steps: '    - {apply: []}\n',
    issues: [
      '11 spec.steps[0]: missing required field "name"',
      '11 spec.steps[0].apply: [] is an empty list: list at least one entry, or leave "apply" out',
    ],
  },
  { name: "step unknown field", steps: '    - {name: s, aply: [x.yaml]}\n', issues: ['11 spec.steps[0].aply: unknown field "aply"; allowed here: name, apply, delete, labels, checks'] },
];

describe('parseScenario: steps', () => {
  it('normalises changes to apply → delete → labels whatever the key order, and the checks of each step to the top-level ones then its own', () => {
    const steps = `    - name: deny, then relabel
      labels: {a: {role: admin, app: null}}
      delete: [{kind: NetworkPolicy, namespace: ns1, name: old}]
      apply: [${NP('{name: deny, namespace: ns1}')}, {apiVersion: v1, kind: Namespace, metadata: {name: ns1, labels: {team: shop}}}]
      checks:
        - {from: a, to: b:8080, expect: deny}
    - name: nothing changes
`;
    const result = parseScenario('s.yaml', scenario(steps));
    if (!result.ok) throw new Error(`expected a valid scenario, got ${JSON.stringify(result.issues)}`);
    const [first, second] = result.scenario.steps ?? [];
    expect(first?.changes.map((c) => [c.type, c.source.path, c.source.line])).toEqual([
      ['apply', 'spec.steps[0].apply[0]', 14],
      ['apply', 'spec.steps[0].apply[1]', 14],
      ['delete', 'spec.steps[0].delete[0]', 13],
      ['label-actor', 'spec.steps[0].labels.a', 12],
    ]);
    expect(first?.changes[1]).toMatchObject({ objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1', labels: { team: 'shop' } } }] });
    expect(first?.changes[2]).toMatchObject({ refs: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'ns1', name: 'old' }] });
    expect(first?.changes[3]).toMatchObject({ actor: 'a', labels: { role: 'admin', app: null } });
    expect(first?.checks.map((c) => [c.id, c.from, c.toLabel, c.expect, c.source.path])).toEqual([
      ['c1', 'a', 'b:80', 'policy', 'spec.checks[0]'],
      ['c2', 'a', 'b:8080', 'deny', 'spec.steps[0].checks[0]'],
    ]);
    expect(second).toMatchObject({ name: 'nothing changes', changes: [], source: { path: 'spec.steps[1]', line: 17 } });
    expect(second?.checks.map((c) => c.id)).toEqual(['c1']);
    expect(result.scenario.checks.map((c) => c.id), 'the top-level checks stay on the scenario too').toEqual(['c1']);
  });

  it('leaves steps out of a scenario that has none', () => {
    const result = parseScenario('s.yaml', scenario('', '  checks:\n    - {from: a, to: b:80, expect: allow}\n').replace('  steps:\n', ''));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect('steps' in result.scenario).toBe(false);
  });
});

describe('parseScenario: every mistake in a step, located, with the fix', () => {
  it.each(cases)('$name', ({ steps, issues }) => {
    expect(issuesOf(scenario(steps)), 'the scenario must be refused with exactly these issues').toEqual(issues);
  });

  it('refuses a step with no checks when the scenario has no top-level checks', () => {
    expect(issuesOf(scenario('    - {name: s}\n', ''))).toEqual(['9 spec.steps[0]: step "s" has no checks: give it "checks", or give the scenario top-level "checks", which run at every step']);
  });

  it('refuses a scenario with neither checks nor steps', () => {
    expect(issuesOf(scenario('', '').replace('  steps:\n', ''))).toEqual(['5 spec: missing "checks": say what to check, or give "steps" that each change the cluster and check']);
  });

  it('refuses more than 100 steps, with the fix', () => {
    const steps = Array.from({ length: 101 }, (_, i) => `    - {name: s${i}}\n`).join('');
    expect(issuesOf(scenario(steps))).toEqual(['11 spec.steps: 101 entries, over the limit of 100: split a longer scenario into several files']);
  });

  it('collects the mistakes of every step at once, schema and meaning alike', () => {
    const steps = ['    - {name: s, checks: [{from: a, to: b:8080, expect: maybe}]}', '    - {name: t, labels: {zed: {x: y}}}', `    - {name: u, apply: [${NP('{name: deny}')}]}`, ''].join('\n');
    expect(issuesOf(scenario(steps))).toEqual([
      '11 spec.steps[0].checks[0].expect: "maybe" must be one of: "allow", "deny", "policy"',
      '12 spec.steps[1].labels.zed: unknown actor "zed" (actors: a, b); a step relabels the probe pod of an actor',
      '13 spec.steps[2].apply[0].metadata.namespace: missing the namespace: a step applies a NetworkPolicy only in a namespace it names; add "namespace: …"',
    ]);
  });
});
