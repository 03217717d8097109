import { describe, expect, it } from 'vitest';
import { isReportFormat, renderReport, REPORT_FORMATS } from '../../src/report/format.js';
import { mixed } from './fixtures.js';

const FIRST_LINE: Record<(typeof REPORT_FORMATS)[number], string> = {
  table: 'kubeknock 0.1.0 · postgres-lockdown',
  json: '{',
  junit: '<?xml version="1.0" encoding="UTF-8"?>',
  tap: 'TAP version 14',
  markdown: '## ❌ kubeknock: postgres-lockdown',
};

describe('renderReport', () => {
  it.each(REPORT_FORMATS)('%s dispatches to its renderer', (format) => {
    const text = renderReport(format, mixed, { color: false });
    expect(text.split('\n')[0], `${format} output should start with its own first line`).toContain(FIRST_LINE[format]);
    expect(text.endsWith('\n'), `${format} output should end with a newline`).toBe(true);
  });

  it('is pure: the same report and options give the same text', () => {
    for (const format of REPORT_FORMATS) {
      expect(renderReport(format, mixed, { color: true, width: 80 })).toBe(renderReport(format, mixed, { color: true, width: 80 }));
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
