import type { Argv } from 'yargs';
import { DEFAULT_SIZE_LIMITS } from '../../app/size-limits.js';
import { VERSION } from '../../version.js';
import { defineCommand, type CommandFactory } from './define.js';

interface CronJobArgs {
  readonly scenarios: readonly string[];
  readonly image?: string;
  readonly 'image-pull-secret'?: readonly string[];
  readonly schedule: string;
  readonly timezone?: string;
  readonly namespace: string;
  readonly name: string;
  readonly 'create-namespace': boolean;
  readonly 'probe-image'?: string;
  readonly 'probe-image-pull-policy'?: 'Always' | 'IfNotPresent' | 'Never';
  readonly deadline?: number;
  readonly ttl?: number;
  readonly 'max-pods'?: number;
  readonly 'max-checks'?: number;
  readonly pushgateway?: string;
  readonly 'metrics-group'?: readonly string[];
  readonly 'metrics-textfile'?: string;
  readonly 'metrics-node'?: string;
  readonly canary: boolean;
}

const cronJobCommandFactory = defineCommand<CronJobArgs>((ctx) => ({
  command: 'cronjob <scenarios..>',
  describe: 'A scheduled in-cluster audit: Namespace, ServiceAccount, least-privilege RBAC, scenario ConfigMap, CronJob',
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('scenarios', { type: 'string', array: true, demandOption: true, describe: 'Scenario files (YAML), run in this order' })
      .option('image', { type: 'string', describe: 'The kubeknock CLI image (required; build it with the repository Dockerfile and push it)' })
      .option('image-pull-secret', { type: 'string', array: true, describe: 'Secret in --namespace for pulling --image (repeatable)' })
      .option('schedule', { type: 'string', default: '0 * * * *', describe: 'Cron schedule (5 fields, or @hourly, @daily, …)' })
      .option('timezone', { type: 'string', describe: 'IANA time zone of the schedule (CronJob spec.timeZone; default: the controller’s, usually UTC)' })
      .option('namespace', { alias: 'n', type: 'string', default: 'kubeknock', describe: 'Namespace the audit runs in' })
      .option('name', { type: 'string', default: 'kubeknock-audit', describe: 'Name of the CronJob, its ServiceAccount and RBAC' })
      .option('create-namespace', { type: 'boolean', default: true, describe: 'Print the Namespace (Pod Security restricted); --no-create-namespace if it exists' })
      .option('probe-image', { type: 'string', describe: 'Probe image for `kubeknock run --image`' })
      .option('probe-image-pull-policy', { choices: ['Always', 'IfNotPresent', 'Never'] as const, describe: 'For `kubeknock run --image-pull-policy`' })
      .option('deadline', { type: 'number', describe: 'Seconds an audit may run before it is stopped (default: estimated from the scenarios)' })
      .option('ttl', { type: 'number', describe: 'Delete finished Jobs after this many seconds (default: keep the last 3 passed, 5 failed)' })
      .option('max-pods', { type: 'number', describe: `For \`kubeknock run --max-pods\` (default ${DEFAULT_SIZE_LIMITS.pods})` })
      .option('max-checks', { type: 'number', describe: `For \`kubeknock run --max-checks\` (default ${DEFAULT_SIZE_LIMITS.checks})` })
      .option('pushgateway', { type: 'string', describe: 'Each audit PUTs its metrics to this Pushgateway URL (`kubeknock run --pushgateway`)' })
      .option('metrics-group', { type: 'string', array: true, describe: 'Grouping label KEY=VALUE of the pushed group (repeatable)' })
      .option('metrics-textfile', {
        type: 'string',
        describe: 'Each audit writes its metrics to this *.prom file on the node, for node_exporter\'s textfile collector (hostPath: the namespace must enforce Pod Security privileged)',
      })
      .option('metrics-node', { type: 'string', describe: 'With --metrics-textfile: run the audit on this node (its node_exporter reads the file)' })
      .option('canary', { type: 'boolean', default: false, describe: 'Run `kubeknock doctor --canary` before each audit (init container) and grant what it needs (cluster-wide: namespaces, pods, pods/exec, NetworkPolicies)' })
      .conflicts('pushgateway', 'metrics-textfile')
      .check((argv) => {
        if (argv['metrics-group'] !== undefined && argv.pushgateway === undefined) return '--metrics-group: it names the group of a push; give --pushgateway URL too';
        if (argv['metrics-node'] !== undefined && argv['metrics-textfile'] === undefined) return '--metrics-node: it places the textfile; give --metrics-textfile PATH too';
        return true;
      }),
  handler: async (argv) => {
    // Loaded per command (not at start-up): --help, --version and the other commands never pay for it.
    const { cronJobManifests } = await import('../../app/manifests.js');
    const text = await cronJobManifests({
      scenarioFiles: argv.scenarios,
      ...(argv.image !== undefined ? { image: argv.image } : {}),
      imagePullSecrets: argv['image-pull-secret'] ?? [],
      schedule: argv.schedule,
      ...(argv.timezone ? { timeZone: argv.timezone } : {}),
      identity: { name: argv.name, namespace: argv.namespace },
      createNamespace: argv['create-namespace'],
      probe: {
        ...(argv['probe-image'] !== undefined ? { image: argv['probe-image'] } : {}),
        ...(argv['probe-image-pull-policy'] ? { imagePullPolicy: argv['probe-image-pull-policy'] } : {}),
      },
      ...(argv.deadline === undefined ? {} : { deadlineSeconds: argv.deadline }),
      ...(argv.ttl === undefined ? {} : { ttlSecondsAfterFinished: argv.ttl }),
      ...(argv['max-pods'] === undefined && argv['max-checks'] === undefined
        ? {}
        : { limits: { pods: argv['max-pods'] ?? DEFAULT_SIZE_LIMITS.pods, checks: argv['max-checks'] ?? DEFAULT_SIZE_LIMITS.checks } }),
      ...(argv.pushgateway !== undefined ? { metrics: { type: 'pushgateway' as const, url: argv.pushgateway, group: argv['metrics-group'] ?? [] } } : {}),
      ...(argv['metrics-textfile'] !== undefined
        ? { metrics: { type: 'textfile' as const, path: argv['metrics-textfile'], ...(argv['metrics-node'] !== undefined ? { node: argv['metrics-node'] } : {}) } }
        : {}),
      ...(argv.canary ? { canary: true } : {}),
      toolVersion: VERSION,
    });
    ctx.io.stdout.write(text);
  },
}));

/** `manifests <kind>`: Kubernetes objects for running kubeknock in a cluster; one subcommand per kind. */
export const manifestsCommandFactory: CommandFactory = defineCommand<object>((ctx) => ({
  command: 'manifests',
  describe: 'Print Kubernetes manifests for running kubeknock in the cluster (kinds: cronjob)',
  builder: (yargs: Argv<object>) => yargs.command(cronJobCommandFactory(ctx)).demandCommand(1, 'Name the kind of manifests: cronjob'),
  handler: () => undefined,
}));
