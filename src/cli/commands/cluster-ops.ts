import { cleanupCommandFactory } from './cleanup.js';
import { doctorCommandFactory } from './doctor.js';
import type { CommandFactory } from './define.js';

/** doctor, cleanup: commands that inspect or tidy a cluster without running a scenario. */
export const clusterOpsCommands: CommandFactory[] = [doctorCommandFactory, cleanupCommandFactory];
