import type { CommandFactory } from './define.js';
import { runCommandFactory } from './run.js';
import { validateCommandFactory } from './validate.js';

/** run, validate: the commands that read scenarios. */
export const scenarioCommands: CommandFactory[] = [runCommandFactory, validateCommandFactory];
