import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarios, parseScenario } from '../../src/scenario/load.js';
import { scenarioNamespaces } from '../../src/scenario/namespaces.js';

describe('scenarioNamespaces', () => {
  it('collects actor and target namespaces of every scenario, once each, sorted', async () => {
    const files = ['valid-every-target.yaml', 'valid-postgres.yaml'].map((f) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url)));
    expect(scenarioNamespaces(await loadScenarios(files))).toEqual(['apps', 'production']);
  });

  it('adds the namespaces of every step: the targets of its checks, the Namespaces and NetworkPolicies it changes', () => {
    const result = parseScenario(
      's.yaml',
      `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  actors:
    a: {namespace: shop}
  steps:
    - name: one
      apply: [{apiVersion: v1, kind: Namespace, metadata: {name: labelled}}]
      delete: [{kind: NetworkPolicy, namespace: policies, name: old}]
      checks: [{from: a, to: {service: api, namespace: services, port: 80}, expect: allow}]
`,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(scenarioNamespaces([result.scenario])).toEqual(['labelled', 'policies', 'services', 'shop']);
  });
});
