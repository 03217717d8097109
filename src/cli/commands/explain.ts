import type { Argv } from 'yargs';
import type { Protocol } from '../../policy/index.js';
import { wantsColor } from '../cluster-options.js';
import { dns1123SubdomainProblem, labelProblem } from '../../model/kube-rules.js';
import { firstProblem, flagProblem, namespaceProblem } from '../flag-rules.js';
import { defineCommand } from './define.js';
import { checkPort, engineFamily, engineOptions, familyOption, policySource, protocolOption, withPolicySourceFlags, type PolicySourceFlags } from './policy-source.js';

interface ExplainArgs extends PolicySourceFlags {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly family?: 'ipv4' | 'ipv6';
  readonly output: 'text' | 'json';
  readonly 'from-labels'?: string;
  readonly 'to-labels'?: string;
}

/** `app=web,tier=front` → labels; an empty string is a pod without labels. Checked first by labelsProblem. */
function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of labelParts(text)) {
    const [key = '', value = ''] = part.split('=');
    labels[key.trim()] = value.trim();
  }
  return labels;
}

function labelsProblem(text: string, flag: string): string | undefined {
  const bad = labelParts(text).find((part) => {
    const [key, value, ...rest] = part.split('=');
    return !key?.trim() || value === undefined || rest.length > 0;
  });
  if (bad !== undefined) return `${flag}: expected key=value pairs separated by commas, got ${JSON.stringify(bad)}`;
  const labels = parseLabels(text);
  return firstProblem(...Object.entries(labels).map(([key, value]) => flagProblem(flag, labelProblem(key, value))));
}

function labelParts(text: string): string[] {
  return text.split(',').filter((item) => item.trim() !== '');
}

export const explainCommandFactory = defineCommand<ExplainArgs>((ctx) => ({
  command: 'explain',
  describe: 'Why one connection is allowed or denied: the policies isolating each end and the rule that matched, or why none did',
  builder: (yargs: Argv<object>) =>
    withPolicySourceFlags(yargs)
      .option('from', { type: 'string', demandOption: true, describe: 'Source: namespace/pod or an IP address' })
      .option('to', { type: 'string', demandOption: true, describe: 'Destination: namespace/pod or an IP address' })
      .option('port', { type: 'number', demandOption: true, describe: 'Destination port' })
      .option('protocol', protocolOption)
      .option('family', familyOption)
      .option('from-labels', { type: 'string', describe: 'Judge --from as a pod that does not exist yet, with these labels (k=v,k2=v2)' })
      .option('to-labels', { type: 'string', describe: 'Judge --to as a pod that does not exist yet, with these labels (k=v,k2=v2)' })
      .option('output', { alias: 'o', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' })
      .check((argv) => {
        for (const flag of ['from', 'to'] as const) {
          const labels = argv[`${flag}-labels`];
          if (labels === undefined) continue;
          if (!/^[^/\s]+\/[^/\s]+$/.test(argv[flag])) return `--${flag}-labels needs --${flag} as namespace/name`;
          // The pod is made up here, so its names must be ones the API would accept.
          const [namespace = '', name = ''] = argv[flag].split('/');
          const nameProblem = firstProblem(namespaceProblem(`--${flag}`, namespace), flagProblem(`--${flag}`, dns1123SubdomainProblem(name) && `pod name ${dns1123SubdomainProblem(name)}`));
          if (nameProblem) return nameProblem;
          const problem = labelsProblem(labels, `--${flag}-labels`);
          if (problem) return problem;
        }
        return checkPort(argv.port);
      }),
  handler: async (argv) => {
    // Loaded per command (not at start-up): --help, --version and the other commands never pay for it.
    const [{ explain }, { renderExplanation }] = await Promise.all([import('../../app/explain.js'), import('../../report/policy-explain.js')]);
    const explanation = await explain({
      source: policySource(argv, ctx.io),
      from: argv.from,
      to: argv.to,
      port: argv.port,
      protocol: argv.protocol,
      ...engineFamily(argv.family),
      engine: engineOptions(argv),
      extraPods: (['from', 'to'] as const).flatMap((flag) => {
        const labels = argv[`${flag}-labels`];
        if (labels === undefined) return [];
        const [namespace = '', name = ''] = argv[flag].split('/');
        return [{ namespace, name, labels: parseLabels(labels) }];
      }),
    });
    ctx.io.stdout.write(argv.output === 'json' ? `${JSON.stringify(explanation, null, 2)}\n` : renderExplanation(explanation, { color: wantsColor(ctx.io) }));
  },
}));
