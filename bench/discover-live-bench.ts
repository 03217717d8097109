/**
 * Live benchmark of zero-YAML runs (`run --discover`) against the current cluster, with the built CLI
 * run as a process the way a user runs it.
 *
 *   npm run bench:discover-live -- [--app microshop|classes] [--image IMG] [--kubeconfig F]
 *
 * - `microshop`: deploys examples/microshop (12 busybox Deployments with Services and policies),
 *   runs `run --discover -n microshop` and prints wall time beside the goal 2 × (pod start + timeout).
 * - `classes`: 200 workloads in 20 namespaces whose policies give about 15 classes. The Deployments
 *   have `replicas: 0`: discovery reads pod templates, and the probe pods (not the workloads) are what
 *   a run knocks on, so the cluster need not run 200 real pods. Prints classes, probe pods and checks
 *   beside the exhaustive count, and the wall time (goal: under 3 minutes).
 *
 * It creates the namespaces it needs (`microshop`, or `kk-bench-disc-01…20`) and deletes them after.
 * kubectl comes from $KUBECTL, the test cluster's build cache, or PATH.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { RunReport } from '../src/model/report.js';

const { values } = parseArgs({
  options: {
    app: { type: 'string', default: 'microshop' },
    image: { type: 'string', default: 'docker.io/library/busybox:1.35.0' },
    kubeconfig: { type: 'string' },
  },
});
const REPO = new URL('..', import.meta.url).pathname;
const kubeconfig = values.kubeconfig ?? process.env['KUBECONFIG'] ?? `${REPO}test/cluster/.state/kubeconfig`;

function kubectlPath(): string {
  if (process.env['KUBECTL']) return process.env['KUBECTL'];
  const cache = `${process.env['KUBEKNOCK_CACHE'] ?? '/var/cache/kubeknock'}/bin`;
  const built = existsSync(cache) ? readdirSync(cache).filter((d) => d.startsWith('kubernetes-')).map((d) => `${cache}/${d}/kubectl`).find(existsSync) : undefined;
  return built ?? 'kubectl';
}

function kubectl(args: readonly string[], input?: string): string {
  const result = spawnSync(kubectlPath(), ['--kubeconfig', kubeconfig, ...args], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

interface Timed {
  readonly report: RunReport;
  readonly stderr: string;
  readonly wallMs: number;
}

function runDiscover(namespaces: readonly string[]): Promise<Timed> {
  const started = Date.now();
  const args = ['run', '--discover', ...namespaces.flatMap((ns) => ['-n', ns]), '--image', values.image, '--image-pull-policy', 'IfNotPresent', '-o', 'json', '--max-pods', '1000', '--max-checks', '100000'];
  return new Promise((resolve, reject) => {
    const child = spawn(`${REPO}bin/kubeknock`, args, { env: { ...process.env, KUBECONFIG: kubeconfig, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      if (code !== 0 && code !== 1) return reject(new Error(`run --discover exited ${code}: ${stderr}`));
      resolve({ report: JSON.parse(stdout) as RunReport, stderr, wallMs: Date.now() - started });
    });
  });
}

const seconds = (ms: number | undefined): string => (ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`);
const planLines = (stderr: string): string[] => stderr.split('\n').filter((line) => /kubeknock: (discover|plan|estimated time):/.test(line));

function printRun(name: string, timed: Timed): void {
  const { report } = timed;
  console.log(`${name}: ${report.summary.total} checks, ${report.summary.passed} passed, ${report.summary.failed} failed`);
  for (const line of planLines(timed.stderr)) console.log(`  ${line.replace(/^kubeknock: /, '')}`);
  console.log(`  wall ${seconds(timed.wallMs)} (run ${seconds(report.durationMs)}: pod start ${seconds(report.podStartMs)}, probes ${seconds(report.probeMs)}, teardown ${seconds(report.teardownMs)})`);
  for (const check of report.checks.filter((c) => c.status === 'fail')) console.log(`  failed: ${check.from} → ${check.to}`);
}

async function waitNamespaceGone(namespace: string): Promise<void> {
  kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=true', '--timeout=300s']);
}

async function microshop(): Promise<void> {
  kubectl(['apply', '-f', `${REPO}examples/microshop/app.yaml`]);
  kubectl(['apply', '-f', `${REPO}examples/microshop/policies.yaml`]);
  kubectl(['wait', '--for=condition=Available', 'deployment', '--all', '-n', 'microshop', '--timeout=180s']);
  try {
    const timed = await runDiscover(['microshop']);
    printRun('microshop', timed);
    const timeoutMs = 2000;
    const goal = 2 * ((timed.report.podStartMs ?? 0) + timeoutMs);
    console.log(`  goal 2 × (pod start + one ${timeoutMs / 1000} s timeout) = ${seconds(goal)}: ${timed.report.durationMs <= goal ? 'met' : 'missed'} by the run (${seconds(timed.report.durationMs)})`);
  } finally {
    await waitNamespaceGone('microshop');
  }
}

const CLASS_NAMESPACES = 20;
const PER_NAMESPACE = 10;
const TIERS = ['web', 'api', 'db'] as const;
/** The locked-down namespaces: two per zone. */
const LOCKED = new Set([1, 2, CLASS_NAMESPACES / 2 + 1, CLASS_NAMESPACES / 2 + 2]);

