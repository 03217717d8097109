import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { visible } from '../../report/sanitize.js';
import { metricsRequest, withMetricsFlags, type MetricsFlags } from './metrics-flags.js';
import { stepProgress } from '../../app/step-progress.js';
import { JOURNAL_NAMESPACE } from '../../app/journal-store.js';
import { dns1123LabelProblem } from '../../model/kube-rules.js';
import { systemClock } from '../../probe/clock.js';
import { REPORT_FORMATS, type ReportFormat } from '../../report/format-names.js';
import { VERSION } from '../../version.js';
import { outageText, wantsColor, wantsSpinner, withClusterFlags, type ClusterFlags } from '../cluster-options.js';
import { terminalConfirm } from '../confirm.js';
import { flagProblem, overrideProblems, runIdProblem } from '../flag-rules.js';
import { tableWidthOption, withTableWidthFlags, type TableWidthFlags } from '../table-width.js';
import { defineCommand } from './define.js';
import { discoveryOptions, withDiscoverySelectionFlags, type DiscoverySelectionFlags } from './discovery-flags.js';
import { readFlowsFlag, withFlowsFlags, type FlowsFlags } from './flows-flags.js';

interface RolloutArgs extends ClusterFlags, TableWidthFlags, DiscoverySelectionFlags, MetricsFlags, FlowsFlags {
  readonly discover: boolean;
  readonly 'allow-cut-flows': boolean;
  readonly filename?: string[];
  readonly scenario?: string[];
  readonly undo?: string;
  readonly 'dry-run': boolean;
  readonly yes: boolean;
  readonly rollback: boolean;
  readonly force: boolean;
  readonly journal?: string;
  readonly 'journal-namespace': string;
  readonly id?: string;
  readonly output: ReportFormat;
  readonly image?: string;
  readonly 'image-pull-policy'?: 'Always' | 'IfNotPresent' | 'Never';
  readonly timeout?: number;
  readonly attempts?: number;
  readonly settle?: number;
  readonly 'cluster-domain': string;
  readonly 'ipblock-matches-pods': boolean;
  readonly 'ignore-cluster-policies': boolean;
}

