import type { Argv } from 'yargs';
import { defineCommand } from './define.js';

export const validateCommandFactory = defineCommand<{ files: string[] }>((ctx) => ({
  command: 'validate <files..>',
  describe: 'Check scenario files offline: every mistake of every file, with file:line and field (exit 2 if any)',
  builder: (yargs: Argv) => yargs.positional('files', { type: 'string', array: true, demandOption: true, describe: 'Scenario files (YAML)' }),
  handler: async (argv) => {
    // Loaded per command (not at start-up): --help, --version and the other commands never pay for it.
    const { validateFiles } = await import('../../app/validate.js');
    const { summaries } = await validateFiles(argv.files);
    for (const line of summaries) ctx.io.stdout.write(`${line}\n`);
  },
}));
