/**
 * The same-node / cross-node breakdown and the one-line finding, in every format; and its absence
 * where it would be noise (one node, a report without nodes).
 */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { nodeBreakdown, nodeClassOf } from '../../src/model/node-breakdown.js';
import type { CheckResult } from '../../src/model/report.js';
import { renderReport, type ReportFormat } from '../../src/report/format.js';
import { checkNodesText, nodeFinding } from '../../src/report/node-text.js';
import { check, report } from './builders.js';
import { crossNodeOnly, mixed } from './fixtures.js';

const at = (fromNode: string | undefined, toNode: string | undefined) => ({ ...(fromNode ? { fromNode } : {}), ...(toNode ? { toNode } : {}) });
const pass = (from: string, to: string | undefined, n = 'x'): CheckResult => check({ from: n, to: `t${Math.random()}:80`, expect: 'allow', saw: ['connected'], overrides: at(from, to) });
const fail = (from: string, to: string | undefined): CheckResult => check({ from: 'x', to: `t${Math.random()}:80`, expect: 'allow', saw: ['timeout'], overrides: at(from, to) });
const skip = (from: string, to: string | undefined): CheckResult => check({ from: 'x', to: 't:80', expect: 'allow', skipped: 'interrupted', overrides: at(from, to) });

function finding(checks: readonly CheckResult[]): string | undefined {
  const breakdown = nodeBreakdown(checks);
  return breakdown === undefined ? undefined : nodeFinding(breakdown, checks);
}

describe('nodeClassOf and nodeBreakdown', () => {
  it('classes a check by its two ends', () => {
    expect([nodeClassOf(at('n1', 'n1')), nodeClassOf(at('n1', 'n2')), nodeClassOf(at('n1', undefined)), nodeClassOf(at(undefined, undefined))]).toEqual([
      'same-node',
      'cross-node',
      'no-pod-target',
      'no-pod-target',
    ]);
  });

  it('counts checks, passed, failed and skipped per class, and lists the nodes that took part', () => {
    expect(nodeBreakdown([pass('n1', 'n1'), fail('n2', 'n1'), pass('n3', 'n1'), skip('n1', 'n2'), pass('n2', undefined)])).toEqual({
      nodes: ['n1', 'n2', 'n3'],
      sameNode: { checks: 1, passed: 1, failed: 0, skipped: 0 },
      crossNode: { checks: 3, passed: 1, failed: 1, skipped: 1 },
      noPodTarget: { checks: 1, passed: 1, failed: 0, skipped: 0 },
      failuresOnly: 'cross-node',
    });
  });

  it.each([
    { name: 'one node', checks: [pass('n1', 'n1'), fail('n1', 'n1')] },
    { name: 'no nodes at all (a report from before placement)', checks: [pass('', ''), fail('', '')] },
  ])('has none with $name', ({ checks }) => {
    expect(nodeBreakdown(checks)).toBeUndefined();
  });
});

describe('the one-line finding', () => {
  it.each([
    { name: 'all failures cross-node', checks: [pass('n1', 'n1'), fail('n1', 'n2'), fail('n2', 'n1'), fail('n1', 'n2')], text: 'all 3 failures are cross-node (n1 → n2, n2 → n1); every same-node check passed' },
    { name: 'one failure', checks: [pass('n1', 'n1'), fail('n1', 'n2')], text: 'the only failure is cross-node (n1 → n2); every same-node check passed' },
    { name: 'all failures same-node', checks: [fail('n1', 'n1'), fail('n2', 'n2'), pass('n1', 'n2')], text: 'both failures are same-node (on n1, n2); every cross-node check passed' },
    { name: 'the other class has skips', checks: [fail('n1', 'n2'), pass('n1', 'n1'), skip('n2', 'n2')], text: 'the only failure is cross-node (n1 → n2); no same-node check failed (1 passed, 1 skipped)' },
    {
      name: 'many node pairs',
      checks: [pass('n1', 'n1'), fail('a', 'b'), fail('b', 'c'), fail('c', 'd'), fail('d', 'e'), fail('e', 'a')],
      text: 'all 5 failures are cross-node (a → b, b → c, c → d, and 2 more); every same-node check passed',
    },
  ])('$name', ({ checks, text }) => {
    expect(finding(checks)).toBe(text);
  });

  it.each([
    { name: 'failures in both classes', checks: [fail('n1', 'n1'), fail('n1', 'n2'), pass('n1', 'n1')] },
    { name: 'no check of the other class passed', checks: [fail('n1', 'n2'), skip('n1', 'n1')] },
    { name: 'a failure with no pod target', checks: [fail('n1', 'n2'), fail('n1', undefined), pass('n1', 'n1')] },
    { name: 'no failure', checks: [pass('n1', 'n2'), pass('n1', 'n1')] },
  ])('says nothing when $name', ({ checks }) => {
    expect(finding(checks)).toBeUndefined();
  });
});

