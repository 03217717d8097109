/**
 * Live benchmark of multi-step runs: a 10-step sequence of policy states over the same 9 actors
 * (ports 80 and 81, every actor to every other: 144 checks per step, all `expect: policy`), run once
 * as one multi-step scenario (pods kept, each step = change + settle + probes), beside one fresh
 * `kubeknock run` per state (new pods every time). Prints the time of every step next to its fresh run.
 *
 *   npm run bench:steps -- [--image IMG] [--pull-policy Never] [--fresh=false]
 *
 * Uses the current kubeconfig (KUBECONFIG); creates and removes the namespace kubeknock-bench-steps
 * and writes its journal to a temporary file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import type { RunReport } from '../src/model/report.js';

const { values } = parseArgs({
  options: {
    image: { type: 'string', default: 'docker.io/library/busybox:1.35.0' },
    'pull-policy': { type: 'string', default: 'Never' },
    fresh: { type: 'boolean', default: true },
  },
});
const NS = 'kubeknock-bench-steps';
const ACTORS = Array.from({ length: 9 }, (_, i) => `n${i + 1}`);
const tierOf = (i: number) => (i < 3 ? 'front' : i < 6 ? 'back' : 'data');

type Policy = { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: unknown };
const policy = (name: string, spec: unknown): Policy => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: NS }, spec });
const denyIngress = policy('deny-all-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
const frontToBack = (ports: number[]) => policy('allow-front-to-back', { podSelector: { matchLabels: { tier: 'back' } }, ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'front' } } }], ports: ports.map((port) => ({ port })) }] });
const toData = (tiers: string[]) => policy('allow-to-data', { podSelector: { matchLabels: { tier: 'data' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: tiers }] } }], ports: [{ port: 81 }] }] });
const frontEgress = policy('front-egress-to-back', { podSelector: { matchLabels: { tier: 'front' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { tier: 'back' } } }] }] });

/** The ten states, each as a name and the policies it holds. */
const STATES: { name: string; policies: Policy[] }[] = [
  { name: 'no policy', policies: [] },
  { name: 'deny all ingress', policies: [denyIngress] },
  { name: 'front → back:80', policies: [denyIngress, frontToBack([80])] },
  { name: 'front → back:80,81 (changed in place)', policies: [denyIngress, frontToBack([80, 81])] },
  { name: 'back → data:81', policies: [denyIngress, frontToBack([80, 81]), toData(['back'])] },
  { name: 'back, front → data:81 (changed in place)', policies: [denyIngress, frontToBack([80, 81]), toData(['back', 'front'])] },
  { name: 'front may only call back', policies: [denyIngress, frontToBack([80, 81]), toData(['back', 'front']), frontEgress] },
  { name: 'ingress deny removed', policies: [frontToBack([80, 81]), toData(['back', 'front']), frontEgress] },
  { name: 'front → back:81 only (changed in place)', policies: [frontToBack([81]), toData(['back', 'front']), frontEgress] },
  { name: 'all removed', policies: [] },
];

const header = (extra: string) => `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: steps-bench}
spec:
  defaults: {timeoutSeconds: 2, attempts: 3, settleSeconds: 2, concurrency: 9, pod: {image: "${values.image}", imagePullPolicy: ${values['pull-policy']}}}
  actors:
${ACTORS.map((a, i) => `    ${a}: {namespace: ${NS}, labels: {app: ${a}, tier: ${tierOf(i)}}, listen: [80, 81]}`).join('\n')}
  checks:
${ACTORS.map((from) => `    - {from: ${from}, to: [${ACTORS.filter((to) => to !== from).flatMap((to) => [`${to}:80`, `${to}:81`]).join(', ')}], expect: policy}`).join('\n')}
${extra}`;

