/**
 * The flows file: golden YAML and JSON (the exact text is the spec; after an intended change run
 * `UPDATE_GOLDEN=1 npx vitest run --config test/vitest.config.ts test/flows` and review the diff),
 * deterministic whatever order the fold hands over, and read back to the same document.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { canonicalFlowsDocument, renderFlowsJson, renderFlowsYaml } from '../../src/flows/document-yaml.js';
import { validateFlowsDocument } from '../../src/flows/validate-document.js';
import type { FlowsDocument } from '../../src/flows/types.js';
import { obsdemoFlows, workload, flow } from './builders.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

function golden(name: string, actual: string): void {
  const path = fileURLToPath(new URL(`../fixtures/flows/${name}`, import.meta.url));
  if (UPDATE) writeFileSync(path, actual);
  expect(existsSync(path), `golden file ${path} should exist (create it with UPDATE_GOLDEN=1)`).toBe(true);
  expect(actual, `the rendering should equal ${path}`).toBe(readFileSync(path, 'utf8'));
}

const INTERRUPTED: FlowsDocument = obsdemoFlows({
  window: { start: '2026-12-07T23:59:30Z', end: '2026-12-08T00:00:20Z', intervalSeconds: 10, ended: 'interrupted' },
  coverage: {
    nodes: [
      { name: 'kk-node1', status: 'observed', samples: 5, conntrack: 'unreadable' },
      { name: 'kk-node2', status: 'not-observed', reason: 'collector pod ImagePullBackOff: image busybox:1.37.0 not present', samples: 0, conntrack: 'unreadable' },
    ],
    unseen: ['obsdemo/metrics-agent: hostNetwork'],
  },
  flows: [flow(workload('obsdemo', 'backend'), { kind: 'external', address: '203.0.113.9' }, 443, { samples: 1, firstSeen: '2026-12-08T00:00:10Z', lastSeen: '2026-12-08T00:00:10Z', seenBy: ['client'] }), flow(workload('obsdemo', 'web'), undefined, 5432, { via: { namespace: 'obsdemo', name: 'pg', port: 5432 }, seenBy: ['client'], firstSeen: '2026-12-07T23:59:40Z', lastSeen: '2026-12-08T00:00:10Z' })],
});

describe('renderFlowsYaml', () => {
  it('writes the header, the coverage and a commented block per flow (golden: valid-obsdemo.yaml)', () => {
    golden('valid-obsdemo.yaml', renderFlowsYaml(obsdemoFlows()));
  });

  it('names the nodes that did not answer with their reason, the unseen pods and an interrupted window (golden: valid-interrupted.yaml)', () => {
    const text = renderFlowsYaml(INTERRUPTED);
    golden('valid-interrupted.yaml', text);
    expect(text).toContain('#       kk-node2: collector pod ImagePullBackOff: image busybox:1.37.0 not present');
    expect(text).toContain('interrupted before its end (Ctrl-C)');
    expect(text).toContain('(on kk-node1, conntrack was unreadable: every such connection)');
  });

  it('comments each flow with how often, when and by whom it was seen', () => {
    const text = renderFlowsYaml(obsdemoFlows());
    expect(text).toContain('  # seen 12 times, 19:41:00–19:41:55, by client and server (IPv4 and IPv6)\n  - source: {kind: workload, identity: "obsdemo/app=backend"');
    expect(text).toContain('  # seen 9 times, 19:41:05–19:41:50, by conntrack (IPv4)');
  });

  it('is deterministic: the same flows in another order, and labels in another order, give the same bytes', () => {
    const document = obsdemoFlows();
    const shuffled: FlowsDocument = {
      ...document,
      flows: [...document.flows].reverse().map((f) => ({ ...f, families: [...f.families].reverse(), seenBy: [...f.seenBy].reverse() })),
      coverage: { ...document.coverage, nodes: [...document.coverage.nodes].reverse() },
    };
    expect(renderFlowsYaml(shuffled)).toBe(renderFlowsYaml(document));
    expect(renderFlowsJson(shuffled)).toBe(renderFlowsJson(document));
  });

  it.each([
    ['the obsdemo capture', obsdemoFlows()],
    ['an interrupted window with an unknown backend and an external address', INTERRUPTED],
    ['labels YAML would read as other types', obsdemoFlows({ flows: [flow({ kind: 'workload', identity: 'a/x=true,y=1', namespace: 'a', labels: { y: '1', x: 'true', 'app.kubernetes.io/name': 'a: b' }, workloads: ['Deployment a/x'] }, { kind: 'node', name: 'no' }, 10250)] })],
  ])('reads back as the same document, from YAML and from JSON: %s', (_, document) => {
    const expected = canonicalFlowsDocument(document);
    for (const data of [parse(renderFlowsYaml(document)) as unknown, JSON.parse(renderFlowsJson(document)) as unknown]) {
      const result = validateFlowsDocument(data);
      expect(result.ok ? [] : result.issues, 'the rendering should validate').toEqual([]);
      if (result.ok) expect(canonicalFlowsDocument(result.document)).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });
});

describe('renderFlowsJson', () => {
  it('writes the same data as JSON, keys in the YAML order (golden: valid-obsdemo.json)', () => {
    golden('valid-obsdemo.json', renderFlowsJson(obsdemoFlows()));
  });
});
