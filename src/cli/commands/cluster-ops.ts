import { cleanupCommandFactory } from './cleanup.js';
import { doctorCommandFactory } from './doctor.js';
import type { CommandFactory } from './define.js';
import { rolloutCommandFactory } from './rollout.js';

/** doctor, cleanup, rollout: commands that inspect, tidy or change a cluster without running a scenario file. */
export const clusterOpsCommands: CommandFactory[] = [doctorCommandFactory, cleanupCommandFactory, rolloutCommandFactory];
