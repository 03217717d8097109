import type { Argv } from 'yargs';
import { stepProgress } from '../../app/step-progress.js';
import { systemClock } from '../../probe/clock.js';
import { REPORT_FORMATS, type ReportFormat } from '../../report/format-names.js';
import { VERSION } from '../../version.js';
import path from 'node:path';
import { outageText, wantsColor, wantsSpinner, withClusterFlags, type ClusterFlags } from '../cluster-options.js';
import { JOURNAL_NAMESPACE } from '../../app/journal-store.js';
import { terminalConfirm } from '../confirm.js';
import { tableWidthOption, withTableWidthFlags, type TableWidthFlags } from '../table-width.js';
import { defineCommand } from './define.js';
import { discoverInline, withDiscoverySelectionFlags, type DiscoverySelectionFlags } from './discovery-flags.js';
import { visible } from '../../report/sanitize.js';
import { DEFAULT_SIZE_LIMITS } from '../../app/size-limits.js';
import { dns1123LabelProblem, dns1123SubdomainProblem, imageReferenceProblem } from '../../model/kube-rules.js';
import { flagProblem, overrideProblems, runIdProblem, sizeLimitProblems } from '../flag-rules.js';
import { metricsRequest, withMetricsFlags, type MetricsFlags } from './metrics-flags.js';

interface RunArgs extends ClusterFlags, DiscoverySelectionFlags, TableWidthFlags, MetricsFlags {
  readonly scenario?: readonly string[];
  readonly discover: boolean;
  readonly output: ReportFormat;
  readonly report?: string;
  readonly 'report-format'?: ReportFormat;
  readonly image?: string;
  readonly 'image-pull-policy'?: 'Always' | 'IfNotPresent' | 'Never';
  readonly timeout?: number;
  readonly attempts?: number;
  readonly concurrency?: number;
  readonly settle?: number;
  readonly keep: boolean;
  readonly 'dry-run': boolean;
  readonly 'cluster-domain': string;
  readonly 'run-id'?: string;
  readonly 'ipblock-matches-pods': boolean;
  readonly 'max-pods': number;
  readonly 'max-checks': number;
  readonly 'ignore-cluster-policies': boolean;
  readonly yes: boolean;
  readonly journal?: string;
  readonly 'journal-namespace': string;
}

