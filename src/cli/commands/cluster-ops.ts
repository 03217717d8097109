import { cleanupCommandFactory } from './cleanup.js';
import { doctorCommandFactory } from './doctor.js';
import type { CommandFactory } from './define.js';
import { observeCommandFactory } from './observe.js';
import { rolloutCommandFactory } from './rollout.js';

/** doctor, cleanup, rollout, observe: commands that inspect, tidy, change or watch a cluster without running a scenario file. */
export const clusterOpsCommands: CommandFactory[] = [doctorCommandFactory, cleanupCommandFactory, rolloutCommandFactory, observeCommandFactory];
