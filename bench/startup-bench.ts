/**
 * Start-up benchmark: spawns the BUILT CLI (`node bin/kubeknock …`, what a user or a pre-commit hook
 * runs) N times per command and prints the median wall time and the peak RSS against the goal. Offline
 * commands spend almost all their time loading modules, so this is the number a person feels.
 * Run `npm run build` first, then `npm run bench:startup` (or `npx tsx bench/startup-bench.ts 21`).
 * Peak RSS comes from GNU time (/usr/bin/time -f %M); without it the column says "n/a".
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = 'bin/kubeknock';
const GNU_TIME = '/usr/bin/time';

interface Case {
  readonly label: string;
  readonly args: readonly string[];
  /** Median wall time the issue asks for; undefined: measured, no goal set. */
  readonly goalMs?: number;
  /** Exit codes that mean the command did its job (lint exits 1 when it has findings). */
  readonly okCodes: readonly number[];
}

const CASES: readonly Case[] = [
  { label: '--version', args: ['--version'], goalMs: 150, okCodes: [0] },
  { label: '--help', args: ['--help'], goalMs: 150, okCodes: [0] },
  { label: 'validate scenarios/three-tier.yaml', args: ['validate', 'scenarios/three-tier.yaml'], goalMs: 400, okCodes: [0] },
  { label: 'lint -f scenarios/three-tier/', args: ['lint', '-f', 'scenarios/three-tier/'], goalMs: 400, okCodes: [0, 1] },
  {
    label: 'explain (three-tier, one pair)',
    args: ['explain', '-f', 'scenarios/three-tier/', '--from', 'shop/frontend', '--from-labels', 'app=frontend', '--to', 'shop/backend', '--to-labels', 'app=backend', '--port', '8080'],
    okCodes: [0],
  },
];

interface Sample {
  readonly ms: number;
  readonly rssKiB?: number;
}

function runOnce(args: readonly string[], okCodes: readonly number[], withTime: boolean): Sample {
  const node = [process.execPath, BIN, ...args];
  const [command, argv] = withTime ? [GNU_TIME, ['-f', 'KUBEKNOCK_BENCH_RSS %M', ...node]] : [node[0] ?? process.execPath, node.slice(1)];
  const started = process.hrtime.bigint();
  const result = spawnSync(command, argv, { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status === null || !okCodes.includes(result.status)) {
    throw new Error(`kubeknock ${args.join(' ')} exited ${String(result.status)} (signal ${String(result.signal)}):\n${result.stderr}`);
  }
  const rss = /KUBEKNOCK_BENCH_RSS (\d+)/.exec(result.stderr)?.[1];
  return rss === undefined ? { ms } : { ms, rssKiB: Number(rss) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const runs = Number(process.argv[2] ?? 11);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`the run count must be a whole number ≥ 1 (got ${process.argv[2] ?? ''})`);
if (!existsSync(new URL('../dist/cli/entry.js', import.meta.url))) throw new Error('dist/ is missing: run "npm run build" first');
const withTime = existsSync(GNU_TIME);

console.log(`kubeknock start-up, built CLI, median of ${runs} runs (Node ${process.versions.node})`);
console.log(`${'command'.padEnd(36)} ${'median'.padStart(8)} ${'goal'.padStart(8)} ${'peak RSS'.padStart(9)}  verdict`);
let missed = 0;
for (const c of CASES) {
  runOnce(c.args, c.okCodes, false); // warm the file cache; not counted
  const samples = Array.from({ length: runs }, () => runOnce(c.args, c.okCodes, withTime));
  const ms = median(samples.map((s) => s.ms));
  const rss = samples.flatMap((s) => (s.rssKiB === undefined ? [] : [s.rssKiB]));
  const rssText = rss.length > 0 ? `${(Math.max(...rss) / 1024).toFixed(0)} MiB` : 'n/a';
  const verdict = c.goalMs === undefined ? '(no goal)' : ms <= c.goalMs ? 'ok' : 'MISSED';
  if (c.goalMs !== undefined && ms > c.goalMs) missed += 1;
  console.log(`${c.label.padEnd(36)} ${`${ms.toFixed(0)} ms`.padStart(8)} ${(c.goalMs === undefined ? '-' : `${c.goalMs} ms`).padStart(8)} ${rssText.padStart(9)}  ${verdict}`);
}
// A bench reports; it does not fail a build on a busy machine. The count is there to read.
console.log(missed === 0 ? 'every goal met' : `${missed} goal(s) missed`);
