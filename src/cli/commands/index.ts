import { clusterOpsCommands } from './cluster-ops.js';
import type { CommandFactory } from './define.js';
import { manifestsCommandFactory } from './manifests.js';
import { policyCommands } from './policy.js';
import { scenarioCommands } from './scenario.js';

export const commands: readonly CommandFactory[] = [...scenarioCommands, ...clusterOpsCommands, ...policyCommands, manifestsCommandFactory];