export const rolloutCommandFactory = defineCommand<RolloutArgs>((ctx) => ({
  command: 'rollout',
  describe: 'Apply NetworkPolicies safely: plan an order that never cuts an expected-open connection (allows first, default-deny last), apply step by step, verify each step live, roll back on a broken door',
  builder: (yargs: Argv<object>) =>
    withFlowsFlags(
      withMetricsFlags(withTableWidthFlags(withDiscoverySelectionFlags(withClusterFlags(yargs)))),
      'Flows file (kubeknock observe -o FILE): refuse a plan whose steps would cut an observed flow, and verify the flows live at every step',
    )
      .option('allow-cut-flows', { type: 'boolean', default: false, describe: 'With --flows: go on although steps cut observed flows (named loudly); the cut flows are then verified as the policies say' })
      .option('filename', { alias: 'f', type: 'string', array: true, describe: 'NetworkPolicy manifest file or directory to roll out (repeatable)' })
      .option('scenario', { alias: 's', type: 'string', array: true, describe: 'Scenario file(s) saying which connections must work and which must not; verified live at every step' })
      .option('discover', {
        type: 'boolean',
        default: false,
        describe: 'Also verify every step against the workloads of the selected namespaces (-n, -A, -l): probe pods stand in for them, judged by the policies at each step',
      })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Validate (server-side dry run) and print the plan with the diff of every step; change nothing' })
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Apply without asking (required when stdin is not a terminal)' })
      .option('rollback', { type: 'boolean', default: true, describe: 'On a broken expectation, put every changed object back (--no-rollback leaves the failed step for debugging)' })
      .option('journal', { type: 'string', describe: 'Keep the journal in this local file instead of a ConfigMap in --journal-namespace' })
      .option('journal-namespace', { type: 'string', default: JOURNAL_NAMESPACE, describe: 'Namespace of the journal ConfigMap (must exist)' })
      .option('undo', { type: 'string', describe: 'Put back everything a rollout changed, from its journal: a file, NAMESPACE/CONFIGMAP, or the rollout id' })
      .option('force', { type: 'boolean', default: false, describe: 'With --undo: also restore objects someone changed after kubeknock wrote them' })
      .option('id', { type: 'string', describe: 'Rollout id (default: random); names the journal ConfigMap kubeknock-journal-ID' })
      .option('output', { alias: 'o', choices: REPORT_FORMATS, default: 'table' as ReportFormat, describe: 'Format of the per-step reports on stdout' })
      .option('image', { type: 'string', describe: 'Probe image (overrides the scenarios)' })
      .option('image-pull-policy', { choices: ['Always', 'IfNotPresent', 'Never'] as const, describe: 'Probe image pull policy' })
      .option('timeout', { type: 'number', describe: 'Per-probe timeout in seconds' })
      .option('attempts', { type: 'number', describe: 'Attempts per check while the result differs (a step allows at least 10, for enforcement to catch up)' })
      .option('settle', { type: 'number', describe: 'Seconds to wait after each change before probing' })
      .option('cluster-domain', { type: 'string', default: 'cluster.local', describe: 'DNS domain of the cluster' })
      .option('ipblock-matches-pods', { type: 'boolean', default: true, describe: 'ipBlock peers match pod IPs (Calico does; Cilium does not: --no-ipblock-matches-pods)' })
      .option('ignore-cluster-policies', { type: 'boolean', default: false, describe: 'Plan and verify by NetworkPolicies alone even where ClusterNetworkPolicy & co. exist (the rollout planner does not model them yet: refused otherwise)' })
      .check((argv) => {
        const files = argv.filename ?? [];
        const metrics = argv['metrics-file'] !== undefined || argv.pushgateway !== undefined;
        if (metrics && (argv.undo !== undefined || argv['dry-run'])) throw new Error('--metrics-file and --pushgateway are written by a rollout that runs its steps, not by --undo or --dry-run; drop them');
        if (argv.undo !== undefined) {
          if (files.length > 0 || (argv.scenario ?? []).length > 0 || argv.discover || argv.flows !== undefined) throw new Error('--undo restores from a journal: give it alone, without -f, --scenario, --discover or --flows');
          if (argv.undo === '') throw new Error('--undo needs a journal: a file, NAMESPACE/CONFIGMAP, or the rollout id');
          return true;
        }
        if (argv.force) throw new Error('--force only applies to --undo');
        if (argv['allow-cut-flows'] && argv.flows === undefined) throw new Error('--allow-cut-flows lets a rollout cut the flows of --flows FILE: give --flows too');
        if (files.length === 0) throw new Error('name the policies to roll out with -f FILE|DIR (or restore a rollout with --undo JOURNAL)');
        const problem =
          overrideProblems(argv) ??
          (argv.id === undefined ? undefined : runIdProblem(argv.id)) ??
          flagProblem('--journal-namespace', dns1123LabelProblem(argv['journal-namespace']));
        if (problem) throw new Error(problem);
        if (argv.journal !== undefined && existsSync(argv.journal) && statSync(argv.journal).isDirectory()) throw new Error(`--journal ${argv.journal} is a directory; name a file`);
        return true;
      }),
  handler: async (argv) => {
    const { io } = ctx;
    // Loaded per command (not at start-up): --help, --version and the other commands never pay for it.
    const [{ rollout }, { undoRollout }, { createProgress }, { readClusterPolicyObjects }, { scanClusterPolicies }, { createObjectStore }, { connectCluster, loadClusterConfig }, { runWithMetrics }] =
      await Promise.all([
        import('../../app/rollout.js'),
        import('../../app/rollout-undo.js'),
        import('../progress.js'),
        import('../../cluster/policy-inventory.js'),
        import('../../cluster/cluster-policies.js'),
        import('../../cluster/object-store.js'),
        import('../cluster-connect.js'),
        import('../../app/metrics/run-with-metrics.js'),
      ]);
    const objects = () => createObjectStore(loadClusterConfig(argv, io), { onOutage: (event) => io.stderr.write(`kubeknock: ${outageText(event)}\n`) });
    const confirm = terminalConfirm(io);
    const note = (text: string) => io.stderr.write(`kubeknock: ${text}\n`);
    if (argv.undo !== undefined) {
      const file = path.resolve(io.cwd, argv.undo);
      ctx.exitCode = await undoRollout(
        { journal: existsSync(file) ? file : argv.undo, journalNamespace: argv['journal-namespace'], yes: argv.yes, force: argv.force, isFile: existsSync(file) },
        { objects, ...(confirm ? { confirm } : {}), write: (text) => io.stdout.write(text), note },
      );
      return;
    }
    ctx.cleansUpOnInterrupt = true;
    const progress = stepProgress(createProgress(io.stderr, { interactive: wantsSpinner(io) }));
    // The steps' reports carry each step's enforcement lag: the metrics of a rollout are those of its steps.
    const metricsDeps = { clock: systemClock, version: VERSION, fetch, warn: (text: string) => io.stderr.write(`kubeknock: ${visible(text)}\n`) };
    const outcome = await runWithMetrics(metricsRequest(argv, io.cwd), metricsDeps, async () => {
      const done = await rollout(
      {
        files: argv.filename ?? [],
        cwd: io.cwd,
        namespaces: argv.namespace ?? [],
        scenarios: argv.scenario ?? [],
        ...(argv.discover ? { discovery: await discoveryOptions(argv, { type: 'cluster' }, io, { snapshot: false, scenarioName: 'discovered' }) } : {}),
        ...(argv.flows !== undefined ? { flows: { file: argv.flows, allowCut: argv['allow-cut-flows'] } } : {}),
        overrides: {
          ...(argv.image ? { image: argv.image } : {}),
          ...(argv['image-pull-policy'] ? { imagePullPolicy: argv['image-pull-policy'] } : {}),
          ...(argv.timeout ? { timeoutSeconds: argv.timeout } : {}),
          ...(argv.attempts ? { attempts: argv.attempts } : {}),
          ...(argv.settle !== undefined ? { settleSeconds: argv.settle } : {}),
        },
        dryRun: argv['dry-run'],
        yes: argv.yes,
        rollback: argv.rollback,
        ...(argv.journal ? { journalFile: path.resolve(io.cwd, argv.journal) } : {}),
        journalNamespace: argv['journal-namespace'],
        ...(argv.id ? { id: argv.id } : {}),
        clusterDomain: argv['cluster-domain'],
        output: argv.output,
        color: wantsColor(io),
        ...tableWidthOption(argv, io),
        engine: { ipBlockMatchesPods: argv['ipblock-matches-pods'] },
        ignoreClusterPolicies: argv['ignore-cluster-policies'],
      },
      {
        connect: () => connectCluster(argv, io),
        objects,
        readPolicyObjects: () => readClusterPolicyObjects(loadClusterConfig(argv, io).kc),
        scanClusterPolicies: () => scanClusterPolicies(loadClusterConfig(argv, io).kc),
        readFlows: async (file, server) => {
          const document = await readFlowsFlag({ ...argv, flows: file }, io, server);
          if (document === undefined) throw new Error('rollout --flows read no flows file (a wiring bug)');
          return document;
        },
        ...(confirm ? { confirm } : {}),
        progress,
        clock: systemClock,
        ...(io.signal ? { signal: io.signal } : {}),
        write: (text) => io.stdout.write(text),
        note,
        toolVersion: VERSION,
      },
    );
      return { exitCode: done.exitCode, reports: done.execution?.reports ?? [] };
    });
    ctx.exitCode = outcome.exitCode;
  },
}));

