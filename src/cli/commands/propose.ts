import path from 'node:path';
import type { Argv } from 'yargs';
import type { PolicySource } from '../../app/policy-input.js';
import { visible } from '../../report/sanitize.js';
import { withClusterFlags, type ClusterFlags } from '../cluster-options.js';
import { firstProblem, namespaceProblem } from '../flag-rules.js';
import type { CliIO } from '../io.js';
import { defineCommand } from './define.js';
import { withFlowsFlags, type FlowsFlags } from './flows-flags.js';

interface ProposeArgs extends ClusterFlags, FlowsFlags {
  readonly namespace?: string[];
  readonly filename?: string[];
  readonly 'from-cluster': boolean;
  readonly output?: string;
}

export const proposeCommandFactory = defineCommand<ProposeArgs>((ctx) => ({
  command: 'propose',
  describe: 'Propose least-privilege NetworkPolicies from observed flows (observe -o FILE): default deny, DNS, and exactly the traffic seen, to review',
  builder: (yargs: Argv<object>) =>
    withFlowsFlags(withClusterFlags(yargs), 'The flows file to propose from (kubeknock observe -o FILE); required')
      .option('namespace', { alias: 'n', type: 'string', array: true, describe: 'Write policies for this namespace (repeatable; default: every namespace the flows file observed)' })
      .option('filename', { alias: 'f', type: 'string', array: true, describe: 'Manifests (file or directory, repeatable): check selectors against silent workloads too, find named ports, Service backends and the DNS pods' })
      .option('from-cluster', { type: 'boolean', default: false, describe: 'Read those from the live cluster instead (list only; the flows file must come from the same cluster)' })
      .option('output', { alias: 'o', type: 'string', describe: 'Write one file per namespace into this directory (kubeknock-proposed-<namespace>.yaml) instead of stdout' })
      .check((argv) => {
        const problem = firstProblem(
          argv.flows === undefined ? 'Give the flows file to propose from with --flows FILE (write one with kubeknock observe -o FILE)' : undefined,
          (argv.filename ?? []).length > 0 && argv['from-cluster'] ? 'Use either -f or --from-cluster, not both' : undefined,
          ...(argv.namespace ?? []).map((namespace) => namespaceProblem('--namespace', namespace)),
        );
        return problem ?? true;
      }),
  handler: async (argv) => {
    // Loaded per command (not at start-up): --help, --version and the other commands never pay for it.
    const { proposePolicies } = await import('../../app/flows/propose.js');
    const live = argv['from-cluster'] ? await clusterSource(argv, ctx.io) : undefined;
    const files = argv.filename ?? [];
    const source: PolicySource | undefined =
      live?.source ?? (files.length > 0 ? { type: 'files', paths: files, cwd: ctx.io.cwd, note: (text) => void ctx.io.stderr.write(`kubeknock: note: ${visible(text)}\n`) } : undefined);
    const result = await proposePolicies({
      flowsFile: argv.flows ?? '',
      flowsPath: path.resolve(ctx.io.cwd, argv.flows ?? ''),
      read: { now: new Date(), maxAge: argv['flows-max-age'], ...(live === undefined ? {} : { server: live.server }) },
      namespaces: [...new Set(argv.namespace ?? [])],
      ...(source === undefined ? {} : { source }),
      ...(argv.output === undefined ? {} : { outputDir: path.resolve(ctx.io.cwd, argv.output), outputDirShown: argv.output }),
    });
    if (argv.output === undefined) for (const file of result.files) ctx.io.stdout.write(file.yaml);
    for (const line of result.summary) ctx.io.stderr.write(`${line}\n`);
    ctx.io.stderr.write('Review the policies before applying them; check them with kubeknock diff --flows and roll them out with kubeknock rollout --flows.\n');
  },
}));

/** The composition root for --from-cluster: the Kubernetes client is loaded only when asked for. */
async function clusterSource(flags: ClusterFlags, io: CliIO): Promise<{ source: PolicySource; server: string }> {
  const [{ loadClusterConfig }, { readClusterPolicyObjects }] = await Promise.all([import('../cluster-connect.js'), import('../../cluster/policy-inventory.js')]);
  const { kc, server } = loadClusterConfig(flags, io);
  return { source: { type: 'cluster', read: () => readClusterPolicyObjects(kc) }, server };
}
