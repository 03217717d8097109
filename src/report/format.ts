/** The one entry point for rendering a run: `-o <format>` picks the renderer. */
import { assertNever } from '../model/assert-never.js';
import type { RunReport } from '../model/report.js';
import { graphOfRuns } from './graph/from-run.js';
import { renderGraph, type PictureFormat } from './graph/render.js';
import { renderJson, renderJsonLines } from './json.js';
import { renderJunit, renderJunitSuites } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { ReportFormat } from './format-names.js';
import type { RenderOptions } from './render-options.js';
import { renderTable } from './table.js';
import { renderTap, renderTapSubtests } from './tap.js';

export type { RenderOptions } from './render-options.js';

export { REPORT_FORMATS, isReportFormat, type ReportFormat } from './format-names.js';

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
    case 'dot':
    case 'mermaid':
    case 'html':
      return renderPicture(format, [report], options);
    default:
      return assertNever(format, 'report format');
  }
}

/**
 * Renders the runs of several scenarios (one `kubeknock run a.yaml b.yaml`). One report renders
 * exactly as `renderReport`; several become one document where the format has a way to hold them
 * (JUnit testsuites, TAP subtests) and a sequence where it does not (JSON Lines, tables one after
 * another).
 */
export function renderReports(format: ReportFormat, reports: readonly RunReport[], options: RenderOptions): string {
  const [only] = reports;
  if (reports.length === 1 && only !== undefined) return renderReport(format, only, options);
  switch (format) {
    case 'table':
    case 'markdown':
      return reports.map((report) => withNewline(renderReport(format, report, options))).join('\n');
    case 'json':
      return renderJsonLines(reports);
    case 'junit':
      return renderJunitSuites(reports);
    case 'tap':
      return renderTapSubtests(reports);
    case 'dot':
    case 'mermaid':
    case 'html':
      return renderPicture(format, reports, options);
    default:
      return assertNever(format, 'report format');
  }
}

/** The pictures draw several reports (the steps of one run) as the sections of one graph. */
function renderPicture(format: PictureFormat, reports: readonly RunReport[], options: RenderOptions): string {
  const graph = graphOfRuns(reports);
  return renderGraph(format, options.plan === undefined ? graph : { ...graph, plan: options.plan }, options.htmlAssets);
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