export const runCommandFactory = defineCommand<RunArgs>((ctx) => ({
  command: 'run [scenario..]',
  describe: 'Create probe pods, knock on every door of the scenario(s), print the pass/fail matrix, clean up',
  builder: (yargs: Argv<object>) =>
    withMetricsFlags(withTableWidthFlags(withDiscoverySelectionFlags(withClusterFlags(yargs))))
      .positional('scenario', { type: 'string', array: true, describe: 'Scenario file(s) (YAML), run one after the other; with several, -o json prints one report per line (JSON Lines)' })
      .option('discover', {
        type: 'boolean',
        default: false,
        describe: 'No scenario file: discover the workloads of the selected namespaces (-n, -A, -l, --exclude-namespace) and knock on every door they have',
      })
      .option('output', { alias: 'o', choices: REPORT_FORMATS, default: 'table' as ReportFormat, describe: 'Report format on stdout' })
      .option('report', { type: 'string', describe: 'Also write the report to this file, in an existing directory (written even when preflight or the run fails or is interrupted)' })
      .option('report-format', { choices: REPORT_FORMATS, describe: 'Format of --report (default: from its extension: .json, .xml=junit, .tap, .md=markdown, .txt=table, .html/.htm, .dot/.gv, .mmd=mermaid; else as -o)' })
      .option('image', { type: 'string', describe: 'Probe image (overrides spec.defaults.pod.image)' })
      .option('image-pull-policy', { choices: ['Always', 'IfNotPresent', 'Never'] as const, describe: 'Probe image pull policy' })
      .option('timeout', { type: 'number', describe: 'Per-probe timeout in seconds (overrides the scenario)' })
      .option('attempts', { type: 'number', describe: 'Attempts per check while the result differs from the expectation' })
      .option('concurrency', { type: 'number', describe: 'Execs running at once across probe pods' })
      .option('settle', { type: 'number', describe: 'Seconds to wait after the pods run, for the CNI to program them' })
      .option('keep', { type: 'boolean', default: false, describe: 'Leave the probe pods in place for debugging (they still expire)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the pods and checks a run would make; create nothing' })
      .option('cluster-domain', { type: 'string', default: 'cluster.local', describe: 'DNS domain of the cluster, for Service names' })
      .option('run-id', { type: 'string', describe: 'Run id label value (default: random)' })
      .option('ipblock-matches-pods', {
        type: 'boolean',
        default: true,
        describe: 'For expect: policy, ipBlock peers match pod IPs (Calico does; Cilium does not: pass --no-ipblock-matches-pods)',
      })
      .option('max-pods', { type: 'number', default: DEFAULT_SIZE_LIMITS.pods, describe: 'Refuse scenarios that would create more probe pods than this' })
      .option('max-checks', { type: 'number', default: DEFAULT_SIZE_LIMITS.checks, describe: 'Refuse scenarios that expand to more checks than this' })
      .option('ignore-cluster-policies', {
        type: 'boolean',
        default: false,
        describe: 'For expect: policy (and --discover), judge by NetworkPolicies alone: leave out ClusterNetworkPolicy/AdminNetworkPolicy/BaselineAdminNetworkPolicy objects (read otherwise), and go on where some cannot be read or modelled (refused otherwise)',
      })
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Multi-step scenarios: make their changes (NetworkPolicies, Namespace labels; put back at the end) without asking' })
      .option('journal', { type: 'string', describe: 'Multi-step scenarios: keep the journal of their changes in this file instead of a ConfigMap' })
      .option('journal-namespace', { type: 'string', default: JOURNAL_NAMESPACE, describe: 'Multi-step scenarios: namespace of the journal ConfigMap (must exist)' })
      .check((argv) => {
        const files = argv.scenario ?? [];
        if (files.length === 0 && !argv.discover) throw new Error('--discover or a scenario file: name scenario file(s) to run, or pass --discover to test the workloads the cluster has');
        if (files.length > 0 && argv.discover) throw new Error('--discover makes its own scenario: give either scenario files or --discover, not both');
        const problem =
          overrideProblems(argv) ??
          sizeLimitProblems(argv) ??
          (argv['run-id'] === undefined ? undefined : runIdProblem(argv['run-id'])) ??
          (argv.image === undefined ? undefined : flagProblem('--image', imageReferenceProblem(argv.image))) ??
          flagProblem('--cluster-domain', dns1123SubdomainProblem(argv['cluster-domain'])) ??
          flagProblem('--journal-namespace', dns1123LabelProblem(argv['journal-namespace']));
        if (problem) throw new Error(problem);
        if (argv['dry-run'] && argv.report !== undefined) throw new Error('--report is not written by --dry-run: nothing runs, so there is no report; drop --report, or --dry-run to run for real');
        if (argv['dry-run'] && (argv['metrics-file'] !== undefined || argv.pushgateway !== undefined)) throw new Error('--metrics-file and --pushgateway are not written by --dry-run: nothing runs, so there are no metrics; drop them, or --dry-run to run for real');
        return true;
      }),
  handler: async (argv) => {
    const { io } = ctx;
    // Loaded per command (not at start-up): --help, --version and the other commands never pay for it.
    const [{ runCommand, reportFormatForFile }, { dryRun }, { createProgress }, { readClusterPolicyObjects }, { scanClusterPolicies }, { createObjectStore }, { connectCluster, loadClusterConfig }, { runWithMetrics }] =
      await Promise.all([
        import('../../app/run.js'),
        import('../../app/dry-run.js'),
        import('../progress.js'),
        import('../../cluster/policy-inventory.js'),
        import('../../cluster/cluster-policies.js'),
        import('../../cluster/object-store.js'),
        import('../cluster-connect.js'),
        import('../../app/metrics/run-with-metrics.js'),
      ]);
    const overrides = {
      ...(argv.image ? { image: argv.image } : {}),
      ...(argv['image-pull-policy'] ? { imagePullPolicy: argv['image-pull-policy'] } : {}),
      ...(argv.timeout ? { timeoutSeconds: argv.timeout } : {}),
      ...(argv.attempts ? { attempts: argv.attempts } : {}),
      ...(argv.concurrency ? { concurrency: argv.concurrency } : {}),
      ...(argv.settle !== undefined ? { settleSeconds: argv.settle } : {}),
    };
    const limits = { pods: argv['max-pods'], checks: argv['max-checks'] };
    const files = argv.scenario ?? [];
    if (argv['dry-run']) {
      const inline = argv.discover ? [await discoverInline(argv, io)] : [];
      ctx.exitCode = await dryRun({ files, inline, overrides, output: argv.output === 'json' ? 'json' : 'text', runId: argv['run-id'] ?? 'dry-run', clusterDomain: argv['cluster-domain'], limits }, (text) => io.stdout.write(text));
      return;
    }
    ctx.cleansUpOnInterrupt = true;
    const confirm = terminalConfirm(io);
    const progress = stepProgress(createProgress(io.stderr, { interactive: wantsSpinner(io) }));
    // Discovery inside the run: a discovery that fails is a broken audit, and its metrics say so.
    const metricsDeps = { clock: systemClock, version: VERSION, fetch, warn: (text: string) => io.stderr.write(`kubeknock: ${visible(text)}\n`) };
    const { exitCode, reports } = await runWithMetrics(metricsRequest(argv, io.cwd), metricsDeps, async () => runCommand(
      {
        files,
        inline: argv.discover ? [await discoverInline(argv, io)] : [],
        overrides,
        output: argv.output,
        ...(argv.report ? { reportFile: argv.report } : {}),
        reportFormat: argv['report-format'] ?? (argv.report ? reportFormatForFile(argv.report, argv.output) : argv.output),
        keep: argv.keep,
        limits,
        clusterDomain: argv['cluster-domain'],
        ...(argv['run-id'] ? { runId: argv['run-id'] } : {}),
        color: wantsColor(io),
        ...tableWidthOption(argv, io),
        policyEngine: { ipBlockMatchesPods: argv['ipblock-matches-pods'] },
        ignoreClusterPolicies: argv['ignore-cluster-policies'],
        yes: argv.yes,
        ...(argv.journal ? { journalFile: path.resolve(io.cwd, argv.journal) } : {}),
        journalNamespace: argv['journal-namespace'],
      },
      {
        connect: () => connectCluster(argv, io),
        progress,
        clock: systemClock,
        ...(io.signal ? { signal: io.signal } : {}),
        write: (text) => io.stdout.write(text),
        toolVersion: VERSION,
        // Built lazily: only a scenario with `expect: policy` checks reads the cluster's policies.
        readPolicyObjects: () => readClusterPolicyObjects(loadClusterConfig(argv, io).kc),
        scanClusterPolicies: () => scanClusterPolicies(loadClusterConfig(argv, io).kc),
        warn: (text) => io.stderr.write(`kubeknock: warning: ${text}\n`),
        objects: () => createObjectStore(loadClusterConfig(argv, io), { onOutage: (event) => io.stderr.write(`kubeknock: ${outageText(event)}\n`) }),
        ...(confirm ? { confirm } : {}),
      },
    ));
    // The table lists run errors itself; machine formats on stdout get them on stderr too.
    if (argv.output !== 'table') for (const error of reports.flatMap((r) => r.errors)) io.stderr.write(`kubeknock: ${error.kind}: ${visible(error.message)}\n`);
    ctx.exitCode = exitCode;
  },
}));
