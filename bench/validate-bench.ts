/**
 * Scenario validation benchmark: a scenario with N actors (each one listening, each one checked
 * against the next), parsed and validated by the same code `kubeknock validate` runs. Prints the
 * time per size; linear validation keeps the per-actor time flat as N grows. It calls the stages behind
 * the 1 MiB file-size cap, which a 32k-actor file is far past.
 * Run with `npm run bench:validate` (or `npx tsx bench/validate-bench.ts 1000 8000 32000`).
 */
import { checkScenarioText } from '../src/scenario/load.js';

function scenarioText(actors: number): string {
  const lines = ['apiVersion: kubeknock.dev/v1alpha1', 'kind: Scenario', 'metadata: {name: bench}', 'spec:', '  actors:'];
  for (let i = 0; i < actors; i += 1) lines.push(`    a${i}: {namespace: ns${i % 50}, labels: {app: a${i}, tier: t${i % 3}}, listen: [8080]}`);
  lines.push('  checks:');
  for (let i = 0; i < actors; i += 1) lines.push(`    - {from: a${i}, to: "a${(i + 1) % actors}:8080", expect: allow}`);
  return `${lines.join('\n')}\n`;
}

const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 1);
for (const actors of sizes.length > 0 ? sizes : [1000, 8000, 32000]) {
  const text = scenarioText(actors);
  const started = process.hrtime.bigint();
  const result = checkScenarioText('bench.yaml', text);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!result.ok) throw new Error(`the generated scenario must be valid: ${result.issues[0]?.message ?? ''}`);
  const kib = Math.round(Buffer.byteLength(text) / 1024);
  console.log(`${String(actors).padStart(6)} actors, ${String(result.scenario.checks.length).padStart(6)} checks, ${String(kib).padStart(5)} KiB: ${(ms / 1000).toFixed(2)} s (${((ms * 1000) / actors).toFixed(0)} µs per actor)`);
}
