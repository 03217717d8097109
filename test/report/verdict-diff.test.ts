/**
 * Golden files for the diff renderers (table, markdown, JSON). After an intended change, regenerate with
 * `UPDATE_GOLDEN=1 npx vitest run --config test/vitest.config.ts test/report/verdict-diff.test.ts` and review.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderDiffMarkdown, renderDiffTable } from '../../src/report/verdict-diff.js';
import { writeDiffJson } from '../../src/report/verdict-diff-json.js';
import { DIFF_FIXTURES } from './diff-fixtures.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const RENDERERS = {
  table: (result) => renderDiffTable(result, { color: false, maxRows: 6 }),
  markdown: (result) => renderDiffMarkdown(result, { color: false, maxRows: 6 }),
  json: (result) => {
    let text = '';
    writeDiffJson(result, (chunk) => (text += chunk));
    return text;
  },
} satisfies Record<string, (result: ReturnType<(typeof DIFF_FIXTURES)[string]>) => string>;

// The large fixture's JSON (every one of 640 cells) is checked for shape below, not kept as a golden file.
const GOLDEN: readonly [keyof typeof RENDERERS, string][] = (Object.keys(RENDERERS) as (keyof typeof RENDERERS)[]).flatMap((format) =>
  Object.keys(DIFF_FIXTURES)
    .filter((fixture) => format !== 'json' || fixture !== 'large')
    .map((fixture): [keyof typeof RENDERERS, string] => [format, fixture]),
);

describe('diff renderers match their golden files', () => {
  it.each(GOLDEN)('%s %s', (format, fixture) => {
    const build = DIFF_FIXTURES[fixture];
    if (!build) throw new Error(`no fixture ${fixture}`);
    const actual = RENDERERS[format](build());
    const path = fileURLToPath(new URL(`./golden/diff-${format}-${fixture}.txt`, import.meta.url));
    if (UPDATE) writeFileSync(path, actual);
    expect(existsSync(path), `golden file ${path} should exist (create it with UPDATE_GOLDEN=1)`).toBe(true);
    expect(actual, `${format} output for ${fixture} should equal ${path}`).toBe(readFileSync(path, 'utf8'));
  });
});

describe('diff JSON', () => {
  it('is exactly one object listing every changed cell, however many rows the text shows', () => {
    const result = DIFF_FIXTURES['large']?.();
    if (!result) throw new Error('no large fixture');
    let text = '';
    writeDiffJson(result, (chunk) => (text += chunk));
    const parsed = JSON.parse(text) as { summary: { cut: number }; cut: unknown[] };
    expect(Object.keys(parsed)).toEqual(['summary', 'policies', 'parties', 'cut', 'opened', 'notes']);
    expect(parsed.cut, 'every cut cell').toHaveLength(parsed.summary.cut);
    expect(parsed.summary.cut).toBe(result.diff.cut.length);
  });
});
