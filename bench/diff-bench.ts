/**
 * diff benchmark: 1,000 Deployments in 50 namespaces with 200 NetworkPolicies as the current state, and
 * a candidate of 20 policies (10 namespaces each get a narrower back-end rule and an egress lockdown),
 * written as YAML files and run through the whole of `kubeknock diff`: read, decode, parties, one
 * compile of both states, every cell judged twice, the changes with their responsible policies, and
 * the three renderers. Then the rollout planner on the same 20 changes. Then `diff --flows` with 10,000
 * observed flows between those workloads (written as a flows file and read back), which must stay
 * within 1.5 × the plain diff's time. Prints the times, the cell and change counts and peak RSS. Run with `npm run bench:diff`; the manifests are generated
 * deterministically, so runs compare.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { diff } from '../src/app/diff.js';
import { readManifests } from '../src/scenario/read-manifests.js';
import { decodeObjects, DEFAULT_ENGINE_OPTIONS } from '../src/policy/index.js';
import { renderDiffMarkdown, renderDiffTable } from '../src/report/verdict-diff.js';
import { writeDiffJson } from '../src/report/verdict-diff-json.js';
import { rolloutChanges } from '../src/rollout/changes.js';
import { planRollout } from '../src/rollout/plan.js';
import { readFlowsFile } from '../src/app/flows/read-flows.js';
import { renderFlowsYaml } from '../src/flows/document-yaml.js';
import type { Flow, FlowParty, FlowsDocument } from '../src/flows/types.js';

const NAMESPACES = 50;
const WORKLOADS_PER_NAMESPACE = 20;
const CHANGED_NAMESPACES = 10;
const TIERS = ['front', 'back', 'db'] as const;

const ns = (n: number): string => `ns-${String(n).padStart(2, '0')}`;
const policy = (namespace: string, name: string, spec: unknown): unknown => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec });

function currentDocuments(n: number): unknown[] {
  const namespace = ns(n);
  const docs: unknown[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { team: `t${n % 5}`, env: n % 2 === 0 ? 'prod' : 'dev' } } }];
  for (let w = 0; w < WORKLOADS_PER_NAMESPACE; w += 1) {
    const name = `svc-${String(w).padStart(2, '0')}`;
    const labels = { app: name, tier: TIERS[w % 3] ?? 'front', ...(w % 4 === 0 ? { canary: 'true' } : {}) };
    docs.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { namespace, name },
      spec: {
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'example/app:1', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }] } },
      },
    });
  }
  docs.push(
    policy(namespace, 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] }),
    policy(namespace, 'front-from-team', {
      podSelector: { matchLabels: { tier: 'front' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: `t${n % 5}` } } }], ports: [{ port: 'http' }] }],
    }),
    policy(namespace, 'back-from-front', {
      podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['back', 'db'] }] },
      ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'front' } } }, { namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: { matchLabels: { tier: 'back' } } }], ports: [{ port: 8080 }] }],
    }),
    policy(namespace, 'metrics-from-monitoring', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 't0' } }, podSelector: { matchLabels: { canary: 'true' } } }], ports: [{ port: 'metrics' }] }],
    }),
  );
  return docs;
}

function candidateDocuments(n: number): unknown[] {
  const namespace = ns(n);
  return [
    // Narrower: the cross-namespace back-end peer is dropped.
    policy(namespace, 'back-from-front', {
      podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['back', 'db'] }] },
      ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'front' } } }], ports: [{ port: 8080 }] }],
    }),
    policy(namespace, 'egress-lockdown', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: {} }] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }] },
      ],
    }),
  ];
}

const FLOWS = 10_000;

function workloadParty(n: number, w: number): FlowParty {
  const namespace = ns(n);
  const name = `svc-${String(w).padStart(2, '0')}`;
  const labels: Record<string, string> = { app: name, tier: TIERS[w % 3] ?? 'front', ...(w % 4 === 0 ? { canary: 'true' } : {}) };
  const identity = `${namespace}/${Object.keys(labels).sort().map((key) => `${key}=${labels[key] ?? ''}`).join(',')}`;
  return { kind: 'workload', identity, namespace, labels, workloads: [`Deployment ${namespace}/${name}`] };
}

/** 10,000 distinct flows, deterministic: every 7th to the metrics port, a few to addresses outside. */
function flowsDocument(): FlowsDocument {
  const flows: Flow[] = [];
  const workloads = NAMESPACES * WORKLOADS_PER_NAMESPACE;
  const party = (index: number): FlowParty => workloadParty(index % NAMESPACES, Math.floor(index / NAMESPACES) % WORKLOADS_PER_NAMESPACE);
  for (let i = 0; i < FLOWS; i += 1) {
    // Source i mod 1,000; for each source, ten different destinations (37s + 101k mod 1,000, k < 10): all distinct.
    const k = Math.floor(i / workloads);
    const destination: FlowParty = i % 97 === 0 ? { kind: 'external', address: `203.0.113.${i % 250}` } : party((37 * (i % workloads) + 101 * k) % workloads);
    const port = i % 7 === 0 ? 9090 : 8080;
    flows.push({ source: party(i % workloads), destination, port, protocol: 'TCP', families: ['ipv4'], firstSeen: '2026-12-07T10:00:00Z', lastSeen: '2026-12-07T10:59:00Z', samples: 1 + (i % 60), seenBy: ['client', 'server'] });
  }
  const unique = new Map(flows.map((flow) => [JSON.stringify([flow.source, flow.destination, flow.port]), flow]));
  return {
    apiVersion: 'kubeknock.dev/v1alpha1',
    kind: 'Flows',
    cluster: { server: 'https://bench.invalid:6443' },
    namespaces: Array.from({ length: NAMESPACES }, (_, n) => ns(n)),
    window: { start: '2026-12-07T10:00:00Z', end: '2026-12-07T11:00:00Z', intervalSeconds: 60, ended: 'completed' },
    coverage: { nodes: [{ name: 'node-1', status: 'observed', samples: 60, conntrack: 'read' }], unseen: [] },
    flows: [...unique.values()],
  };
}

