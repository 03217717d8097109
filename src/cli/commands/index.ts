import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { clusterOpsCommands } from './cluster-ops.js';
import { policyCommands } from './policy.js';

/** A command module factory: one file per command, each translating flags to one app call. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- yargs' builder types need a loose args type
export type CommandFactory = (ctx: CommandContext) => CommandModule<object, any>;

export const commands: readonly CommandFactory[] = [...clusterOpsCommands, ...policyCommands];