describe('the breakdown in every format', () => {
  it('JUnit: properties with the nodes, the counts and the finding; the failure body names the nodes', () => {
    const xml = renderReport('junit', crossNodeOnly, { color: false });
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
      testsuites: { testsuite: { properties: { property: { name: string; value: string }[] }; testcase: { failure?: { '#text': string } }[] } };
    };
    const properties = Object.fromEntries(doc.testsuites.testsuite.properties.property.map((p) => [p.name, p.value]));
    expect(properties).toMatchObject({
      nodes: 'kk-node1, kk-node2, kk-node3',
      'nodes.same-node': '1 check: 1 passed, 0 failed',
      'nodes.cross-node': '3 checks: 1 passed, 2 failed',
      'nodes.no-pod-target': '1 check: 1 passed, 0 failed',
      'nodes.finding': 'both failures are cross-node (kk-node2 → kk-node1, kk-node3 → kk-node1); every same-node check passed',
    });
    expect(doc.testsuites.testsuite.testcase.flatMap((c) => (c.failure ? [c.failure['#text']] : []))[0]).toContain('nodes: kk-node2 → kk-node1 (cross-node)');
  });

  it('TAP: comments after the summary, and from_node/to_node in the diagnostics', () => {
    const tap = renderReport('tap', crossNodeOnly, { color: false });
    expect(tap).toContain(
      [
        '# 3 nodes took part: kk-node1, kk-node2, kk-node3',
        '# same-node: 1 check: 1 passed, 0 failed',
        '# cross-node: 3 checks: 1 passed, 2 failed',
        '# no pod target: 1 check: 1 passed, 0 failed',
        '# both failures are cross-node (kk-node2 → kk-node1, kk-node3 → kk-node1); every same-node check passed',
      ].join('\n'),
    );
    expect(tap).toContain('  from_node: kk-node2\n');
    expect(tap).toContain('  to_node: kk-node1\n');
  });

  it('JSON: both nodes on every check, in their place', () => {
    const json = JSON.parse(renderReport('json', crossNodeOnly, { color: false })) as { checks: Record<string, unknown>[] };
    expect(json.checks.map((c) => [c['fromNode'], c['toNode']])).toEqual([
      ['kk-node1', 'kk-node1'],
      ['kk-node2', 'kk-node1'],
      ['kk-node3', 'kk-node1'],
      ['kk-node2', 'kk-node1'],
      ['kk-node1', undefined],
    ]);
  });

  const oneNode = report(mixed.checks.map((c) => ({ ...c, fromNode: 'kk-node', toNode: 'kk-node' })));
  it.each(['table', 'markdown', 'junit', 'tap'] as ReportFormat[])('%s: no breakdown on one node, and only the failure details say where', (format) => {
    const text = renderReport(format, oneNode, { color: false, width: 120 });
    expect(text).not.toMatch(/took part|same-node:|### Nodes|Nodes \(|nodes\.same-node/);
    const without = renderReport(format, mixed, { color: false, width: 120 });
    // Take the nodes lines out, and the report is the one without nodes: nothing else moved.
    expect(text.split('\n').filter((line) => !/kk-node/.test(line)).join('\n')).toBe(without);
  });

  it('checkNodesText: both ends, or the source alone when the target is no pod', () => {
    expect([checkNodesText(pass('n1', 'n2')), checkNodesText(pass('n1', undefined)), checkNodesText(check({ from: 'a', to: 'b:1', expect: 'allow', saw: ['connected'] }))]).toEqual([
      'n1 → n2 (cross-node)',
      'n1 → (no pod target)',
      undefined,
    ]);
  });
});
