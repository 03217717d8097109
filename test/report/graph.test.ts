/** The graph model and its text pictures: counts, results, and labels that cannot break out of DOT or Mermaid. */
import { describe, expect, it } from 'vitest';
import { collapseOpen } from '../../src/report/graph/collapse-open.js';
import { renderDot } from '../../src/report/graph/dot.js';
import { graphOfDiff } from '../../src/report/graph/from-diff.js';
import { graphOfMatrix } from '../../src/report/graph/from-matrix.js';
import { graphOfRuns } from '../../src/report/graph/from-run.js';
import { renderMermaid, renderMermaidSection } from '../../src/report/graph/mermaid.js';
import { edgeStyle } from '../../src/report/graph/style.js';
import type { PolicyMatrix } from '../../src/policy/index.js';
import { renderReports } from '../../src/report/format.js';
import type { RunReport } from '../../src/model/report.js';
import { check, report } from './builders.js';
import { DIFF_FIXTURES } from './diff-fixtures.js';
import { largeOpenRun } from './html/fixtures.js';
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

  it('marks a class fully open only when every cell from and to it is allowed', () => {
    // open/a reaches and is reached by everyone; shop/db is reached by nobody but shop/web.
    const pods = ['open/a', 'shop/web', 'shop/db'];
    const allow = [
      [1, 1, 0],
      [1, 1, 1],
      [1, 0, 1],
    ];
    const flat = Uint8Array.from(allow.flat());
    const [section] = graphOfMatrix({ port: 80, protocol: 'TCP', pods, egress: flat, ingress: flat }).sections;
    expect(section?.nodes.map((node) => `${node.label} ${node.fullyOpen === true}`)).toEqual(['a false', 'web false', 'db false']);
    const open = Uint8Array.from([1, 1, 1, 1, 1, 0, 1, 0, 1]);
    const [opened] = graphOfMatrix({ port: 80, protocol: 'TCP', pods, egress: open, ingress: open }).sections;
    expect(opened?.nodes.map((node) => `${node.label} ${node.fullyOpen === true}`), 'open/a: its row and column all allowed').toEqual(['a true', 'web false', 'db false']);
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

describe('collapseOpen', () => {
  it('folds the workloads whose every edge is allowed into one node per namespace, merging their edges and leaving the rest alone', () => {
    const [section] = graphOfRuns([largeOpenRun()]).sections;
    if (!section) throw new Error('no section');
    expect(section.edges).toHaveLength(93);
    expect(section.nodes.filter((node) => node.fullyOpen).map((node) => node.label).sort(), 'free-0 is denied by web; web and db have a deny or a failure').toEqual(Array.from({ length: 9 }, (_, i) => `free-${i + 1}`));
    const view = collapseOpen(section);
    expect(view, 'nine fully open workloads in one namespace').toBeDefined();
    const group = view?.nodes.find((node) => node.id === 'open:free');
    expect(group?.label).toBe('9 fully open workloads');
    expect(group?.members, 'its members listed in its details').toEqual(Array.from({ length: 9 }, (_, i) => `free/free-${i + 1}`));
    expect(view?.nodes.map((node) => node.id).sort()).toEqual(['actor:db', 'actor:free-0', 'actor:web', 'open:free']);
    const edges = view?.edges.map((edge) => `${edge.from}->${edge.to} ${edge.result} ${edge.checks.length}`).sort();
    expect(edges, 'edges merged by endpoints and result, every check kept').toEqual([
      'actor:db->actor:web failed-allow 1',
      'actor:free-0->open:free met-allow 9',
      'actor:web->actor:db met-allow 1',
      'actor:web->actor:free-0 met-deny 1',
      'open:free->actor:free-0 met-allow 9',
      'open:free->open:free met-allow 72',
    ]);
    const failing = section.edges.find((edge) => edge.result === 'failed-allow');
    expect(view?.edges.find((edge) => edge.result === 'failed-allow')?.id, 'an untouched edge keeps its id').toBe(failing?.id);
  });

  it('has nothing to fold in the small mixed run', () => {
    const [section] = graphOfRuns([mixed]).sections;
    expect(section && collapseOpen(section)).toBeUndefined();
  });

  it('gives the HTML page the folded view only for a large section', () => {
    const htmlAssets = { script: '', scriptSha256: 'c2NyaXB0', style: '' };
    const data = (run: RunReport): { sections: { openCollapsed?: { nodes: unknown[] } }[] } =>
      JSON.parse(/<script type="application\/json" id="kk-data">(.*?)<\/script>/s.exec(renderReports('html', [run], { color: false, htmlAssets }))?.[1] ?? '{}') as { sections: { openCollapsed?: { nodes: unknown[] } }[] };
    expect(data(largeOpenRun()).sections[0]?.openCollapsed?.nodes, '93 edges: folded').toHaveLength(4);
    expect(data(mixed).sections[0]?.openCollapsed, '6 edges: drawn as they are').toBeUndefined();
  });
});

describe('graphOfDiff', () => {
  it('draws the pairs allowed before and after as grey unchanged edges, after the changes', () => {
    const result = DIFF_FIXTURES['mixed']?.();
    if (!result) throw new Error('no fixture');
    const [section] = graphOfDiff(result).sections;
    const edges = section?.edges.map((edge) => `${edge.from} -> ${edge.to} ${edge.door}: ${edge.result}`) ?? [];
    expect(edges, 'web still reads the database').toContain('shop/web -> shop/db TCP/5432: unchanged');
    expect(edges.some((edge) => edge.startsWith('shop/api -> shop/db') && edge.endsWith('unchanged')), 'api → db is cut, not unchanged').toBe(false);
    const results = section?.edges.map((edge) => edge.result) ?? [];
    expect(results.indexOf('unchanged'), 'changes first').toBeGreaterThan(Math.max(results.lastIndexOf('cut'), results.lastIndexOf('opened')));
    expect(edgeStyle('unchanged').color, 'grey').toBe('#ced4da');
    expect(section?.summary).toContainEqual(['Pairs with a port open before and after (grey)', String(result.unchanged.total)]);
  });

  it('caps the unchanged edges with the rest and counts what is left out', () => {
    const result = DIFF_FIXTURES['large']?.();
    if (!result) throw new Error('no fixture');
    const changed = new Set([...result.diff.cut, ...result.diff.opened].map((change) => `${change.cell.from} ${change.cell.to}`)).size;
    expect(result.unchanged.total, 'gamma stays open, and alpha and beta keep some').toBeGreaterThan(100);
    const [section] = graphOfDiff(result, changed + 10).sections;
    expect(section?.edges.filter((edge) => edge.result === 'unchanged')).toHaveLength(10);
    expect(section?.omittedEdges).toBe(result.unchanged.total - 10);
  });
});

describe('the rollout plan in the HTML report', () => {
  it('shows the plan as escaped text above the steps, rendered on the server', () => {
    const htmlAssets = { script: '', scriptSha256: 'c2NyaXB0', style: '' };
    const plan = 'rollout plan: 2 NetworkPolicies in 2 steps, in the order given\n\nstep 1: shop/<script>alert(1)</script> (a.yaml:1)\n  no verdict changes\n';
    const html = renderReports('html', [mixed], { color: false, htmlAssets, plan });
    expect(html).toContain('<section class="plan"><details open><summary>The plan</summary><pre>rollout plan: 2 NetworkPolicies in 2 steps, in the order given\n\nstep 1: shop/&#60;script&#62;alert(1)&#60;/script&#62; (a.yaml:1)\n  no verdict changes</pre>');
    expect(html.indexOf('<section class="plan">'), 'before the steps').toBeLessThan(html.indexOf('<section class="part"'));
    expect(renderReports('html', [mixed], { color: false, htmlAssets }), 'a run has no plan').not.toContain('class="plan"');
  });
});