function stepsYaml(): string {
  const steps = STATES.map((state, i) => {
    const before = i === 0 ? [] : (STATES[i - 1]?.policies ?? []);
    const names = new Set(state.policies.map((p) => p.metadata.name));
    const removed = before.filter((p) => !names.has(p.metadata.name)).map((p) => ({ kind: 'NetworkPolicy', namespace: NS, name: p.metadata.name }));
    const changed = state.policies.filter((p) => JSON.stringify(before.find((b) => b.metadata.name === p.metadata.name)) !== JSON.stringify(p));
    return { name: state.name, ...(changed.length > 0 ? { apply: changed } : {}), ...(removed.length > 0 ? { delete: removed } : {}) };
  });
  return header(`  steps:\n${stringify(steps).replace(/^/gm, '    ')}`);
}

const dir = mkdtempSync(join(tmpdir(), 'kk-steps-bench-'));
const bin = join(import.meta.dirname, '..', 'bin', 'kubeknock');
const kubectl = (args: string[], input?: string) => execFileSync('kubectl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });

function kubeknock(args: string[]): { reports: RunReport[]; code: number | null; stderr: string } {
  const run = spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, CI: 'true' }, maxBuffer: 64 << 20 });
  // One report is one JSON document; several are JSON Lines.
  const text = run.stdout.trim();
  const reports = text.includes('\n{') && !text.startsWith('{\n') ? text.split('\n').map((l) => JSON.parse(l) as RunReport) : text ? [JSON.parse(text) as RunReport] : [];
  return { reports, code: run.status, stderr: run.stderr };
}

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)}s`);

try {
  kubectl(['create', 'namespace', NS]);
  const stepsFile = join(dir, 'steps.yaml');
  writeFileSync(stepsFile, stepsYaml());
  const started = Date.now();
  const stepped = kubeknock(['run', stepsFile, '--yes', '--journal', join(dir, 'journal.json'), '-o', 'json']);
  const wall = Date.now() - started;
  if (stepped.reports.length !== STATES.length) throw new Error(`the multi-step run gave ${stepped.reports.length} reports (exit ${stepped.code}):\n${stepped.stderr}`);

  const fresh: (number | undefined)[] = [];
  if (values.fresh) {
    const freshFile = join(dir, 'fresh.yaml');
    writeFileSync(freshFile, header(''));
    for (const state of STATES) {
      kubectl(['delete', 'networkpolicies', '--all', '-n', NS]);
      if (state.policies.length > 0) kubectl(['apply', '-f', '-'], state.policies.map((p) => stringify(p)).join('---\n'));
      fresh.push(kubeknock(['run', freshFile, '-o', 'json']).reports[0]?.durationMs);
    }
  }

  console.log(`10-step sequence, 9 actors, ports 80 and 81: ${stepped.reports[0]?.summary.total ?? 0} checks per step (exit ${stepped.code})`);
  console.log(`step  state                                       checks passed  step time  enforced after  rounds  fresh run`);
  for (const [i, report] of stepped.reports.entries()) {
    const state = STATES[i]?.name ?? '';
    console.log(
      `${String(i + 1).padStart(4)}  ${state.padEnd(42)}  ${`${report.summary.passed}/${report.summary.total}`.padStart(13)}  ${seconds(report.step?.durationMs).padStart(9)}  ${seconds(report.step?.enforcedAfterMs).padStart(14)}  ${String(report.step?.rounds ?? 0).padStart(6)}  ${seconds(fresh[i]).padStart(9)}`,
    );
  }
  const steps = stepped.reports.map((r) => r.step?.durationMs ?? 0);
  const mean = steps.reduce((a, b) => a + b, 0) / steps.length;
  const freshKnown = fresh.filter((f): f is number => f !== undefined);
  console.log(`mean step ${seconds(mean)}, slowest ${seconds(Math.max(...steps))}; whole multi-step run ${seconds(wall)} (pods started once: ${seconds(stepped.reports[0]?.podStartMs)})`);
  if (freshKnown.length > 0) console.log(`mean fresh run per state ${seconds(freshKnown.reduce((a, b) => a + b, 0) / freshKnown.length)}; all ${freshKnown.length}: ${seconds(freshKnown.reduce((a, b) => a + b, 0))}`);
} finally {
  try {
    kubectl(['delete', 'namespace', NS, '--wait=true']);
  } catch {
    // Already gone.
  }
  rmSync(dir, { recursive: true, force: true });
}
