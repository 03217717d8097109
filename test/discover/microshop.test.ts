/** `kubeknock discover` on the microshop example: a scenario validate accepts, and a snapshot that equals predict. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { predict } from '../../src/app/predict.js';
import type { Scenario } from '../../src/model/scenario.js';
import { DEFAULT_ENGINE_OPTIONS, matrixCell } from '../../src/policy/index.js';
import { parseScenario } from '../../src/scenario/load.js';
import { REPO, runCli } from '../support/cli.js';

const MICROSHOP = ['-f', 'examples/microshop/app.yaml', '-f', 'examples/microshop/policies.yaml'];
const scratch = mkdtempSync(join(tmpdir(), 'kk-discover-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function discovered(extra: string[] = []): Promise<{ text: string; scenario: Scenario; stderr: string }> {
  const { code, stdout, stderr } = await runCli(['discover', ...MICROSHOP, ...extra]);
  expect(code, `discover should exit 0 (stderr: ${stderr})`).toBe(0);
  const parsed = parseScenario('discovered.yaml', stdout);
  if (!parsed.ok) throw new Error(`validate refused the discovered scenario:\n${parsed.issues.map((i) => `${i.line}: ${i.path}: ${i.message}`).join('\n')}`);
  return { text: stdout, scenario: parsed.scenario, stderr };
}

interface AppObject {
  kind: string;
  metadata: { name: string };
  spec: { ports?: { port: number }[]; template?: { spec: { containers: { ports: { containerPort: number; name?: string }[] }[] } } };
}
const appObjects = (readFileSync(join(REPO, 'examples/microshop/app.yaml'), 'utf8').split(/^---$/m).map((doc) => parse(doc) as AppObject));

describe('kubeknock discover on examples/microshop', () => {
  it('prints a scenario validate accepts, with one actor per Deployment, listening on its ports with their names', async () => {
    const { scenario, stderr } = await discovered(['--exhaustive']);
    expect(stderr, 'exhaustive still reports the classes it did not use').toMatch(/→ 12 identities, 11 classes\nplan: 12 probe pods, 288 checks \(exhaustive\)/);
    const deployments = appObjects.filter((o) => o.kind === 'Deployment');
    expect(deployments, 'the fixture is a dozen Deployments').toHaveLength(12);
    for (const deployment of deployments) {
      const actor = scenario.actors.get(`microshop-${deployment.metadata.name}`);
      expect(actor, `an actor for Deployment ${deployment.metadata.name}`).toBeDefined();
      const declared = deployment.spec.template?.spec.containers.flatMap((c) => c.ports.map((p) => ({ port: p.containerPort, protocol: 'TCP', ...(p.name ? { name: p.name } : {}) })));
      expect(actor?.listen, `${deployment.metadata.name} listens on its declared ports, names kept`).toEqual(declared);
    }
  });

  it('knocks on every Service port by DNS name, from every actor, and resolves DNS from each', async () => {
    const { scenario } = await discovered(['--exhaustive']);
    const services = appObjects.filter((o) => o.kind === 'Service');
    for (const from of scenario.actors.keys()) {
      for (const service of services) {
        for (const { port } of service.spec.ports ?? []) {
          const found = scenario.checks.some((c) => c.from === from && c.to.type === 'service' && c.to.name === service.metadata.name && c.to.port === port && c.to.via === 'dns');
          expect(found, `${from} → Service ${service.metadata.name}:${port}`).toBe(true);
        }
      }
      expect(scenario.checks.filter((c) => c.from === from && c.kind === 'dns'), `one DNS check from ${from}`).toHaveLength(1);
    }
  });

  it('--snapshot freezes exactly the verdicts predict gives, cell by cell', async () => {
    const { scenario } = await discovered(['--snapshot', '--exhaustive']);
    const actorChecks = scenario.checks.filter((c) => c.to.type === 'actor');
    expect(actorChecks, '12 × 11 ordered pairs, one port each').toHaveLength(132);
    const ports = [...new Set(actorChecks.map((c) => (c.to.type === 'actor' ? c.to.port : 0)))];
    for (const port of ports) {
      const [matrix] = await predict({ source: { type: 'files', paths: ['examples/microshop/app.yaml', 'examples/microshop/policies.yaml'], cwd: REPO }, ports: { type: 'given', ports: [port], protocol: 'TCP' }, engine: DEFAULT_ENGINE_OPTIONS });
      if (!matrix) throw new Error(`predict gave no table for port ${port}`);
      for (const check of actorChecks) {
        if (check.to.type !== 'actor' || check.to.port !== port) continue;
        const from = matrix.pods.indexOf(`microshop/${check.from.replace(/^microshop-/, '')}`);
        const to = matrix.pods.indexOf(`microshop/${check.to.actor.replace(/^microshop-/, '')}`);
        expect(from >= 0 && to >= 0, `${check.name}: both ends are predict rows`).toBe(true);
        expect(check.expect, `${check.name} on ${port}`).toBe(matrixCell(matrix, from, to).verdict);
      }
    }
    const allowed = actorChecks.filter((c) => c.expect === 'allow').map((c) => c.name);
    expect(allowed, 'the chain the policies draw, and nothing else').toEqual([
      'microshop-cart → microshop-cart-cache:6379',
      'microshop-catalog → microshop-catalog-db:5432',
      'microshop-checkout → microshop-orders:8080',
      'microshop-checkout → microshop-payments:8443',
      'microshop-frontend → microshop-gateway:8080',
      'microshop-gateway → microshop-cart:8080',
      'microshop-gateway → microshop-catalog:8080',
      'microshop-gateway → microshop-checkout:8080',
      'microshop-orders → microshop-emails:8080',
      'microshop-orders → microshop-notifications:8080',
      'microshop-orders → microshop-orders-db:5432',
    ]);
  });

  it('probes one pair per class pair: emails and notifications share a class, the other ten are alone', async () => {
    const { scenario, text, stderr } = await discovered();
    expect(text).toContain('#   class 6: microshop-emails (Deployment microshop/emails); microshop-notifications (Deployment microshop/notifications)');
    const toWorkers = scenario.checks.filter((c) => c.from === 'microshop-orders' && c.to.type === 'actor' && /emails|notifications/.test(c.to.actor));
    expect(toWorkers.map((c) => c.name), 'one representative for the two workers').toEqual(['microshop-orders → microshop-emails:8080']);
    expect(text).toMatch(/- \{from: microshop-orders, to: microshop-emails:8080, expect: policy\} {2}# covers 2 cells/);
    expect(scenario.checks.some((c) => c.from === 'microshop-emails' && c.to.type === 'actor' && c.to.actor === 'microshop-notifications'), 'the class with two members is probed within itself').toBe(true);
    expect(stderr).toMatch(/discover: 12 workloads in 1 namespace → 12 identities, 11 classes/);
    expect(stderr).toMatch(/plan: 12 probe pods, 243 checks \(exhaustive: 288 checks, 12 pods\)/);
    expect(stderr, '12 pods fit one exec round; some expect a deny, so it costs one timeout').toContain('estimated time: about 9 s (pod start 5 s + settle 2 s + 1 exec round × 2 s');
  });

  it('is deterministic, and -o FILE writes the same text', async () => {
    const first = await runCli(['discover', ...MICROSHOP, '--snapshot']);
    const file = join(scratch, 'baseline.yaml');
    const second = await runCli(['discover', ...MICROSHOP, '--snapshot', '-o', file]);
    expect(second.code).toBe(0);
    expect(second.stdout, 'nothing on stdout with -o').toBe('');
    expect(readFileSync(file, 'utf8'), 'same input, same bytes').toBe(first.stdout);
    const validated = await runCli(['validate', file]);
    expect(validated.code, validated.stderr).toBe(0);
    const reversed = await runCli(['discover', '-f', 'examples/microshop/policies.yaml', '-f', 'examples/microshop/app.yaml', '--snapshot']);
    const body = (text: string): string => text.slice(text.indexOf('apiVersion:'));
    expect(body(reversed.stdout), 'the order of the input files changes nothing but the header').toBe(body(first.stdout));
  });
});
