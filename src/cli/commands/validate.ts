import type { Argv } from 'yargs';
import { validateFiles } from '../../app/validate.js';
import { defineCommand } from './define.js';

export const validateCommandFactory = defineCommand<{ files: string[] }>((ctx) => ({
  command: 'validate <files..>',
  describe: 'Check scenario files offline: every mistake of every file, with file:line and field (exit 2 if any)',
  builder: (yargs: Argv) => yargs.positional('files', { type: 'string', array: true, demandOption: true, describe: 'Scenario files (YAML)' }),
  handler: async (argv) => {
    const { summaries } = await validateFiles(argv.files);
    for (const line of summaries) ctx.io.stdout.write(`${line}\n`);
  },
}));
