/** The graph model and its text pictures: counts, results, and labels that cannot break out of DOT or Mermaid. */
import { describe, expect, it } from 'vitest';
import { renderDot } from '../../src/report/graph/dot.js';
import { graphOfMatrix } from '../../src/report/graph/from-matrix.js';
import { graphOfRuns } from '../../src/report/graph/from-run.js';
import { renderMermaid, renderMermaidSection } from '../../src/report/graph/mermaid.js';
import type { PolicyMatrix } from '../../src/policy/index.js';
import { check, report } from './builders.js';
import { mixed, needsEscaping } from './fixtures.js';

const NASTY = 'a"b\\c]d|e<f>g&h#i;j`k\nl{m}n(o)p%%q end';

describe('graphOfRuns', () => {
  it('draws one node per party and one edge per matrix cell, each with the worst result of its checks', () => {
    const [section] = graphOfRuns([mixed]).sections;
    expect(section?.nodes.map((node) => node.label).sort()).toEqual(['api', 'backend', 'frontend', 'monitoring', 'postgres']);
    expect(section?.edges).toHaveLength(6);
    const result = (from: string, to: string): string | undefined => section?.edges.find((edge) => edge.from === `actor:${from}` && edge.to === `actor:${to}`)?.result;
    expect(result('backend', 'postgres'), 'expected allow, refused').toBe('failed-allow');
    expect(result('frontend', 'api'), 'expected deny, connected').toBe('failed-deny');
    expect(result('monitoring', 'api'), 'an exec error').toBe('error');
    expect(result('monitoring', 'postgres')).toBe('met-deny');
    expect(section?.failures, 'one line per failed check, with the raw outcome').toContain('backend → postgres:5432: expected allow, observed deny (refused: Connection refused)');
  });

  it('puts services, DNS names and external hosts on nodes of their own, with the door on the edge', () => {
    const run = report([
      check({ from: 'web', to: 'svc/shop/api:80', expect: 'allow', saw: ['connected'] }),
      check({ from: 'web', to: 'svc/shop/api:443 (ClusterIP)', expect: 'allow', saw: ['connected'] }),
      check({ from: 'web', to: 'dns:kubernetes.default.svc.cluster.local.', kind: 'dns', expect: 'allow', saw: ['resolved'] }),
      check({ from: 'web', to: 'example.com:443', expect: 'deny', saw: ['timeout'] }),
      check({ from: 'web', to: 'https://example.org/x', kind: 'http', expect: 'deny', saw: ['timeout'] }),
    ]);
    const [section] = graphOfRuns([run]).sections;
    expect(section?.nodes.map((node) => `${node.kind} ${node.label}`).sort()).toEqual(['actor web', 'dns DNS kubernetes.default.svc.cluster.local.', 'external example.com', 'external example.org', 'service svc api']);
    expect(section?.edges.map((edge) => edge.door)).toEqual(['TCP/80', 'TCP/443', 'dns', 'TCP/443', 'https 443']);
  });

  it('gives each step of a multi-step run its own section', () => {
    const step = (index: number): typeof mixed => ({ ...mixed, step: { index, count: 2, name: `s${index}`, changes: [], rounds: 1, durationMs: 1 } });
    expect(graphOfRuns([step(1), step(2)]).sections.map((section) => section.title)).toEqual(['Step 1/2: s1', 'Step 2/2: s2']);
  });
});

