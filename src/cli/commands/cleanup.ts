import type { Argv } from 'yargs';
import { withClusterFlags, type ClusterFlags } from '../cluster-options.js';
import { firstProblem, namespaceProblem, runIdSelectorProblem } from '../flag-rules.js';
import { defineCommand } from './define.js';

interface CleanupArgs extends ClusterFlags {
  readonly 'run-id'?: string;
  readonly namespace?: string;
  readonly 'dry-run': boolean;
}

export const cleanupCommandFactory = defineCommand<CleanupArgs>((ctx) => ({
  command: 'cleanup',
  describe: 'Delete probe pods (label kubeknock.dev/run-id) and doctor --canary namespaces (label kubeknock.dev/canary-expires) left behind, and wait until they are gone',
  builder: (yargs: Argv<object>) =>
    withClusterFlags(yargs)
      .option('run-id', { type: 'string', describe: 'Only the pods of this run' })
      .option('namespace', { alias: 'n', type: 'string', describe: 'Only this namespace (default: all namespaces)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'List what would be deleted; delete nothing' })
      .check((argv) => {
        const problem = firstProblem(
          argv['run-id'] === undefined ? undefined : runIdSelectorProblem(argv['run-id']),
          argv.namespace === undefined ? undefined : namespaceProblem('--namespace', argv.namespace),
        );
        if (problem) throw new Error(problem);
        return true;
      }),
  handler: async (argv) => {
    // Loaded per command (not at start-up): --help, --version and the other commands never pay for it.
    const [{ runCleanup }, { renderCleanup }, { connectCluster, loadClusterConfig }, { createObjectStore }, { systemClock }] = await Promise.all([
      import('../../app/cleanup.js'),
      import('../../report/cleanup.js'),
      import('../cluster-connect.js'),
      import('../../cluster/object-store.js'),
      import('../../probe/clock.js'),
    ]);
    const result = await runCleanup(
      connectCluster(argv, ctx.io),
      {
        ...(argv['run-id'] !== undefined ? { runId: argv['run-id'] } : {}),
        ...(argv.namespace !== undefined ? { namespace: argv.namespace } : {}),
        dryRun: argv['dry-run'],
      },
      // The scratch namespaces of killed `doctor --canary` runs, found by their label.
      { objects: createObjectStore(loadClusterConfig(argv, ctx.io)), clock: systemClock },
    );
    ctx.io.stdout.write(renderCleanup(result));
    ctx.exitCode = result.failure ? 2 : 0;
  },
}));