const seconds = (from: number, to: number): string => ((to - from) / 1000).toFixed(2);
const root = mkdtempSync(join(tmpdir(), 'kubeknock-diff-bench-'));
try {
  const dir = join(root, 'current');
  mkdirSync(dir);
  for (let n = 0; n < NAMESPACES; n += 1) writeFileSync(join(dir, `${ns(n)}.yaml`), currentDocuments(n).map((doc) => stringify(doc)).join('---\n'));
  const candidateFile = join(root, 'candidate.yaml');
  writeFileSync(candidateFile, Array.from({ length: CHANGED_NAMESPACES }, (_, n) => candidateDocuments(n * (NAMESPACES / CHANGED_NAMESPACES))).flat().map((doc) => stringify(doc)).join('---\n'));

  const started = performance.now();
  const result = await diff({ current: { type: 'files', paths: [dir], cwd: dir }, candidate: { paths: [candidateFile], cwd: dir }, scenarios: [], engine: DEFAULT_ENGINE_OPTIONS });
  const diffed = performance.now();
  const options = { color: false, maxRows: 100 };
  const table = renderDiffTable(result, options);
  const tabled = performance.now();
  const markdown = renderDiffMarkdown(result, options);
  const markdowned = performance.now();
  let jsonBytes = 0;
  writeDiffJson(result, (text) => (jsonBytes += Buffer.byteLength(text)));
  const jsoned = performance.now();

  const current = await readManifests([dir], dir);
  const changes = rolloutChanges((await readManifests([candidateFile], dir)).objects);
  const planStarted = performance.now();
  const plan = planRollout({ current: decodeObjects(current.objects).inventory, changes, engine: DEFAULT_ENGINE_OPTIONS });
  const planned = performance.now();

  const flowsFile = join(root, 'flows.yaml');
  const document = flowsDocument();
  writeFileSync(flowsFile, renderFlowsYaml(document));
  const flowsStarted = performance.now();
  const flows = await readFlowsFile(flowsFile, { now: new Date('2026-12-07T12:00:00Z'), maxAge: '0' });
  const flowsRead = performance.now();
  const withFlows = await diff({ current: { type: 'files', paths: [dir], cwd: dir }, candidate: { paths: [candidateFile], cwd: dir }, scenarios: [], engine: DEFAULT_ENGINE_OPTIONS, flows });
  const flowsDiffed = performance.now();
  renderDiffTable(withFlows, options);
  const flowsTabled = performance.now();

  const { cut, opened, judged } = result.diff;
  process.stdout.write(
    [
      `diff: ${result.parties.length - 1} workloads in ${NAMESPACES} namespaces (+ the DNS stand-in), ${result.policies.current} current policies, candidate ${result.policies.added.length} added + ${result.policies.replaced.length} replaced`,
      `cells: ${judged} judged per state; ${cut.length} cut, ${opened.length} opened`,
      `time: diff ${seconds(started, diffed)} s (read + decode + parties + compile + judge both states + changes); table ${seconds(diffed, tabled)} s (${Math.round(table.length / 1024)} KiB), markdown ${seconds(tabled, markdowned)} s (${Math.round(markdown.length / 1024)} KiB), json ${seconds(markdowned, jsoned)} s (${Math.round(jsonBytes / 1024 / 1024)} MiB)`,
      `plan: ${changes.length} changes in ${plan.steps.length} steps${plan.reordered ? ' (reordered)' : ''}, ${seconds(planStarted, planned)} s`,
      `diff --flows: ${document.flows.length} flows (${Math.round(Buffer.byteLength(renderFlowsYaml(document)) / 1024 / 1024)} MiB of YAML) read in ${seconds(flowsStarted, flowsRead)} s; diff with flows ${seconds(flowsRead, flowsDiffed)} s, table ${seconds(flowsDiffed, flowsTabled)} s; ` +
        `${withFlows.flows?.cut.length ?? 0} cut connections carried traffic, ${withFlows.flows?.unplaced.length ?? 0} flows not placed; read + diff + table ${seconds(flowsStarted, flowsTabled)} s = ${((flowsTabled - flowsStarted) / (tabled - started)).toFixed(2)} × the plain diff + table`,
      `peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB (node ${process.versions.node})`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
