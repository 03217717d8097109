/**
 * `kubeknock report FILE -o FORMAT`: a saved JSON report in any report format, on stdout or into a
 * file. A file that cannot be written is an error that still says how the run itself ended, so a CI
 * step that only converts never hides a failed audit behind a disk error.
 */
import { InfraError } from '../model/errors.js';
import { renderReports, type ReportFormat } from '../report/format.js';
import { htmlAssetsFor } from './html-assets.js';
import { readReportFile } from './read-report.js';
import { writeReportFile } from './report-file.js';
import { exitCodeOf } from './run.js';

export interface ConvertRequest {
  readonly file: string;
  readonly format: ReportFormat;
  /** Write here instead of returning the text for stdout. */
  readonly outFile?: string;
  readonly color: boolean;
  readonly width?: number;
}

export interface ConvertResult {
  /** The rendered report, when it goes to stdout. */
  readonly text?: string;
  /** The exit code the run recorded in the file would have had (0 met, 1 failed, 2 broken, 130 interrupted). */
  readonly runExitCode: number;
}

export async function convertReport(request: ConvertRequest): Promise<ConvertResult> {
  const reports = await readReportFile(request.file);
  const runExitCode = Math.max(0, ...reports.map((report) => exitCodeOf(report)));
  const text = renderReports(request.format, reports, { color: request.color, ...(request.width ? { width: request.width } : {}), ...(await htmlAssetsFor([request.format])) });
  if (request.outFile === undefined) return { text, runExitCode };
  try {
    await writeReportFile(request.outFile, text);
  } catch (error) {
    throw new InfraError(`${(error as Error).message}; the run in ${request.file} itself ended with exit code ${runExitCode}`, { cause: error, causeSummarized: true });
  }
  return { runExitCode };
}
