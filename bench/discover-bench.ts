/**
 * discover benchmark (KUBEKNOCK_BENCH_NAMESPACES=250 for 5,000 workloads): 1,000 Deployments (each with a Service) in 50 namespaces and 200 NetworkPolicies,
 * written as YAML files and run through the whole of `discover`: read, decode, find workloads, classes,
 * plan (with expectations from the engine) and the scenario text. Prints wall time, peak RSS and the plan
 * size. Run with `npm run bench:discover`. The manifests are generated deterministically, so runs compare.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { discover } from '../src/app/discover.js';
import { DEFAULT_ENGINE_OPTIONS } from '../src/policy/index.js';
import { InputError } from '../src/model/errors.js';

const NAMESPACES = Number(process.env.KUBEKNOCK_BENCH_NAMESPACES ?? 50);
const WORKLOADS_PER_NAMESPACE = 20;
const TIERS = ['front', 'back', 'db'] as const;

function namespaceDocuments(n: number): unknown[] {
  const ns = `ns-${String(n).padStart(2, '0')}`;
  const docs: unknown[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: `t${n % 5}`, env: n % 2 === 0 ? 'prod' : 'dev' } } }];
  for (let w = 0; w < WORKLOADS_PER_NAMESPACE; w += 1) {
    const name = `svc-${String(w).padStart(2, '0')}`;
    const tier = TIERS[w % 3] ?? 'front';
    const labels = { app: name, tier, ...(w % 4 === 0 ? { canary: 'true' } : {}) };
    docs.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { namespace: ns, name },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'main', image: 'example/app:1', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }] },
        },
      },
    });
    docs.push({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 'http' }] } });
  }
  const policy = (name: string, spec: unknown): unknown => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name }, spec });
  docs.push(
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('front-from-team', {
      podSelector: { matchLabels: { tier: 'front' } },
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { team: `t${n % 5}` } } }], ports: [{ port: 'http' }] },
        { from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, podSelector: { matchLabels: { tier: 'front' } } }], ports: [{ port: 8000, endPort: 8100 }] },
      ],
    }),
    policy('back-from-front', {
      podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['back', 'db'] }] },
      ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'front' } } }], ports: [{ port: 8080 }] }],
      egress: [{ to: [{ podSelector: { matchLabels: { tier: 'db' } } }], ports: [{ port: 'http' }] }],
    }),
    policy('metrics-and-dns', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 't0' } }, podSelector: { matchLabels: { canary: 'true' } } }], ports: [{ port: 'metrics' }] }],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ port: 53, protocol: 'UDP' }] }],
    }),
  );
  return docs;
}

const dir = mkdtempSync(join(tmpdir(), 'kubeknock-discover-bench-'));
try {
  for (let n = 0; n < NAMESPACES; n += 1) {
    writeFileSync(join(dir, `ns-${String(n).padStart(2, '0')}.yaml`), namespaceDocuments(n).map((doc) => stringify(doc)).join('---\n'));
  }
  const started = performance.now();
  const outcome = await discover({
    source: { type: 'files', paths: [dir], cwd: dir },
    inputs: [dir],
    selection: { namespaces: [], excludeNamespaces: [] },
    plan: { exhaustive: false, snapshot: true, externals: [], dnsName: 'kubernetes.default.svc.cluster.local.' },
    engine: DEFAULT_ENGINE_OPTIONS,
    scenarioName: 'bench',
  }).catch((error: unknown) => (error instanceof InputError ? error : Promise.reject(error)));
  const seconds = (performance.now() - started) / 1000;
  const policies = NAMESPACES * 4;
  // Past MAX_DISCOVERED_CHECKS discover refuses, after counting and before building a single check.
  const planLine =
    outcome instanceof InputError
      ? `refused: ${outcome.message}`
      : `plan: ${outcome.plan.classes.length} classes, ${outcome.plan.actors.filter((actor) => actor.probed).length} probe pods, ${outcome.plan.checks.length} checks (exhaustive: ${outcome.plan.exhaustiveChecks}); scenario ${Math.round(outcome.yaml.length / 1024)} KiB`;
  process.stdout.write(
    [
      `discover: ${NAMESPACES * WORKLOADS_PER_NAMESPACE} workloads in ${NAMESPACES} namespaces, ${policies} policies, ${NAMESPACES * WORKLOADS_PER_NAMESPACE} Services`,
      planLine,
      `time: ${seconds.toFixed(2)} s (read + decode + classes + plan + YAML)`,
      `peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
