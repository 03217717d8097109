/**
 * The report formats by name, apart from their renderers: the CLI lists them as flag choices at
 * start-up, and a command that renders nothing should not load every renderer for that.
 */
export const REPORT_FORMATS = ['table', 'json', 'junit', 'tap', 'markdown', 'dot', 'mermaid', 'html'] as const;

export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
