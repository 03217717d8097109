/**
 * validateFlowsDocument: every problem at once, each with its path and the offending value.
 */
import { describe, expect, it } from 'vitest';
import { validateFlowsDocument } from '../../src/flows/validate-document.js';
import { formatPath } from '../../src/scenario/yaml-source.js';
import { obsdemoFlows } from './builders.js';

function issuesOf(data: unknown): string[] {
  const result = validateFlowsDocument(data);
  return result.ok ? [] : result.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

function edited(edit: (document: Record<string, unknown>) => void): unknown {
  const document = JSON.parse(JSON.stringify(obsdemoFlows())) as Record<string, unknown>;
  edit(document);
  return document;
}

const firstFlow = (document: Record<string, unknown>): Record<string, unknown> => (document['flows'] as Record<string, unknown>[])[0] ?? {};

describe('validateFlowsDocument', () => {
  it('accepts a document the fold writes', () => {
    expect(issuesOf(JSON.parse(JSON.stringify(obsdemoFlows())))).toEqual([]);
  });

  it.each([
    ['not an object', [1, 2], [': expected a flows document (apiVersion, kind, cluster, namespaces, window, coverage, flows) (got [1,2])']],
    ['another kind', edited((d) => void (d['kind'] = 'Scenario')), ['kind: got "Scenario": expected Flows (a flows file written by kubeknock observe)']],
    ['another apiVersion', edited((d) => void (d['apiVersion'] = 'v1')), ['apiVersion: got "v1": expected kubeknock.dev/v1alpha1 (a flows file written by kubeknock observe)']],
    ['no cluster server', edited((d) => void (d['cluster'] = {})), ['cluster.server: missing: expected a text']],
    ['a port out of range', edited((d) => void (firstFlow(d)['port'] = 70000)), ['flows[0].port: got 70000: expected a whole number from 1 to 65535']],
    ['a misspelt field', edited((d) => void (firstFlow(d)['sample'] = 3)), ['flows[0].sample: unknown field (value 3); a flow has source, destination, via, port, portName, protocol, families, firstSeen, lastSeen, samples, seenBy']],
    ['SCTP', edited((d) => void (firstFlow(d)['protocol'] = 'SCTP')), ['flows[0].protocol: got "SCTP": expected one of TCP, UDP']],
    ['a local time', edited((d) => void (firstFlow(d)['lastSeen'] = '2026-12-07 19:41')), ['flows[0].lastSeen: got "2026-12-07 19:41": expected a UTC time like "2026-12-07T10:02:11Z"']],
    ['last seen before first seen', edited((d) => void (firstFlow(d)['lastSeen'] = '2026-12-07T19:40:00Z')), ['flows[0].lastSeen: 2026-12-07T19:40:00Z is before firstSeen 2026-12-07T19:41:00Z']],
    ['no destination and no Service', edited((d) => void delete firstFlow(d)['destination']), ['flows[0].destination: missing: a flow names its destination, or the Service it went through (via)']],
    ['a party of unknown kind', edited((d) => void (firstFlow(d)['source'] = { kind: 'pod', name: 'x' })), ['flows[0].source.kind: got kind "pod": expected a party of kind workload, node or external']],
    ['a label that is a number', edited((d) => void (firstFlow(d)['source'] = { kind: 'workload', identity: 'a/x=1', namespace: 'a', labels: { x: 1 }, workloads: [] })), ['flows[0].source.labels.x: expected a text (got 1)']],
    ['no family', edited((d) => void (firstFlow(d)['families'] = [])), ['flows[0].families: an empty list: expected at least one of ipv4, ipv6']],
    ['a witness it cannot be', edited((d) => void (firstFlow(d)['seenBy'] = ['ebpf'])), ['flows[0].seenBy[0]: got "ebpf": expected one of client, server, conntrack']],
    ['zero samples', edited((d) => void (firstFlow(d)['samples'] = 0)), ['flows[0].samples: got 0: expected a whole number from 1 to 9007199254740991']],
    ['a node missing without a reason', edited((d) => void ((d['coverage'] as { nodes: unknown[] }).nodes[0] = { name: 'kk-node1', status: 'not-observed', samples: 0, conntrack: 'unreadable' })), ['coverage.nodes[0].reason: missing: a node that was not observed says why (reason)']],
    ['a window that ends before it starts', edited((d) => void ((d['window'] as Record<string, unknown>)['end'] = '2026-12-07T19:00:00Z')), ['window.end: 2026-12-07T19:00:00Z is before window.start 2026-12-07T19:41:00Z']],
    ['flows that are not a list', edited((d) => void (d['flows'] = { a: 1 })), ['flows: got {"a":1}: expected a list of flows']],
  ])('refuses %s', (_, data, expected) => {
    expect(issuesOf(data)).toEqual(expected);
  });

  it('lists every problem, not only the first', () => {
    const data = edited((d) => {
      d['kind'] = 'Flow';
      firstFlow(d)['port'] = 0;
      firstFlow(d)['protocol'] = 'tcp';
    });
    expect(issuesOf(data)).toHaveLength(3);
  });
});
