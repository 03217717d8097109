import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { check, report } from './builders.js';
import { allPass, FIXTURES, interrupted, mixed, severalKindsInOneCell } from './fixtures.js';

/** Cells of a GitHub table row: split at `|` not preceded by a backslash. */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1);
}

describe('renderMarkdown', () => {
  it.each(Object.entries(FIXTURES))('%s: every table row has as many cells as its header', (_name, fixture) => {
    // Tables are runs of consecutive `| ` lines (the matrix; the nodes breakdown on several nodes).
    const tables = renderMarkdown(fixture)
      .split(/\n(?!\| )/)
      .map((block) => block.split('\n').filter((line) => line.startsWith('| ')))
      .filter((rows) => rows.length > 0);
    // A report with checks has its matrix; one without (no pods started) has no table at all, so the
    // loop below checks something in every case.
    expect(tables.length > 0, `${_name}: a table exactly when there are checks`).toBe(fixture.checks.length > 0);
    for (const rows of tables) {
      expect(rows.length, `${_name}: a header, its separator and at least one row`).toBeGreaterThanOrEqual(3);
      const width = cells(rows[0] ?? '').length;
      for (const row of rows) expect(cells(row), `row ${JSON.stringify(row)} should have ${width} cells`).toHaveLength(width);
    }
  });

  it.each([
    ['allPass', allPass, '## ✅ kubeknock: postgres-lockdown'],
    ['mixed', mixed, '## ❌ kubeknock: postgres-lockdown'],
    ['interrupted', interrupted, '## ❌ kubeknock: postgres-lockdown'],
  ])('%s starts with a headline that gives the verdict', (_name, fixture, headline) => {
    expect(renderMarkdown(fixture).split('\n')[0]).toBe(headline);
  });

  it('joins several checks of one cell with <br>', () => {
    expect(renderMarkdown(severalKindsInOneCell)).toContain('✅ tcp: allow (connected)<br>✅ http: allow (HTTP 404)<br>❌ http: expected deny');
  });

  it('details the first 30 failures only, so a PR comment stays under GitHub’s size limit', () => {
    const many = report(Array.from({ length: 40 }, (_, i) => check({ from: `a${i}`, to: 'db:5432', expect: 'deny', saw: ['connected'] })));
    const text = renderMarkdown(many);
    expect(text.match(/^#### ❌/gm), 'thirty failure headings').toHaveLength(30);
    expect(text).toContain('…and 10 more failed checks: see the JSON report.');
  });
});
