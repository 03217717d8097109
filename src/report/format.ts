/** The one entry point for rendering a run: `-o <format>` picks the renderer. */
import { assertNever } from '../model/assert-never.js';
import type { RunReport } from '../model/report.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { RenderOptions } from './render-options.js';
import { renderTable } from './table.js';
import { renderTap } from './tap.js';

export type { RenderOptions } from './render-options.js';

export const REPORT_FORMATS = ['table', 'json', 'junit', 'tap', 'markdown'] as const;

export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

/** Renders `report`. Pure: the same report and options always give the same text. */
export function renderReport(format: ReportFormat, report: RunReport, options: RenderOptions): string {
  switch (format) {
    case 'table':
      return renderTable(report, options);
    case 'json':
      return renderJson(report);
    case 'junit':
      return renderJunit(report);
    case 'tap':
      return renderTap(report);
    case 'markdown':
      return renderMarkdown(report);
    default:
      return assertNever(format, 'report format');
  }
}
