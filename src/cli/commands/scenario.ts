import type { CommandFactory } from './define.js';
import { reportCommandFactory } from './report.js';
import { runCommandFactory } from './run.js';
import { validateCommandFactory } from './validate.js';

/** run, validate, report: the commands that read scenarios and the reports of their runs. */
export const scenarioCommands: CommandFactory[] = [runCommandFactory, validateCommandFactory, reportCommandFactory];
