import type { CommandFactory } from './index.js';

/** doctor, cleanup: commands that inspect or tidy a cluster without running a scenario. */
export const clusterOpsCommands: CommandFactory[] = [];