describe('graphOfMatrix', () => {
  it('draws look-alike pods as one class listing its members, and only allowed pairs as edges', () => {
    // web-1 and web-2 are alike (both reach db); db reaches nobody; loopback allowed as the engine says.
    const pods = ['shop/web-1', 'shop/web-2', 'shop/db'];
    const allow = [
      [1, 1, 1],
      [1, 1, 1],
      [0, 0, 1],
    ];
    const flat = Uint8Array.from(allow.flat());
    const matrix: PolicyMatrix = { port: 5432, protocol: 'TCP', pods, egress: flat, ingress: flat };
    const [section] = graphOfMatrix(matrix).sections;
    expect(section?.nodes.map((node) => [node.label, node.members])).toEqual([
      ['web-1 +1', ['shop/web-1', 'shop/web-2']],
      ['db', []],
    ]);
    expect(section?.edges.map((edge) => `${edge.from}->${edge.to}`)).toEqual(['c0->c0', 'c0->c1']);
  });

  it('caps the edges and counts the rest', () => {
    const n = 4;
    const pods = Array.from({ length: n }, (_, i) => `ns${i}/p`);
    const all = new Uint8Array(n * n).fill(1);
    const [section] = graphOfMatrix({ port: 80, protocol: 'TCP', pods, egress: all, ingress: all }, 5).sections;
    expect(section?.edges).toHaveLength(5);
    expect(section?.omittedEdges).toBe(12 - 5);
  });
});

/** The text left once every double-quoted string is removed: what the parser reads as syntax. */
function syntax(text: string): string {
  return text.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
}

describe('renderDot', () => {
  it('keeps every label inside its quotes: escaped quotes and backslashes, no raw newline', () => {
    const run = report([check({ from: NASTY, to: `${NASTY}:80`, expect: 'allow', saw: ['refused'] })]);
    const dot = renderDot(graphOfRuns([run, needsEscaping]));
    for (const line of syntax(dot).split('\n')) {
      expect(line, 'outside strings only DOT syntax and generated ids').toMatch(/^(\s*(digraph kubeknock\d+ \{|\}|label="";|labelloc=t;|rankdir=LR;|node \[.*\];|edge \[.*\];|subgraph cluster_\d+ \{|style=""; color="";|n\d+ \[label="", shape=\w+\];|n\d+ -> n\d+ \[label="", color="", fontcolor="", penwidth=[\d.]+, style=\w+, tooltip=""\];))?$/);
    }
    expect(dot).toContain('label="a\\"b\\\\c]d|e<f>g&h#i;j`k l{m}n(o)p%%q end"');
  });
});

describe('renderMermaid', () => {
  it('writes every label as entities outside a small safe set, so none can close a bracket or start a directive', () => {
    const run = report([check({ from: NASTY, to: `${NASTY}:80`, expect: 'allow', saw: ['refused'] })]);
    const text = renderMermaid(graphOfRuns([run, needsEscaping]).sections);
    const labels = text.match(/"[^"\n]*"/g) ?? [];
    expect(labels.length).toBeGreaterThan(4);
    for (const label of labels) expect(label, 'a label holds safe characters and #NN; entities only').toMatch(/^"([A-Za-z0-9 ._:/,+=@()-]|#\d+;)*"$/);
    for (const line of syntax(text).split('\n')) {
      expect(line).toMatch(/^(flowchart LR|\s+subgraph g\d+\[""\]|\s+end|\s+n\d+(\[""\]|\(\[""\]\)|\[\(""\)\]|\{\{""\}\})|\s+n\d+ -->\|""\| n\d+|\s+linkStyle \d+ stroke:#[0-9a-f]{6},stroke-width:[\d.]+px(,stroke-dasharray:4 3)?|\s+more\[""\]|)$/);
    }
    expect(text).toContain('#60;f#62;g#38;h#35;i#59;j');
  });

  it('draws at most maxEdges edges, only their nodes, and says how many more there are', () => {
    const [section] = graphOfRuns([mixed]).sections;
    const text = renderMermaidSection(section ?? { title: '', nodes: [], edges: [], summary: [], failures: [], notes: [], omittedEdges: 0 }, { maxEdges: 2, connectedOnly: true });
    expect(text.match(/-->/g)).toHaveLength(2);
    expect(text).toContain('more[\"… 4 more connections not drawn\"]'.replace('…', '#8230;'));
  });
});
