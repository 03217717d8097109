/**
 * Live benchmark of the runner against the current cluster: a generated N×M scenario (half the
 * targets behind a deny-all ingress policy) run twice — batched (one exec per probe pod) and as the
 * naive one-exec-per-check baseline — with wall time, pod start, probe phase, exec and API request
 * counts side by side.
 *
 *   npm run bench:live -- --sources 10 --targets 10 [--timeout 2] [--image IMG [--image-pull-policy Never]] [--kubeconfig F] [--context C]
 *
 * A cluster that cannot pull (the test cluster) needs the image it has imported, with pull policy Never.
 *
 * It creates (and removes) the namespace `kubeknock-bench` and one NetworkPolicy in it.
 */
import { parseArgs } from 'node:util';
import { CoreV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import { loadKubeConfig } from '../src/cluster/kubeconfig.js';
import { createKubeCluster } from '../src/cluster/kube-cluster.js';
import { assertNever } from '../src/model/assert-never.js';
import type { CheckResult, RunReport } from '../src/model/report.js';
import { systemClock } from '../src/probe/clock.js';
import { preflight } from '../src/probe/preflight.js';
import { runScenario } from '../src/probe/runner.js';
import { batchBudgetMs } from '../src/probe/run-limits.js';
import { parseScenario } from '../src/scenario/load.js';

const { values } = parseArgs({
  options: {
    sources: { type: 'string', default: '10' },
    targets: { type: 'string', default: '10' },
    timeout: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '16' },
    image: { type: 'string' },
    'image-pull-policy': { type: 'string', default: 'IfNotPresent' },
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    namespace: { type: 'string', default: 'kubeknock-bench' },
  },
});
const sources = Number(values.sources);
const targets = Number(values.targets);
const namespace = values.namespace;

function scenarioYaml(): string {
  const actors: string[] = [];
  for (let i = 1; i <= sources; i += 1) actors.push(`    s${i}: {namespace: ${namespace}, labels: {bench-role: source}}`);
  const open: string[] = [];
  const closed: string[] = [];
  for (let j = 1; j <= targets; j += 1) {
    const role = j % 2 === 1 ? 'open' : 'closed';
    actors.push(`    t${j}: {namespace: ${namespace}, labels: {bench-role: ${role}}, listen: [8080]}`);
    (role === 'open' ? open : closed).push(`t${j}:8080`);
  }
  const from = Array.from({ length: sources }, (_, i) => `s${i + 1}`).join(', ');
  return `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: bench-${sources}x${targets}}
spec:
  defaults:
    timeoutSeconds: ${Number(values.timeout)}
    attempts: 1
    settleSeconds: 2
    concurrency: ${Number(values.concurrency)}
    pod: {${values.image ? `image: "${values.image}", imagePullPolicy: ${values['image-pull-policy']}` : ''}}
  actors:
${actors.join('\n')}
  checks:
    - {name: open, from: [${from}], to: [${open.join(', ')}], expect: allow}
${closed.length ? `    - {name: closed, from: [${from}], to: [${closed.join(', ')}], expect: deny}\n` : ''}`;
}

