import type { CommandFactory } from './index.js';

/** predict, explain, lint: the policy engine's commands. */
export const policyCommands: CommandFactory[] = [];
