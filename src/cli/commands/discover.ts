import type { Argv } from 'yargs';
import path from 'node:path';
import { pictureFormatForFile } from '../../report/graph/picture-formats.js';
import { withClusterFlags } from '../cluster-options.js';
import { discoveryOptions, withDiscoverySelectionFlags, type DiscoverySelectionFlags } from './discovery-flags.js';
import { defineCommand } from './define.js';
import { readFlowsFlag, withFlowsFlags, type FlowsFlags } from './flows-flags.js';

interface DiscoverArgs extends DiscoverySelectionFlags, FlowsFlags {
  readonly filename?: string[];
  readonly 'from-cluster': boolean;
  readonly output?: string;
  readonly snapshot: boolean;
  readonly name: string;
  readonly report?: string;
}

export const discoverCommandFactory = defineCommand<DiscoverArgs>((ctx) => ({
  command: 'discover',
  describe: 'Write a scenario that knocks on every door of the workloads in manifests or in the cluster (one probe per class of look-alike workloads)',
  builder: (yargs: Argv<object>) =>
    withFlowsFlags(withDiscoverySelectionFlags(withClusterFlags(yargs)), 'Observed flows (kubeknock observe -o FILE): each becomes an expect: allow check, and the scenario names the declared doors that saw no traffic')
      .option('filename', { alias: 'f', type: 'string', array: true, describe: 'Manifest file or directory (repeatable): workloads, Services, Namespaces, NetworkPolicies' })
      .option('from-cluster', {
        type: 'boolean',
        default: false,
        describe: 'Read the workloads, Services and NetworkPolicies of the selected namespaces from the live cluster (list only)',
      })
      .option('output', { alias: 'o', type: 'string', describe: 'Write the scenario to this file instead of stdout' })
      .option('snapshot', { type: 'boolean', default: false, describe: 'Freeze what the current policies imply as allow/deny (a baseline for CI) instead of expect: policy' })
      .option('name', { type: 'string', default: 'discovered', describe: 'metadata.name of the scenario' })
      .option('report', { type: 'string', describe: 'Also draw the plan into this file: .html (self-contained page), .dot (Graphviz) or .mmd (Mermaid)' })
      .option('ipblock-matches-pods', { type: 'boolean', default: true, describe: 'ipBlock peers match pod IPs (Calico does; Cilium does not)' })
      .option('ignore-cluster-policies', {
        type: 'boolean',
        default: false,
        describe: 'With --from-cluster, plan by NetworkPolicies alone: leave out ClusterNetworkPolicy/AdminNetworkPolicy/BaselineAdminNetworkPolicy objects (read otherwise), and go on where some cannot be read or modelled (refused otherwise)',
      })
      .check((argv) => {
        const files = argv.filename ?? [];
        if (files.length === 0 && !argv['from-cluster']) return 'Give manifests with -f <file|dir> (repeatable) or read the cluster with --from-cluster';
        if (files.length > 0 && argv['from-cluster']) return 'Use either -f or --from-cluster, not both';
        if (argv.report !== undefined && pictureFormatForFile(argv.report) === undefined) return `--report ${argv.report}: name a .html, .dot or .mmd file`;
        if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(argv.name)) return `--name ${argv.name}: a scenario name is a DNS label (lower-case letters, digits and '-', at most 63)`;
        return true;
      }),
  handler: async (argv) => {
    // Loaded per command (not at start-up): --help, --version and the other commands never pay for it.
    const { discover } = await import('../../app/discover.js');
    const input = argv['from-cluster'] ? ({ type: 'cluster' } as const) : ({ type: 'files', paths: argv.filename ?? [] } as const);
    // The flows file is checked against the cluster only when the command reads one (--from-cluster).
    const server = argv['from-cluster'] && argv.flows !== undefined ? (await import('../cluster-connect.js')).loadClusterConfig(argv, ctx.io).server : undefined;
    const flows = await readFlowsFlag(argv, ctx.io, server);
    const result = await discover({
      ...(await discoveryOptions(argv, input, ctx.io, { snapshot: argv.snapshot, scenarioName: argv.name, ...(argv.output === undefined ? {} : { outputFile: argv.output }) })),
      asFile: true,
      ...(flows && argv.flows !== undefined ? { flows: { document: flows, file: argv.flows } } : {}),
    });
    const format = argv.report === undefined ? undefined : pictureFormatForFile(argv.report);
    if (argv.report !== undefined && format !== undefined) {
      const [{ htmlAssetsFor }, { writeReportFile }, { graphOfPlan }, { renderGraph }] = await Promise.all([
        import('../../app/html-assets.js'),
        import('../../app/report-file.js'),
        import('../../report/graph/from-plan.js'),
        import('../../report/graph/render.js'),
      ]);
      await writeReportFile(path.resolve(ctx.io.cwd, argv.report), renderGraph(format, graphOfPlan(result.plan), (await htmlAssetsFor([format])).htmlAssets));
    }
    if (argv.output === undefined) ctx.io.stdout.write(result.yaml);
    for (const line of result.summary) ctx.io.stderr.write(`${line}\n`);
    if (argv.output !== undefined) ctx.io.stderr.write(`scenario written to ${argv.output}\n`);
    if (argv.report !== undefined) ctx.io.stderr.write(`plan drawn in ${argv.report}\n`);
  },
}));
