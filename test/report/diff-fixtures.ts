/** Verdict diffs for the renderer golden files: the seed three-tier playbook, a diff with opens and a broken expectation, and a large one. */
import { readFileSync } from 'node:fs';
import { diffPolicies, type DiffResult } from '../../src/diff/index.js';
import { parseManifestText } from '../../src/scenario/read-manifests.js';
import { decodeObjects, DEFAULT_ENGINE_OPTIONS, type Inventory } from '../../src/policy/index.js';
import { REPO } from '../support/cli.js';
import { deployment, namespace, NONE, objects, policy, scenario } from '../diff/builders.js';

function seedFile(path: string): Inventory {
  const parsed = parseManifestText(readFileSync(`${REPO}/${path}`, 'utf8'), path);
  return decodeObjects(parsed.objects).inventory;
}

function threeTier(): DiffResult {
  const s = scenario(readFileSync(`${REPO}/scenarios/three-tier.yaml`, 'utf8'), 'scenarios/three-tier.yaml');
  return diffPolicies({ current: NONE, candidate: seedFile('scenarios/three-tier/policies.yaml'), scenarios: [s], engine: DEFAULT_ENGINE_OPTIONS });
}

/** A current default deny with allows; the candidate opens metrics to everyone and narrows the database rule, which a scenario contradicts. */
function mixed(): DiffResult {
  const shop = [namespace('shop'), deployment('shop/web', { app: 'web' }, [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }]), deployment('shop/api', { app: 'api' }, [{ containerPort: 8000 }]), deployment('shop/db', { app: 'db' }, [{ containerPort: 5432 }])];
  const deny = policy('shop/deny', { podSelector: {}, policyTypes: ['Ingress'] });
  const db = (apps: string[]) => policy('shop/db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: apps.map((app) => ({ podSelector: { matchLabels: { app } } })), ports: [{ port: 5432 }] }] });
  const metrics = policy('shop/metrics', { podSelector: {}, ingress: [{ ports: [{ port: 'metrics' }] }] });
  const s = scenario(`apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: shop}
spec:
  actors:
    api-probe: {namespace: shop, labels: {app: api}}
    db-probe: {namespace: shop, labels: {app: db}, listen: [5432]}
  checks:
    - {name: api reads the database, from: api-probe, to: db-probe:5432, expect: allow}
`, 'shop.yaml');
  return diffPolicies({ current: objects(...shop, deny, db(['web', 'api'])), candidate: objects(db(['web']), metrics), scenarios: [s], engine: DEFAULT_ENGINE_OPTIONS });
}

/** 3 namespaces × 8 workloads; the candidate isolates two namespaces: rows collapse and are capped. */
function large(): DiffResult {
  const list: unknown[] = [];
  for (const ns of ['alpha', 'beta', 'gamma']) {
    list.push(namespace(ns, { team: ns }));
    for (let i = 1; i <= 8; i += 1) list.push(deployment(`${ns}/app-${i}`, { app: `app-${i}` }, [{ containerPort: 8080 }, { containerPort: 9090 }]));
  }
  const candidate = objects(
    policy('alpha/deny', { podSelector: {}, policyTypes: ['Ingress'] }),
    policy('beta/same-namespace', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }),
  );
  return diffPolicies({ current: objects(...list), candidate, scenarios: [], engine: DEFAULT_ENGINE_OPTIONS });
}

export const DIFF_FIXTURES: Readonly<Record<string, () => DiffResult>> = { 'three-tier': threeTier, mixed, large };
