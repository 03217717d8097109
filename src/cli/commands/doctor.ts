import type { Argv } from 'yargs';
import type { DoctorFormat } from '../../report/doctor.js';
import { withClusterFlags, type ClusterFlags } from '../cluster-options.js';
import { firstProblem, namespaceProblem } from '../flag-rules.js';
import { defineCommand } from './define.js';
import { everyCheck } from '../../model/scenario.js';

interface DoctorArgs extends ClusterFlags {
  readonly scenarios?: readonly string[];
  readonly namespace?: readonly string[];
  readonly output: DoctorFormat;
  readonly discover: boolean;
  readonly observe: boolean;
  readonly 'collector-namespace': string;
}

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
      .check((argv) => {
        const problem = firstProblem(
          ...(argv.namespace ?? []).map((namespace) => namespaceProblem('--namespace', String(namespace))),
          namespaceProblem('--collector-namespace', argv['collector-namespace']),
        );
        if (problem) throw new Error(problem);
        return true;
      }),
  handler: async (argv) => {
    // Loaded per command (not at start-up): --help, --version and the other commands never pay for it.
    const [{ runDoctor }, { renderDoctor }, { createClusterInspector }, { loadClusterConfig }, { loadScenarios }, { scenarioNamespaces }] = await Promise.all([
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
    const report = await runDoctor(connect, { namespaces, policyExpectations, discovery: argv.discover, placement, ...(argv.observe ? { observe: { collectorNamespace: argv['collector-namespace'] } } : {}) });
    ctx.io.stdout.write(renderDoctor(report, argv.output));
    ctx.exitCode = report.canRun ? 0 : 2;
  },
}));
