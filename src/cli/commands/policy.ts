import { diffCommandFactory } from './diff.js';
import { discoverCommandFactory } from './discover.js';
import { explainCommandFactory } from './explain.js';
import type { CommandFactory } from './define.js';
import { lintCommandFactory } from './lint.js';
import { predictCommandFactory } from './predict.js';
import { proposeCommandFactory } from './propose.js';

/** predict, explain, lint, discover, diff, propose: the policy engine's commands. */
export const policyCommands: CommandFactory[] = [predictCommandFactory, explainCommandFactory, lintCommandFactory, discoverCommandFactory, diffCommandFactory, proposeCommandFactory];