async function main(): Promise<void> {
  const loaded = loadKubeConfig({ ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}), ...(values.context ? { context: values.context } : {}), env: process.env });
  const core = loaded.kc.makeApiClient(CoreV1Api);
  const net = loaded.kc.makeApiClient(NetworkingV1Api);
  const parsed = parseScenario('bench.yaml', scenarioYaml());
  if (!parsed.ok) throw new Error(`generated scenario is invalid: ${JSON.stringify(parsed.issues)}`);
  const scenario = parsed.scenario;

  const existed = await core.readNamespace({ name: namespace }).then(() => true, () => false);
  if (!existed) await core.createNamespace({ body: { metadata: { name: namespace, labels: { 'app.kubernetes.io/managed-by': 'kubeknock-bench' } } } });
  await net.createNamespacedNetworkPolicy({
    namespace,
    body: { metadata: { name: 'bench-closed' }, spec: { podSelector: { matchLabels: { 'bench-role': 'closed' } }, policyTypes: ['Ingress'] } },
  });
  const results: { label: string; report: RunReport; wallMs: number }[] = [];
  try {
    for (const [label, probesPerExec] of [['batched', undefined], ['one exec per check', 1]] as const) {
      const cluster = createKubeCluster(loaded);
      const facts = await preflight(scenario, cluster);
      const started = Date.now();
      // The runner's own limit per exec: a probe phase far above rounds × this means execs waited for a slot.
      process.stderr.write(`bench: ${label}: ${sources}×${targets} = ${scenario.checks.length} checks, each exec given ${batchBudgetMs(scenario.checks) / 1000}s…\n`);
      const report = await runScenario(scenario, cluster, {
        runId: `bench-${Date.now().toString(36)}`,
        clusterDomain: 'cluster.local',
        keep: false,
        progress: { step: (t) => process.stderr.write(`bench:   ${t}\n`), update: () => undefined, failed: () => undefined },
        clock: systemClock,
        toolVersion: 'bench',
        facts,
        ...(probesPerExec ? { probesPerExec } : {}),
      });
      results.push({ label, report, wallMs: Date.now() - started });
      if (report.errors.length) throw new Error(`${label} run failed: ${report.errors.map((e) => e.message).join('; ')}`);
    }
  } finally {
    await net.deleteNamespacedNetworkPolicy({ name: 'bench-closed', namespace }).catch(() => undefined);
    if (!existed) {
      // Wait until it is gone: the next bench would find it Terminating and unable to take pods.
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
      for (let i = 0; i < 240 && (await core.readNamespace({ name: namespace }).then(() => true, () => false)); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
  printTable(results);
  for (const { label, report } of results) {
    const failed = report.checks.filter((c) => c.status !== 'pass');
    if (failed.length === 0) continue;
    const byOutcome = new Map<string, number>();
    for (const c of failed) {
      const key = `expected ${c.expect}, got ${notMet(c)}`;
      byOutcome.set(key, (byOutcome.get(key) ?? 0) + 1);
    }
    process.stdout.write(`${label}: ${failed.length} check(s) not met: ${[...byOutcome].map(([k, n]) => `${n}× ${k}`).join('; ')}\n`);
    const sample = failed[0];
    if (sample) process.stdout.write(`  e.g. ${sample.name}: ${sample.command ?? ''}\n  ${(sample.attempts.at(-1)?.output ?? '').trim().split('\n').join('\n  ')}\n`);
  }
}

/** What a check that did not pass saw: its raw outcome (with the reason of an exec-error), or that it never ran. */
function notMet(check: CheckResult): string {
  switch (check.status) {
    case 'pass':
    case 'fail':
      return check.outcome.class === 'exec-error' ? `exec-error (${check.outcome.detail})` : check.outcome.class;
    case 'skipped':
      return 'skipped';
    default:
      return assertNever(check, 'check result');
  }
}

function printTable(results: { label: string; report: RunReport; wallMs: number }[]): void {
  const [batched, baseline] = results;
  if (!batched || !baseline) return;
  const s = (ms: number | undefined): string => (ms === undefined ? '-' : (ms / 1000).toFixed(1));
  const ratio = (a: number | undefined, b: number | undefined): string => (a && b ? (b / a).toFixed(2) : '-');
  const rows: [string, string, string, string][] = [
    ['wall time (s)', s(batched.wallMs), s(baseline.wallMs), ratio(batched.wallMs, baseline.wallMs)],
    ['pod start (s)', s(batched.report.podStartMs), s(baseline.report.podStartMs), ratio(batched.report.podStartMs, baseline.report.podStartMs)],
    ['probe phase (s)', s(batched.report.probeMs), s(baseline.report.probeMs), ratio(batched.report.probeMs, baseline.report.probeMs)],
    ['teardown (s)', s(batched.report.teardownMs), s(baseline.report.teardownMs), ratio(batched.report.teardownMs, baseline.report.teardownMs)],
    ['execs', String(batched.report.stats.execs), String(baseline.report.stats.execs), ratio(batched.report.stats.execs, baseline.report.stats.execs)],
    ['API requests', String(batched.report.stats.apiRequests), String(baseline.report.stats.apiRequests), ratio(batched.report.stats.apiRequests, baseline.report.stats.apiRequests)],
    ['checks passed', `${batched.report.summary.passed}/${batched.report.summary.total}`, `${baseline.report.summary.passed}/${baseline.report.summary.total}`, ''],
  ];
  const header: [string, string, string, string] = [`${sources}×${targets}, timeout ${values.timeout}s`, 'batched', 'one exec per check', 'baseline/batched'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
