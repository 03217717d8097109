import type { Argv } from 'yargs';
import { withClusterFlags, type ClusterFlags } from '../cluster-options.js';
import { firstProblem, flagProblem, namespaceProblem } from '../flag-rules.js';
import { imageReferenceProblem } from '../../model/kube-rules.js';
import { parseDurationSeconds } from '../../flows/duration.js';
import { defineCommand } from './define.js';

interface ObserveArgs extends ClusterFlags {
  readonly namespace?: string[];
  readonly 'all-namespaces': boolean;
  readonly for: string;
  readonly interval: number;
  readonly output?: string;
  readonly format?: 'yaml' | 'json';
  readonly 'collector-namespace': string;
  readonly image?: string;
  readonly 'image-pull-policy'?: 'Always' | 'IfNotPresent' | 'Never';
  readonly 'start-timeout': number;
  readonly yes: boolean;
}

const MIN_INTERVAL = 1;
const MAX_WINDOW_SECONDS = 24 * 3600;

export const observeCommandFactory = defineCommand<ObserveArgs>((ctx) => ({
  command: 'observe',
  describe: 'Watch which pods really talk to which (socket tables and conntrack, any CNI) and write the flows file',
  builder: (yargs: Argv<object>) =>
    withClusterFlags(yargs)
      .option('namespace', { alias: 'n', type: 'string', array: true, describe: "Observe this namespace's pods (repeatable; default: the context namespace)" })
      .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, describe: 'Observe every namespace' })
      .option('for', { type: 'string', default: '60s', describe: 'How long to observe: 90s, 5m, 1h' })
      .option('interval', { type: 'number', default: 5, describe: 'Seconds between two samples of every node' })
      .option('output', { alias: 'o', type: 'string', describe: 'Write the flows file here (.json: JSON); `-o json` or `-o yaml`: that format on stdout (default: YAML on stdout)' })
      .option('collector-namespace', { type: 'string', default: 'kubeknock', describe: 'Where the collector pods run (needs Pod Security "privileged": they use hostPID)' })
      .option('image', { type: 'string', describe: 'Collector image: a busybox (default: the probe image)' })
      .option('image-pull-policy', { choices: ['Always', 'IfNotPresent', 'Never'] as const, describe: 'Collector image pull policy' })
      .option('start-timeout', { type: 'number', default: 60, describe: 'Seconds a collector may take to start before its node is reported as not observed' })
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Create the collector pods without asking' })
      .check((argv) => {
        const window = parseDurationSeconds(argv.for);
        const problem = firstProblem(
          (argv.namespace ?? []).length > 0 && argv['all-namespaces'] ? 'Use either -n or -A, not both' : undefined,
          ...(argv.namespace ?? []).map((namespace) => namespaceProblem('--namespace', namespace)),
          namespaceProblem('--collector-namespace', argv['collector-namespace']),
          typeof window === 'string' ? `--for ${window}` : window < 1 || window > MAX_WINDOW_SECONDS ? `--for ${argv.for}: between 1s and 24h` : undefined,
          !Number.isInteger(argv.interval) || argv.interval < MIN_INTERVAL ? `--interval ${argv.interval}: a whole number of seconds, at least ${MIN_INTERVAL}` : undefined,
          typeof window === 'number' && Number.isInteger(argv.interval) && argv.interval > window ? `--interval ${argv.interval} is longer than the window (--for ${argv.for}): at most one sample would be taken` : undefined,
          !Number.isInteger(argv['start-timeout']) || argv['start-timeout'] < 1 ? `--start-timeout ${argv['start-timeout']}: a whole number of seconds, at least 1` : undefined,
          argv.image === undefined ? undefined : flagProblem('--image', imageReferenceProblem(argv.image)),
        );
        if (problem) throw new Error(problem);
        return true;
      }),
  handler: async (argv) => {
    // Ctrl-C ends the window early; the command then writes what was seen and removes its collectors.
    ctx.cleansUpOnInterrupt = true;
    const { runObserveCommand } = await import('../observe-command.js');
    ctx.exitCode = await runObserveCommand(argv, ctx.io);
  },
}));
