import { explainCommandFactory } from './explain.js';
import type { CommandFactory } from './define.js';
import { lintCommandFactory } from './lint.js';
import { predictCommandFactory } from './predict.js';

/** predict, explain, lint: the policy engine's commands. */
export const policyCommands: CommandFactory[] = [predictCommandFactory, explainCommandFactory, lintCommandFactory];
