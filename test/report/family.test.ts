/**
 * A dual-stack run through every renderer: the family in each check's label (the matrix column, the
 * JUnit and TAP names), `family` on every JSON result, and the per-family breakdown; a run of one
 * family shows none of it.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/model/report.js';
import { summarize } from '../../src/probe/run-state.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderTable } from '../../src/report/table.js';
import { renderTap } from '../../src/report/tap.js';
import { check, report } from './builders.js';

const checks: CheckResult[] = [
  { ...check({ from: 'backend', to: 'db:5432 (ipv4)', expect: 'allow', saw: ['connected'] }), id: 'c1@ipv4', family: 'ipv4' },
  { ...check({ from: 'backend', to: 'db:5432 (ipv6)', expect: 'allow', saw: ['timeout', 'timeout', 'timeout'] }), id: 'c1@ipv6', family: 'ipv6', address: '[fd00:10:244:2::6]:5432' },
  { ...check({ from: 'backend', to: 'dns:db.shop.svc.cluster.local. (ipv6)', kind: 'dns', expect: 'allow', saw: ['resolved'] }), id: 'c2', family: 'ipv6' },
];
const dual = report(checks, { summary: summarize(checks) });

describe('renderers with address families', () => {
  it('counts each family apart only when both took part', () => {
    expect(dual.summary.byFamily).toEqual({ ipv4: { total: 1, passed: 1, failed: 0, skipped: 0 }, ipv6: { total: 2, passed: 1, failed: 1, skipped: 0 } });
    expect(summarize(checks.slice(0, 1)).byFamily).toBeUndefined();
    expect(summarize(checks.map((c) => ({ ...c, family: 'unspecified' as const }))).byFamily).toBeUndefined();
  });

  it('the table: one column per family, and the breakdown under the summary', () => {
    const text = renderTable(dual, { color: false });
    const header = text.split('\n').find((line) => line.includes('from \\ to')) ?? '';
    expect(header).toContain('db:5432 (ipv4)');
    expect(header).toContain('db:5432 (ipv6)');
    expect(text).toContain('by family: IPv4 1 check: 1 passed, 0 failed, 0 skipped; IPv6 2 checks: 1 passed, 1 failed, 0 skipped\n');
  });

  it('Markdown, TAP and JUnit carry the family in the check names and the breakdown', () => {
    const line = 'by family: IPv4 1 check: 1 passed, 0 failed, 0 skipped; IPv6 2 checks: 1 passed, 1 failed, 0 skipped';
    expect(renderMarkdown(dual)).toContain(`\n\n${line}\n\n`);
    const tap = renderTap(dual);
    expect(tap).toContain('not ok 2 - backend → db:5432 (ipv6) [tcp] expect allow');
    expect(tap).toContain(`# ${line}\n`);
    const junit = renderJunit(dual);
    expect(junit).toContain('name="backend → db:5432 (ipv6) [tcp] expect allow"');
    expect(junit).toContain('<property name="family.ipv6.failed" value="1"/>');
    expect(junit).toContain(line);
  });

  it('JSON: every result says its family, right after its kind', () => {
    const parsed = JSON.parse(renderJson(dual)) as { checks: Record<string, unknown>[]; summary: unknown };
    expect(parsed.checks.map((c) => [c['id'], c['family']])).toEqual([['c1@ipv4', 'ipv4'], ['c1@ipv6', 'ipv6'], ['c2', 'ipv6']]);
    expect(Object.keys(parsed.checks[0] ?? {}).slice(6, 8)).toEqual(['kind', 'family']);
  });

  it('a run of one family renders no breakdown anywhere', () => {
    const single = report(checks.slice(0, 1), { summary: summarize(checks.slice(0, 1)) });
    for (const text of [renderTable(single, { color: false }), renderMarkdown(single), renderTap(single), renderJunit(single)]) expect(text).not.toContain('by family');
  });
});
