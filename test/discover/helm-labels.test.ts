/**
 * Issue 18 item 3: a Helm-installed workload carries `app.kubernetes.io/managed-by: Helm` (and
 * helm.sh/chart, app.kubernetes.io/instance, …) in its pod template. Discovery must write a scenario
 * that validate accepts, and the probe pod standing in for it must carry every one of those labels;
 * only kubeknock's own `kubeknock.dev/` keys are reserved.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findWorkloads } from '../../src/discover/index.js';
import { decodeObjects } from '../../src/policy/index.js';
import { buildProbePod } from '../../src/probe/pod-spec.js';
import { DEFAULTS } from '../../src/scenario/defaults.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runCli } from '../support/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kk-helm-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const HELM_LABELS = {
  'app.kubernetes.io/name': 'redis',
  'app.kubernetes.io/instance': 'cache',
  'app.kubernetes.io/managed-by': 'Helm',
  'app.kubernetes.io/version': '7.2.4',
  'app.kubernetes.io/component': 'master',
  'helm.sh/chart': 'redis-18.6.1',
};
const labelsYaml = Object.entries(HELM_LABELS)
  .map(([key, value]) => `        ${key}: "${value}"`)
  .join('\n');

const CHART = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache-redis-master
  namespace: data
  labels:
    app.kubernetes.io/managed-by: Helm
    helm.sh/chart: redis-18.6.1
  annotations:
    meta.helm.sh/release-name: cache
    meta.helm.sh/release-namespace: data
spec:
  selector: {matchLabels: {app.kubernetes.io/name: redis, app.kubernetes.io/instance: cache, app.kubernetes.io/component: master}}
  template:
    metadata:
      labels:
${labelsYaml}
    spec:
      containers:
        - name: redis
          ports: [{name: redis, containerPort: 6379}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: data}
spec:
  template:
    metadata:
      labels: {app.kubernetes.io/name: api, app.kubernetes.io/instance: shop, app.kubernetes.io/managed-by: Helm, helm.sh/chart: api-1.0.0}
    spec: {containers: [{name: api, ports: [{containerPort: 8080}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: redis-from-api, namespace: data}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: redis, app.kubernetes.io/managed-by: Helm}}
  ingress:
    - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: api}}}]
      ports: [{port: 6379}]
`;
const file = join(scratch, 'chart.yaml');
writeFileSync(file, CHART);

describe('Helm-labelled workloads', () => {
  it('discover writes a scenario validate accepts, with every Helm label on the actor', async () => {
    const { code, stdout, stderr } = await runCli(['discover', '-f', file]);
    expect(code, stderr).toBe(0);
    const parsed = parseScenario('discovered.yaml', stdout);
    expect(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.issues)).toBe(true);
    if (!parsed.ok) return;
    const redis = [...parsed.scenario.actors.values()].find((actor) => actor.labels['app.kubernetes.io/name'] === 'redis');
    expect(redis?.labels, 'the actor keeps every label of the pod template').toEqual(HELM_LABELS);
    const validated = await runCli(['validate', writeScenario(stdout)]);
    expect(validated.code, validated.stderr + validated.stdout).toBe(0);
  });

  it('the probe pod standing in for it carries the Helm labels, managed-by Helm included, plus the run id', () => {
    const pod = buildProbePod({
      actor: { name: 'redis', namespace: 'data', labels: HELM_LABELS, listen: [], serve: false, source: { file: 'f', line: 1, path: '' } },
      scenarioName: 's',
      runId: 'r1',
      settings: DEFAULTS.pod,
    });
    expect(pod.metadata.labels).toEqual({ ...HELM_LABELS, 'kubeknock.dev/run-id': 'r1' });
  });

  it('a probe pod of a Helm actor is still recognised as kubeknock\'s, not as a workload', () => {
    const probe = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kubeknock-redis-x', namespace: 'data', labels: { ...HELM_LABELS, 'kubeknock.dev/run-id': 'r1' } }, spec: { containers: [{ name: 'c' }] } };
    const { inventory } = decodeObjects([{ value: probe, file: 'live', locate: () => ({ line: 0 }) }]);
    const found = findWorkloads(inventory, { namespaces: [], excludeNamespaces: [] });
    expect(found.identities).toEqual([]);
    expect(found.skipped.map((skipped) => skipped.note)).toEqual(['a kubeknock probe pod (kubeknock.dev/run-id=r1)']);
  });

  it('an actor may still not set kubeknock\'s own labels', () => {
    const parsed = parseScenario('s.yaml', 'apiVersion: kubeknock.dev/v1alpha1\nkind: Scenario\nmetadata: {name: s}\nspec:\n  actors:\n    a: {namespace: default, labels: {kubeknock.dev/run-id: x}}\n    b: {namespace: default, listen: [80]}\n  checks:\n    - {from: a, to: b:80, expect: allow}\n');
    expect(parsed.ok).toBe(false);
    expect(JSON.stringify(parsed)).toContain('under kubeknock\'s own prefix kubeknock.dev/');
  });
});

function writeScenario(text: string): string {
  const path = join(scratch, `scenario-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
}
