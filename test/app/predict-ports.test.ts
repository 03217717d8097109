/** predict: several ports in one run, and --declared-ports (each destination's own container ports). */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const INPUT = ['-f', 'scenarios/three-tier/policies.yaml', '-f', 'test/policy/fixtures/shop-workloads.yaml'];

describe('kubeknock predict with several ports', () => {
  it('--port 8080 --port 5432 and --port 8080,5432 print one table per port, in that order', async () => {
    const repeated = await runCli(['predict', ...INPUT, '--port', '8080', '--port', '5432']);
    const listed = await runCli(['predict', ...INPUT, '--port', '8080,5432']);
    expect(repeated.code).toBe(0);
    expect(repeated.stdout, 'both forms print the same').toBe(listed.stdout);
    expect([...repeated.stdout.matchAll(/from \\ to {2}\((TCP\/\d+)\)/g)].map((m) => m[1])).toEqual(['TCP/8080', 'TCP/5432']);
  });

  it('-o json with several ports is still exactly one object: {"tables":[…]}', async () => {
    const { code, stdout } = await runCli(['predict', ...INPUT, '--port', '8080,5432', '-o', 'json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { tables: { port: number; results: unknown[] }[] };
    expect(parsed.tables.map((table) => [table.port, table.results.length])).toEqual([
      [8080, 16],
      [5432, 16],
    ]);
  });

  it('--declared-ports judges each declared port towards the pods declaring it only', async () => {
    const { code, stdout } = await runCli(['predict', ...INPUT, '--declared-ports', '-o', 'json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { tables: { port: number; results: { from: string; to: string; verdict: string }[] }[] };
    const postgres = parsed.tables.find((table) => table.port === 5432);
    expect([...new Set(postgres?.results.map((result) => result.to))], '5432 is judged towards the database only').toEqual(['shop/database']);
    expect(postgres?.results.find((result) => result.from === 'shop/backend')?.verdict, 'backend reaches the database on 5432').toBe('allow');
    const table = await runCli(['predict', ...INPUT, '--declared-ports']);
    expect(table.stdout, 'the table marks the columns that do not declare the port').toContain('· the destination does not declare this port (--declared-ports)');
  });

  it('refuses a port that is not a number, quoting it, and --declared-ports together with --port: exit 2', async () => {
    const bad = await runCli(['predict', ...INPUT, '--port', '80,x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port must be a whole number from 1 to 65535, or a list of them (--port 80,443) (got "x")');
    const both = await runCli(['predict', ...INPUT, '--declared-ports', '--port', '80']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give one of them');
  });
});
