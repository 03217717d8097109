import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';

/** A command module factory: one file per command, each translating flags to one app call. */
export type CommandFactory = (ctx: CommandContext) => CommandModule<object, any>;

export const commands: readonly CommandFactory[] = [];
