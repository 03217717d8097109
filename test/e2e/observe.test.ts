/**
 * `kubeknock observe` on the three-node dual-stack cluster, with the seed's story running: backend
 * queries postgres over IPv4 (Service postgres), analytics — the workload nobody knew about — over IPv6
 * (Service postgres-v6), the frontend calls the backend, and reporting never talks to anyone. Observe
 * must find exactly that, on every node, and leave no collector behind on any path: the end of the
 * window, Ctrl-C, SIGKILL of the CLI (then `cleanup` sweeps), and a node that cannot be observed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flow, FlowsDocument } from '../../src/flows/types.js';
import { IMAGE, REPO, kubeknock, kubectl, managedPods } from './cluster.js';

export const STORY_NS = 'kk-e2e-story';
const COLLECTOR_NS = 'kk-e2e-collector';
const APP = readFileSync(`${REPO}test/e2e/fixtures/flows-story/app.yaml`, 'utf8').replaceAll('BUSYBOX', IMAGE);
const scratch = mkdtempSync(join(tmpdir(), 'kk-e2e-observe-'));
const common = ['-n', STORY_NS, '--collector-namespace', COLLECTOR_NS, '--image', IMAGE, '--image-pull-policy', 'Never', '--yes'];

beforeAll(async () => {
  await kubectl(['create', 'namespace', STORY_NS]);
  // baseline: the story's pods run as busybox's root, and a hostPID collector is refused here.
  await kubectl(['label', 'namespace', STORY_NS, 'pod-security.kubernetes.io/enforce=baseline']);
  await kubectl(['create', 'namespace', COLLECTOR_NS]);
  await kubectl(['label', 'namespace', COLLECTOR_NS, 'pod-security.kubernetes.io/enforce=privileged']);
  await kubectl(['apply', '-n', STORY_NS, '-f', '-'], APP);
  await kubectl(['wait', '--for=condition=Available', 'deployment', '--all', '-n', STORY_NS, '--timeout=180s']);
}, 240_000);

afterAll(async () => {
  await kubectl(['delete', 'node', 'kk-ghost', '--ignore-not-found']).catch(() => undefined);
  await kubectl(['delete', 'namespace', STORY_NS, COLLECTOR_NS, '--timeout=180s']).catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
}, 240_000);

const app = (flowParty: Flow['source'] | undefined): string | undefined => (flowParty?.kind === 'workload' ? flowParty.labels['app'] : undefined);
const collectors = async (): Promise<string[]> => (await managedPods()).filter((pod) => pod.startsWith(`${COLLECTOR_NS}/`));

describe('observe', () => {
  it('finds backend → postgres, analytics → postgres and frontend → backend on every node, and nothing that did not happen', async () => {
    const file = join(scratch, 'flows.yaml');
    const run = await kubeknock(['observe', ...common, '--for', '60s', '--interval', '5', '-o', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('observe plan:');
    expect(run.stderr).toContain('hostPID');
    expect(run.stderr).toMatch(/observing: \d+ s left, \d+ flow\(s\) so far, 3\/3 node\(s\) answering/);
    const document = parse(readFileSync(file, 'utf8')) as FlowsDocument;
    expect(document.window.ended).toBe('completed');
    expect(document.coverage.nodes.map((node) => `${node.name} ${node.status} ${node.conntrack}`)).toEqual(['kk-node1 observed read', 'kk-node2 observed read', 'kk-node3 observed read']);
    const inStory = document.flows.filter((flow) => flow.source.kind === 'workload' && flow.source.namespace === STORY_NS && flow.destination?.kind === 'workload' && flow.destination.namespace === STORY_NS);
    const lines = inStory.map((flow) => `${app(flow.source)} → ${app(flow.destination)}:${flow.port}/${flow.protocol}`).sort();
    expect(lines).toEqual(['analytics → postgres:5432/TCP', 'backend → postgres:5432/TCP', 'frontend → backend:8080/TCP']);
    const byLine = (line: string): Flow => inStory.find((flow) => `${app(flow.source)} → ${app(flow.destination)}:${flow.port}/${flow.protocol}` === line)!;
    expect(byLine('backend → postgres:5432/TCP').families).toContain('ipv4');
    expect(byLine('analytics → postgres:5432/TCP').families).toContain('ipv6');
    expect(byLine('analytics → postgres:5432/TCP').via?.name).toBe('postgres-v6');
    expect(byLine('backend → postgres:5432/TCP').portName).toBe('pg');
    // Clients connect every 2 s and the window has 12 samples per node: each flow was seen repeatedly.
    for (const flow of inStory) expect(flow.samples, JSON.stringify(flow)).toBeGreaterThanOrEqual(3);
    // DNS: the story's clients resolve Service names through CoreDNS.
    expect(document.flows.some((flow) => app(flow.source) === 'backend' && flow.destination?.kind === 'workload' && flow.destination.namespace === 'kube-system' && flow.port === 53)).toBe(true);
    // reporting never talks; postgres never calls out.
    expect(document.flows.filter((flow) => app(flow.source) === 'reporting' || (app(flow.source) === 'postgres' && flow.source.kind === 'workload' && flow.source.namespace === STORY_NS))).toEqual([]);
    expect(await collectors()).toEqual([]);
  }, 300_000);

  it('Ctrl-C ends the window early, still writes what was seen, and removes the collectors', async () => {
    const file = join(scratch, 'interrupted.yaml');
    let sent = false;
    const run = await kubeknock(['observe', ...common, '--for', '10m', '--interval', '3', '-o', file], {
      onStderr: (text, child) => {
        // After two samples, so something was seen.
        if (!sent && (text.match(/observing: /g) ?? []).length >= 2) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain('interrupted: the window ends now');
    const document = parse(readFileSync(file, 'utf8')) as FlowsDocument;
    expect(document.window.ended).toBe('interrupted');
    expect(document.flows.some((flow) => app(flow.source) === 'backend' && app(flow.destination) === 'postgres')).toBe(true);
    expect(await collectors()).toEqual([]);
  }, 300_000);

  it('after SIGKILL of the CLI the collectors are left, and cleanup removes them', async () => {
    let killed = false;
    const run = await kubeknock(['observe', ...common, '--for', '10m', '--interval', '3', '-o', join(scratch, 'killed.yaml')], {
      onStderr: (text, child) => {
        if (!killed && text.includes('observing: ')) {
          killed = true;
          child.kill('SIGKILL');
        }
      },
    });
    expect(run.signal).toBe('SIGKILL');
    expect((await collectors()).length).toBe(3);
    const cleanup = await kubeknock(['cleanup', '-n', COLLECTOR_NS]);
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect(await collectors()).toEqual([]);
  }, 300_000);

  it('names a node that cannot be observed, observes the others, and leaves nothing behind', async () => {
    // A node object with no kubelet behind it: never Ready, as a node that is down.
    await kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: Node\nmetadata:\n  name: kk-ghost\n');
    try {
      const file = join(scratch, 'ghost.yaml');
      const run = await kubeknock(['observe', ...common, '--for', '6s', '--interval', '3', '-o', file]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/node kk-ghost is not observed: .*not Ready/);
      const document = parse(readFileSync(file, 'utf8')) as FlowsDocument;
      const ghost = document.coverage.nodes.find((node) => node.name === 'kk-ghost');
      expect(ghost?.status).toBe('not-observed');
      expect(ghost?.reason).toMatch(/not Ready/);
      expect(document.coverage.nodes.filter((node) => node.status === 'observed').map((node) => node.name)).toEqual(['kk-node1', 'kk-node2', 'kk-node3']);
      expect(readFileSync(file, 'utf8')).toMatch(/kk-ghost.*not Ready/);
    } finally {
      await kubectl(['delete', 'node', 'kk-ghost', '--ignore-not-found']);
    }
    expect(await collectors()).toEqual([]);
  }, 300_000);

  it('refuses a collector namespace whose Pod Security forbids hostPID, before creating anything', async () => {
    const run = await kubeknock(['observe', '-n', STORY_NS, '--collector-namespace', STORY_NS, '--image', IMAGE, '--image-pull-policy', 'Never', '--yes', '--for', '5s']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/would not be admitted in namespace kk-e2e-story: .*hostPID/);
    expect(run.stderr).toContain('nothing was created');
    expect(await managedPods()).toEqual([]);
  }, 120_000);
});
