import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { isReportFormat, renderReport, renderReports, REPORT_FORMATS } from '../../src/report/format.js';
import { allPass, mixed } from './fixtures.js';

const FIRST_LINE: Record<(typeof REPORT_FORMATS)[number], string> = {
  table: 'kubeknock 0.1.0 · postgres-lockdown',
  json: '{',
  junit: '<?xml version="1.0" encoding="UTF-8"?>',
  tap: 'TAP version 14',
  markdown: '## ❌ kubeknock: postgres-lockdown',
  dot: 'digraph kubeknock0 {',
  mermaid: 'flowchart LR',
  html: '<!doctype html>',
};

/** -o html inlines the bundle the app layer loads; the renderer only needs its shape. */
const htmlAssets = { script: '', scriptSha256: 'c2NyaXB0', style: '' };

describe('renderReport', () => {
  it.each(REPORT_FORMATS)('%s dispatches to its renderer', (format) => {
    const text = renderReport(format, mixed, { color: false, htmlAssets });
    expect(text.split('\n')[0], `${format} output should start with its own first line`).toContain(FIRST_LINE[format]);
    expect(text.endsWith('\n'), `${format} output should end with a newline`).toBe(true);
  });

  it('is pure: the same report and options give the same text', () => {
    for (const format of REPORT_FORMATS) {
      expect(renderReport(format, mixed, { color: true, width: 80, htmlAssets })).toBe(renderReport(format, mixed, { color: true, width: 80, htmlAssets }));
    }
  });

  it.each([
    ['table', true],
    ['junit', true],
    ['xml', false],
    ['', false],
  ])('isReportFormat(%j) is %s', (value, expected) => {
    expect(isReportFormat(value)).toBe(expected);
  });
});

describe('renderReports', () => {
  it('renders a single report exactly as renderReport', () => {
    for (const format of REPORT_FORMATS) expect(renderReports(format, [mixed], { color: false, htmlAssets })).toBe(renderReport(format, mixed, { color: false, htmlAssets }));
  });

  it('prints several reports as JSON Lines, one parseable report per line', () => {
    const lines = renderReports('json', [allPass, mixed], { color: false }).trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as RunReport).runId)).toEqual([allPass.runId, mixed.runId]);
  });

  it('puts tables and Markdown one after another, each complete and separated by a blank line', () => {
    for (const format of ['table', 'markdown'] as const) {
      const first = renderReport(format, allPass, { color: false });
      const second = renderReport(format, mixed, { color: false, htmlAssets });
      const text = renderReports(format, [allPass, mixed], { color: false });
      expect(text.startsWith(first.trimEnd()), `${format}: the first report first`).toBe(true);
      expect(text.endsWith(second.endsWith('\n') ? second : `${second}\n`), `${format}: the second report last`).toBe(true);
      expect(text).toContain(`${first.trimEnd()}\n\n`);
    }
  });
});
