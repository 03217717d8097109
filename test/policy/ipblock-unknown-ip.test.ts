/**
 * One rule for ipBlock peers and pod IPs in every command: a pod whose IP the input gives is judged
 * against the block (Calico, the default, matches pod IPs); a cell only an ipBlock could decide, for a
 * pod without a known IP, is unknown: predict shows `?`, explain says the IP is unknown, discover
 * --snapshot leaves it out with a note, diff counts it apart. Never a guessed deny.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileInventory, explainConnection, resolveEndpoint, type Endpoint } from '../../src/policy/index.js';
import { inventoryOf, namespace, pod, policy } from './builders.js';
import { runCli } from '../support/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kk-ipblock-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
};

const podYaml = (name: string, ip?: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop, labels: {app: ${name}}}
spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
${ip === undefined ? '' : `status: {podIP: ${ip}}\n`}`;
const EGRESS_ANYWHERE = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-anywhere, namespace: shop}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
`;
// a and b have IPs; c has none.
const PODS = [podYaml('a', '10.244.0.5'), podYaml('b', '10.244.0.6'), podYaml('c')].join('---\n');
const INPUT = write('input.yaml', `${PODS}---\n${EGRESS_ANYWHERE}`);

describe('the engine', () => {
  const objects = [
    namespace('shop'),
    pod('shop/a', { labels: { app: 'a' }, ip: '10.244.0.5' }),
    pod('shop/b', { labels: { app: 'b' }, ip: '10.244.0.6' }),
    pod('shop/c', { labels: { app: 'c' } }),
    policy('shop/egress-anywhere', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }),
  ];
  const verdict = (to: string, ipBlockMatchesPods = true): string => {
    const compiled = compileInventory(inventoryOf(objects), { ipBlockMatchesPods });
    const endpoint = (text: string): Endpoint => resolveEndpoint(compiled, text) as Endpoint;
    return explainConnection(compiled, { from: endpoint('shop/a'), to: endpoint(to), port: 80, protocol: 'TCP' }).verdict;
  };

  it('judges a pod with a known IP against the block, and a pod without one as unknown', () => {
    expect(verdict('shop/b'), 'b has 10.244.0.6, inside 0.0.0.0/0').toBe('allow');
    expect(verdict('shop/c'), 'c has no IP: only the ipBlock could admit it').toBe('unknown');
  });

  it('with --no-ipblock-matches-pods an ipBlock never matches a pod: deny for sure, IP or not', () => {
    expect(verdict('shop/b', false)).toBe('deny');
    expect(verdict('shop/c', false)).toBe('deny');
  });
});

describe('every command follows the same rule', () => {
  it('predict: allow where the IP is known, `?` (json: unknown) where it is not', async () => {
    const json = await runCli(['predict', '-f', INPUT, '--port', '80', '-o', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const cells = (JSON.parse(json.stdout) as { results: { from: string; to: string; verdict: string; egress: string }[] }).results;
    const cell = (from: string, to: string) => cells.find((c) => c.from === from && c.to === to);
    expect(cell('shop/a', 'shop/b')?.verdict).toBe('allow');
    expect(cell('shop/a', 'shop/c')).toMatchObject({ verdict: 'unknown', egress: 'unknown' });
    const table = await runCli(['predict', '-f', INPUT, '--port', '80']);
    expect(table.stdout).toMatch(/│ shop\/a +│ ✓ ↺ +│ ✓ +│ \? +│/);
    expect(table.stdout).toContain("? unknown: only an ipBlock could decide and a pod's IP is not in the input");
  });

  it('explain: allow for a pod with an IP; for one without, says its IP is unknown instead of "peer did not match"', async () => {
    const known = await runCli(['explain', '-f', INPUT, '--from', 'shop/a', '--to', 'shop/b', '--port', '80']);
    expect(known.stdout).toContain('shop/a → shop/b TCP/80: ALLOW');
    const unknown = await runCli(['explain', '-f', INPUT, '--from', 'shop/a', '--to', 'shop/c', '--port', '80']);
    expect(unknown.stdout).toContain('shop/a → shop/c TCP/80: UNKNOWN');
    expect(unknown.stdout).toContain('the IP of shop/c is unknown');
    expect(unknown.stdout).toContain('? shop/egress-anywhere spec.egress[0]: admits ipBlock 0.0.0.0/0');
    expect(unknown.stdout).not.toContain('peer did not');
  });

  it('discover --snapshot freezes no guess for a cell an ipBlock decides: it leaves it out with a note', async () => {
    const { code, stdout, stderr } = await runCli(['discover', '-f', INPUT, '--snapshot', '--exhaustive']);
    expect(code, stderr).toBe(0);
    expect(stdout, 'a → b is decided by the ipBlock: no frozen deny').not.toMatch(/from: shop-a, to: shop-b:80, expect: deny/);
    expect(stdout).toContain("shop-a → shop-b:80: an ipBlock rule decides it, and a probe pod's IP is known only at run time");
    expect(stdout, 'the cells no ipBlock decides are still frozen').toContain('- {from: shop-b, to: shop-c:80, expect: allow}');
    const policyMode = await runCli(['discover', '-f', INPUT, '--exhaustive']);
    expect(policyMode.stdout, 'without --snapshot it is judged at run time').toContain('- {from: shop-a, to: shop-b:80, expect: policy}');
  });

  it('diff: a cell only an ipBlock decides is counted unknown, not reported as cut', async () => {
    const current = write('current.yaml', `${PODS}---\n${EGRESS_ANYWHERE.replace('egress-anywhere', 'a-to-b').replace('{ipBlock: {cidr: 0.0.0.0/0}}', '{podSelector: {matchLabels: {app: b}}}')}`);
    const candidate = write('candidate.yaml', EGRESS_ANYWHERE.replace('egress-anywhere', 'a-to-b'));
    const { code, stdout, stderr } = await runCli(['diff', '-f', current, '--to', candidate, '-o', 'json']);
    expect(code, stderr).toBe(0);
    const parsed = JSON.parse(stdout) as { summary: { cut: number; unknown?: number } };
    expect(parsed.summary.cut, 'a → b is not known to be cut: 0.0.0.0/0 holds every IPv4 pod on Calico').toBe(0);
    expect(parsed.summary.unknown).toBeGreaterThan(0);
  });
});
