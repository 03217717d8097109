/**
 * Golden files for the human-readable renderers: the exact text is the spec. After an intended
 * change, regenerate with `UPDATE_GOLDEN=1 npx vitest run --config test/vitest.config.ts test/report`
 * and review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderReport, type ReportFormat } from '../../src/report/format.js';
import { FIXTURES } from './fixtures.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const GOLDEN_FORMATS: readonly ReportFormat[] = ['table', 'markdown'];

function goldenPath(format: ReportFormat, fixture: string): string {
  return fileURLToPath(new URL(`./golden/${format}-${fixture}.txt`, import.meta.url));
}

describe.each(GOLDEN_FORMATS)('%s renderer matches its golden files', (format) => {
  it.each(Object.keys(FIXTURES))('%s', (fixture) => {
    const report = FIXTURES[fixture];
    if (report === undefined) throw new Error(`no fixture named ${fixture}`);
    const actual = renderReport(format, report, { color: false, width: 120 });
    const path = goldenPath(format, fixture);
    if (UPDATE) writeFileSync(path, actual);
    expect(existsSync(path), `golden file ${path} should exist (create it with UPDATE_GOLDEN=1)`).toBe(true);
    expect(actual, `${format} output for ${fixture} should equal ${path}`).toBe(readFileSync(path, 'utf8'));
  });
});
