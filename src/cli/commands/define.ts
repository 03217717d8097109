import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';

/**
 * A command module factory: one file per command, each translating flags to one app call. It lives
 * apart from the registry (index.ts) so the command files import it without importing the registry
 * that imports them.
 */
export type CommandFactory = (ctx: CommandContext) => CommandModule<object, never>;

/**
 * Types one command by its own arguments. yargs builds a command's arguments from that command's own
 * builder, so widening the module for the registry loses nothing; the cast lives here, once.
 */
export function defineCommand<Args>(factory: (ctx: CommandContext) => CommandModule<object, Args>): CommandFactory {
  return factory as unknown as CommandFactory;
}
