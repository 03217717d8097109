import type { Argv } from 'yargs';
import { isPictureFormat, PICTURE_FORMATS, type PictureFormat } from '../../report/graph/picture-formats.js';
import { visible } from '../../report/sanitize.js';
import { wantsColor } from '../cluster-options.js';
import { refuseTooNarrow, tableWidthOption, withTableWidthFlags, type TableWidthFlags } from '../table-width.js';
import { defineCommand } from './define.js';
import { readFlowsFlag, withFlowsFlags, type FlowsFlags } from './flows-flags.js';
import { engineOptions, namespacesOf, policySource, withPolicySourceOptions, type PolicySourceFlags } from './policy-source.js';

interface DiffArgs extends PolicySourceFlags, TableWidthFlags, FlowsFlags {
  readonly 'fail-on-cut-flows': boolean;
  readonly to: string[];
  readonly scenario?: string[];
  readonly output: 'table' | 'json' | 'markdown' | PictureFormat;
  readonly 'max-rows': number;
}

const EPILOG = `The current state is the -f files or the live cluster (--from-cluster). With neither, it is "no NetworkPolicy at all", over the Namespaces and workloads of the --to files: "kubeknock diff --to policies.yaml --scenario s.yaml" shows what those policies cut from an open cluster. (-f with a file of only Namespaces and workloads does the same.)
A --to policy with the namespace/name of a current one replaces it, as kubectl apply would; the others are added; nothing is removed. Namespaces and workloads in the --to files join the picture.
Cells: every workload identity and scenario actor to every declared port of every other one (and of the cluster DNS, or a stand-in for it); a scenario's actor → actor checks mark the cells they are on.
--flows FILE (kubeknock observe -o FILE) marks every cut connection that carried observed traffic, lists it first and counts it in the summary (--fail-on-cut-flows: exit 1 when any observed flow is cut); a file of another cluster (with --from-cluster) or older than --flows-max-age is refused.
Exit codes: 0 no verdict changes, 1 some connections cut or opened, 2 bad input.`;

export const diffCommandFactory = defineCommand<DiffArgs>((ctx) => ({
  command: 'diff',
  describe: 'Which connections candidate NetworkPolicies (--to) would cut or open, compared with the current ones (no cluster needed)',
  builder: (yargs: Argv<object>) =>
    withFlowsFlags(withTableWidthFlags(withPolicySourceOptions(yargs)), 'Observed flows (kubeknock observe -o FILE): cut connections that carried traffic are marked and listed first')
      .option('fail-on-cut-flows', { type: 'boolean', default: false, describe: 'Exit 1 when the candidate cuts any observed flow (needs --flows)' })
      .option('to', { type: 'string', array: true, demandOption: 'Give the candidate NetworkPolicies with --to <file|dir>', describe: 'Candidate manifest file or directory (repeatable): its NetworkPolicies replace or join the current ones' })
      .option('scenario', { type: 'string', array: true, describe: 'Scenario file (repeatable): its actors join as pods and its actor → actor checks are marked where a change agrees or not' })
      .option('output', { alias: 'o', choices: ['table', 'json', 'markdown', ...PICTURE_FORMATS] as const, default: 'table' as const, describe: 'Output format (markdown: for a pull-request comment)' })
      .option('max-rows', { type: 'number', default: 100, describe: 'Rows shown per section in table and markdown output (0: all); JSON lists every cell' })
      .epilog(EPILOG)
      .check((argv) => {
        if ((argv.filename ?? []).length > 0 && argv['from-cluster']) return 'Use either -f or --from-cluster, not both';
        if (argv.to.length === 0) return 'Give the candidate NetworkPolicies with --to <file|dir>';
        if (argv['fail-on-cut-flows'] && argv.flows === undefined) return '--fail-on-cut-flows needs the observed flows: add --flows FILE (kubeknock observe -o FILE)';
        if (!Number.isInteger(argv['max-rows']) || argv['max-rows'] < 0) return `--max-rows must be a whole number, 0 or more (got ${String(argv['max-rows'])})`;
        return true;
      }),
  handler: async (argv) => {
    // Loaded per command (not at start-up): --help, --version and the other commands never pay for it.
    const [{ diff }, { renderDiffMarkdown, renderDiffTable }, { writeDiffJson }] = await Promise.all([
      import('../../app/diff.js'),
      import('../../report/verdict-diff.js'),
      import('../../report/verdict-diff-json.js'),
    ]);
    const note = (text: string): void => void ctx.io.stderr.write(`kubeknock: note: ${visible(text)}\n`);
    const given = (argv.filename ?? []).length > 0 || argv['from-cluster'];
    // The flows file is checked against the cluster only when the command reads one (--from-cluster).
    const server = argv['from-cluster'] && argv.flows !== undefined ? (await import('../cluster-connect.js')).loadClusterConfig(argv, ctx.io).server : undefined;
    const flows = await readFlowsFlag(argv, ctx.io, server);
    const result = await diff({
      ...(given ? { current: policySource(argv, ctx.io) } : {}),
      candidate: { paths: argv.to, cwd: ctx.io.cwd, namespaces: namespacesOf(argv) },
      scenarios: argv.scenario ?? [],
      engine: engineOptions(argv),
      ...(flows ? { flows } : {}),
      note,
    });
    const options = { color: wantsColor(ctx.io), maxRows: argv['max-rows'] };
    if (isPictureFormat(argv.output)) {
      const [{ htmlAssetsFor }, { graphOfDiff }, { renderGraph }] = await Promise.all([
        import('../../app/html-assets.js'),
        import('../../report/graph/from-diff.js'),
        import('../../report/graph/render.js'),
      ]);
      ctx.io.stdout.write(renderGraph(argv.output, graphOfDiff(result), (await htmlAssetsFor([argv.output])).htmlAssets));
    } else if (argv.output === 'json') writeDiffJson(result, (text) => ctx.io.stdout.write(text));
    else if (argv.output === 'markdown') ctx.io.stdout.write(renderDiffMarkdown(result, { ...options, color: false }));
    else {
      const text = renderDiffTable(result, { ...options, ...tableWidthOption(argv, ctx.io) });
      refuseTooNarrow(text, argv);
      ctx.io.stdout.write(text);
    }
    const cutFlows = argv['fail-on-cut-flows'] && (result.flows?.cut.length ?? 0) > 0;
    ctx.exitCode = result.diff.cut.length + result.diff.opened.length > 0 || cutFlows ? 1 : 0;
  },
}));
