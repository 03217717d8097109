/**
 * Reports for the HTML tests, made the way users make them: the microshop `run --discover` report from
 * the scenario `discover --snapshot` writes for examples/microshop (every check observed as the
 * policies predict, in the genuine BusyBox words of test/report/builders.ts; one failure injected
 * where a test needs one), and the three-tier diff from `kubeknock diff` itself.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutcomeClass } from '../../../src/model/outcome.js';
import type { CheckResult, RunReport } from '../../../src/model/report.js';
import { renderJson, renderJsonLines } from '../../../src/report/json.js';
import { parseScenario } from '../../../src/scenario/load.js';
import { runCli } from '../../support/cli.js';
import { check, report } from '../builders.js';

const NODES = ['kk-node-1', 'kk-node-2', 'kk-node-3'];

function sawFor(kind: string, expect: 'allow' | 'deny'): OutcomeClass {
  if (kind === 'dns') return expect === 'allow' ? 'resolved' : 'dns-unreachable';
  if (kind === 'http') return expect === 'allow' ? 'http-status' : 'timeout';
  return expect === 'allow' ? 'connected' : 'timeout';
}

/** The microshop run --discover report; `failing`: the one check (by index) that observed the opposite. */
export async function microshopReport(options: { failing?: number } = {}): Promise<RunReport> {
  const { code, stdout, stderr } = await runCli(['discover', '-f', 'examples/microshop/app.yaml', '-f', 'examples/microshop/policies.yaml', '--snapshot']);
  if (code !== 0) throw new Error(`discover failed: ${stderr}`);
  const parsed = parseScenario('discovered.yaml', stdout);
  if (!parsed.ok) throw new Error(`the discovered scenario does not load: ${parsed.issues.map((issue) => issue.message).join('; ')}`);
  const actors = [...parsed.scenario.actors.keys()];
  const checks: CheckResult[] = parsed.scenario.checks.map((planned, index) => {
    const expect = planned.expect === 'deny' ? 'deny' : 'allow';
    const observed = index === options.failing ? (expect === 'allow' ? 'deny' : 'allow') : expect;
    const saw = sawFor(planned.kind, observed);
    const fromNode = NODES[actors.indexOf(planned.from) % NODES.length] ?? 'kk-node-1';
    const toActor = actors.find((actor) => planned.toLabel.startsWith(`${actor}:`));
    return check({
      from: planned.from,
      to: planned.toLabel,
      kind: planned.kind,
      expect,
      saw: saw === 'timeout' || saw === 'dns-unreachable' ? [saw, saw] : [saw],
      overrides: {
        id: planned.id,
        name: planned.name,
        fromPod: `microshop/kk-${planned.from}-x7f2q`,
        fromNode,
        ...(toActor ? { toNode: NODES[actors.indexOf(toActor) % NODES.length] ?? 'kk-node-1' } : {}),
      },
    });
  });
  return report(checks, { scenario: { name: parsed.scenario.name, file: 'kubeknock run --discover -n microshop' }, runId: '2cf1ffdb' });
}

/** Writes the report(s) as `run -o json` would (several: JSON Lines), and returns the path. */
export function saveJson(dir: string, name: string, value: RunReport | readonly RunReport[]): string {
  const path = join(dir, name);
  writeFileSync(path, Array.isArray(value) ? renderJsonLines(value) : renderJson(value as RunReport));
  return path;
}

/**
 * A large run: ten actors of namespace free knocking on each other (90 allowed cells), where free-0 is
 * also denied by shop/web, which reaches shop/db; db → web fails. free-1 … free-9 are fully open.
 */
export function largeOpenRun(): RunReport {
  const pod = (name: string): string => `${name.startsWith('free') ? 'free' : 'shop'}/kk-${name}-x7f2q`;
  const knock = (from: string, to: string, expect: 'allow' | 'deny', saw: 'connected' | 'timeout' | 'refused') =>
    check({ from, to: `${to}:80`, expect, saw: saw === 'timeout' ? ['timeout', 'timeout'] : [saw], overrides: { fromPod: pod(from) } });
  const free = Array.from({ length: 10 }, (_, i) => `free-${i}`);
  return report([
    ...free.flatMap((from) => free.filter((to) => to !== from).map((to) => knock(from, to, 'allow', 'connected'))),
    knock('web', 'db', 'allow', 'connected'),
    knock('web', 'free-0', 'deny', 'timeout'),
    knock('db', 'web', 'allow', 'refused'),
  ]);
}
