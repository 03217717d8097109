import type { Argv } from 'yargs';
import type { DoctorFormat } from '../../report/doctor.js';
import { withClusterFlags, type ClusterFlags } from '../cluster-options.js';
import { firstProblem, namespaceProblem } from '../flag-rules.js';
import { defineCommand } from './define.js';
import { everyCheck } from '../../model/scenario.js';
import type { CanaryRequest } from '../../app/doctor.js';
import type { CliIO } from '../io.js';
import { DEFAULT_IMAGE, DEFAULTS } from '../../scenario/defaults.js';
import { boundsProblem } from '../../scenario/bounds.js';

interface DoctorArgs extends ClusterFlags {
  readonly scenarios?: readonly string[];
  readonly namespace?: readonly string[];
  readonly output: DoctorFormat;
  readonly discover: boolean;
  readonly observe: boolean;
  readonly 'collector-namespace': string;
  readonly canary: boolean;
  readonly 'canary-timeout': number;
  readonly image?: string;
  readonly 'image-pull-policy'?: 'Always' | 'IfNotPresent' | 'Never';
}

/** Each wait of the canary (connect, then denied) is bounded by --canary-timeout. */
const CANARY_TIMEOUT_BOUNDS = { min: 1, max: 600 };

export const doctorCommandFactory = defineCommand<DoctorArgs>((ctx) => ({
  command: 'doctor [scenarios..]',
  describe: 'Check that a run can work here: API server, RBAC, namespaces, Pod Security, CNI, wide-open namespaces',
  builder: (yargs: Argv<object>) =>
    withClusterFlags(yargs)
      .positional('scenarios', { type: 'string', array: true, describe: 'Scenario files whose namespaces (actors and targets) a run would use' })
      .option('namespace', { alias: 'n', type: 'string', array: true, describe: 'Namespace a run would use (repeatable; default: the context namespace)' })
      .option('output', { alias: 'o', choices: ['text', 'json'] as const, default: 'text' as DoctorFormat, describe: 'Report format' })
      .option('discover', { type: 'boolean', default: false, describe: 'Also check the list permissions discover --from-cluster and run --discover need in those namespaces' })
      .option('observe', { type: 'boolean', default: false, describe: 'Also check what observe needs: RBAC, and Pod Security admitting its hostPID collector in --collector-namespace' })
      .option('collector-namespace', { type: 'string', default: 'kubeknock', describe: 'The namespace observe would start its collectors in' })
      .option('canary', { type: 'boolean', default: false, describe: 'Prove enforcement: in a scratch namespace (removed afterwards), two probe pods connect, a deny-all goes in, the connection must be denied. Writes to the cluster' })
      .option('canary-timeout', { type: 'number', default: 30, describe: 'Seconds the canary waits for the pods to connect, then for the deny-all to be enforced' })
      .option('image', { type: 'string', describe: `Canary probe image (default ${DEFAULT_IMAGE})` })
      .option('image-pull-policy', { choices: ['Always', 'IfNotPresent', 'Never'] as const, describe: 'Canary probe image pull policy' })
      .check((argv) => {
        const problem = firstProblem(
          boundsProblem('--canary-timeout', argv['canary-timeout'], CANARY_TIMEOUT_BOUNDS),
          argv.image === undefined || argv.image.trim() !== '' ? undefined : '--image: must not be empty',
          ...(argv.namespace ?? []).map((namespace) => namespaceProblem('--namespace', String(namespace))),
          namespaceProblem('--collector-namespace', argv['collector-namespace']),
        );
        if (problem) throw new Error(problem);
        return true;
      }),
  handler: async (argv) => {
    // Loaded per command (not at start-up): --help, --version and the other commands never pay for it.
    const [{ runDoctor, doctorExitCode }, { renderDoctor }, { createClusterInspector }, { loadClusterConfig }, { loadScenarios }, { scenarioNamespaces }] = await Promise.all([
      import('../../app/doctor.js'),
      import('../../report/doctor.js'),
      import('../../cluster/inspect.js'),
      import('../cluster-connect.js'),
      import('../../scenario/load.js'),
      import('../../scenario/namespaces.js'),
    ]);
    // Loading the kubeconfig inside `connect` lets the doctor report a missing one as a ✗ line.
    const connect = () => createClusterInspector(loadClusterConfig(argv, ctx.io));
    const scenarios = argv.scenarios?.length ? await loadScenarios(argv.scenarios) : [];
    const namespaces = [...new Set([...(argv.namespace ?? []), ...scenarioNamespaces(scenarios)])];
    const policyExpectations = scenarios.some((s) => everyCheck(s).some((c) => c.expect === 'policy'));
    const placement = scenarios.some((s) => [...s.actors.values()].some((actor) => actor.placement !== undefined));
    const canary = argv.canary ? await canaryRequest(argv, ctx.io) : undefined;
    // The canary's namespace must go even on Ctrl-C: main lets the doctor finish its cleanup.
    if (canary) ctx.cleansUpOnInterrupt = true;
    const report = await runDoctor(connect, { namespaces, policyExpectations, discovery: argv.discover, placement, ...(argv.observe ? { observe: { collectorNamespace: argv['collector-namespace'] } } : {}), ...(canary ? { canary } : {}) });
    ctx.io.stdout.write(renderDoctor(report, argv.output));
    ctx.exitCode = doctorExitCode(report);
  },
}));

async function canaryRequest(argv: DoctorArgs, io: CliIO): Promise<CanaryRequest> {
  const [{ newCanaryPlan }, { createKubeCluster }, { createObjectStore }, { loadClusterConfig }, { systemClock }] = await Promise.all([
    import('../../app/canary/request.js'),
    import('../../cluster/kube-cluster.js'),
    import('../../cluster/object-store.js'),
    import('../cluster-connect.js'),
    import('../../probe/clock.js'),
  ]);
  const pod = { ...DEFAULTS.pod, ...(argv.image ? { image: argv.image } : {}), ...(argv['image-pull-policy'] ? { imagePullPolicy: argv['image-pull-policy'] } : {}) };
  return {
    plan: newCanaryPlan({ timeoutSeconds: argv['canary-timeout'], pod, nowMs: systemClock.now() }),
    connect: () => {
      const loaded = loadClusterConfig(argv, io);
      return { cluster: createKubeCluster(loaded), objects: createObjectStore(loaded) };
    },
    clock: systemClock,
    ...(io.signal ? { signal: io.signal } : {}),
    progress: (line) => io.stderr.write(line.endsWith('\n') ? line : `${line}\n`),
  };
}