/**
 * 20 namespaces, zone=public for the first half, private for the rest; 10 Deployments each, tiers
 * web/api/db. Four of them (two per zone) are locked down: a default deny, web open to the public
 * zone, api from web, db from api: three classes each. The rest have no policy, so their workloads
 * differ only in the peer they match (the public zone or not): 14 classes in all.
 */
function classesManifests(): { namespaces: string[]; yaml: string } {
  const docs: string[] = [];
  const namespaces: string[] = [];
  for (let n = 1; n <= CLASS_NAMESPACES; n += 1) {
    const ns = `kk-bench-disc-${String(n).padStart(2, '0')}`;
    namespaces.push(ns);
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}, labels: {zone: ${n <= CLASS_NAMESPACES / 2 ? 'public' : 'private'}}}`);
    for (let w = 1; w <= PER_NAMESPACE; w += 1) {
      const tier = TIERS[w % TIERS.length] ?? 'web';
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: svc-${w}, namespace: ${ns}}
spec:
  replicas: 0
  selector: {matchLabels: {app: svc-${w}}}
  template:
    metadata: {labels: {app: svc-${w}, tier: ${tier}}}
    spec:
      containers: [{name: main, image: ${values.image}, command: [sleep, '3600'], ports: [{containerPort: 8080, name: http}]}]`);
    }
    if (LOCKED.has(n)) {
      docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny, namespace: ${ns}}\nspec: {podSelector: {}, policyTypes: [Ingress]}`);
      docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {tier: web}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {zone: public}}}], ports: [{port: http}]}]`);
      docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {tier: api}}
  ingress: [{from: [{podSelector: {matchLabels: {tier: web}}}], ports: [{port: 8080}]}]`);
      docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {tier: db}}
  ingress: [{from: [{podSelector: {matchLabels: {tier: api}}}], ports: [{port: 8080}]}]`);
    }
  }
  return { namespaces, yaml: `${docs.join('\n---\n')}\n` };
}

async function classes(): Promise<void> {
  const { namespaces, yaml } = classesManifests();
  kubectl(['apply', '-f', '-'], yaml);
  try {
    const timed = await runDiscover(namespaces);
    printRun(`classes (${CLASS_NAMESPACES * PER_NAMESPACE} workloads in ${CLASS_NAMESPACES} namespaces)`, timed);
    console.log(`  goal under 3 minutes: ${timed.wallMs < 180_000 ? 'met' : 'missed'} (${seconds(timed.wallMs)})`);
  } finally {
    for (const ns of namespaces) kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']);
    for (const ns of namespaces) await waitNamespaceGone(ns);
  }
}

if (values.app === 'microshop') await microshop();
else if (values.app === 'classes') await classes();
else throw new Error(`--app ${values.app}: choose microshop or classes`);
