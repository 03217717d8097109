import path from 'node:path';
import type { Argv } from 'yargs';
import { REPORT_FORMATS, type ReportFormat } from '../../report/format-names.js';
import { wantsColor } from '../cluster-options.js';
import { tableWidthOption, withTableWidthFlags, type TableWidthFlags } from '../table-width.js';
import { defineCommand } from './define.js';

interface ReportArgs extends TableWidthFlags {
  readonly file: string;
  readonly output: ReportFormat;
  readonly out?: string;
}

export const reportCommandFactory = defineCommand<ReportArgs>((ctx) => ({
  command: 'report <file>',
  describe: 'Convert a saved JSON report (run -o json, --report x.json) into another format: table, markdown, junit, tap, json, dot, mermaid, html',
  builder: (yargs: Argv<object>) =>
    withTableWidthFlags(yargs)
      .positional('file', { type: 'string', demandOption: true, describe: 'The JSON report (one report, or JSON Lines of several)' })
      .option('output', { alias: 'o', choices: REPORT_FORMATS, default: 'table' as ReportFormat, describe: 'Format to write' })
      .option('out', { type: 'string', describe: 'Write to this file instead of stdout' })
      .epilog('Exit codes: 0 converted, 2 not a kubeknock report (or of a newer schema, or truncated) or the output could not be written.'),
  handler: async (argv) => {
    // Loaded per command (not at start-up): it reaches every renderer and the run use case, which
    // every other command (validate, lint, explain…) paid for at start-up when this was a static import.
    const { convertReport } = await import('../../app/convert-report.js');
    const result = await convertReport({
      file: path.resolve(ctx.io.cwd, argv.file),
      format: argv.output,
      ...(argv.out === undefined ? {} : { outFile: path.resolve(ctx.io.cwd, argv.out) }),
      color: argv.out === undefined && wantsColor(ctx.io),
      ...tableWidthOption(argv, ctx.io),
    });
    if (result.text !== undefined) ctx.io.stdout.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
  },
}));
