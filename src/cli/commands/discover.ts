import type { Argv } from 'yargs';
import { discover } from '../../app/discover.js';
import { parseLabelSelector } from '../../discover/index.js';
import { defineCommand } from './index.js';
import { checkPort } from './policy-source.js';

interface DiscoverArgs {
  readonly filename: string[];
  readonly namespace?: string[];
  readonly 'all-namespaces': boolean;
  readonly selector?: string;
  readonly 'exclude-namespace'?: string[];
  readonly output?: string;
  readonly snapshot: boolean;
  readonly exhaustive: boolean;
  readonly external?: string[];
  readonly name: string;
  readonly 'ipblock-matches-pods': boolean;
}

/** The name every discovered source looks up: fully qualified with a trailing dot, so no search domain applies. */
const DNS_NAME = 'kubernetes.default.svc.cluster.local.';

export const discoverCommandFactory = defineCommand<DiscoverArgs>((ctx) => ({
  command: 'discover',
  describe: 'Write a scenario that knocks on every door of the workloads in manifests (one probe per class of look-alike workloads)',
  builder: (yargs: Argv<object>) =>
    yargs
      .option('filename', { alias: 'f', type: 'string', array: true, demandOption: 'Give manifests with -f <file|dir> (repeatable)', describe: 'Manifest file or directory (repeatable): workloads, Services, Namespaces, NetworkPolicies' })
      .option('namespace', { alias: 'n', type: 'string', array: true, describe: 'Only workloads of this namespace (repeatable; default: every namespace of the input)' })
      .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, describe: 'Every namespace of the input (the default with -f)' })
      .option('selector', { alias: 'l', type: 'string', describe: 'Only workloads whose pod labels match, e.g. app=web,tier in (a,b)' })
      .option('exclude-namespace', { type: 'string', array: true, describe: 'Leave out this namespace (repeatable)' })
      .option('output', { alias: 'o', type: 'string', describe: 'Write the scenario to this file instead of stdout' })
      .option('snapshot', { type: 'boolean', default: false, describe: 'Freeze what the given policies imply as allow/deny (a baseline for CI) instead of expect: policy' })
      .option('exhaustive', { type: 'boolean', default: false, describe: 'Probe every pair of workloads, not one pair per class' })
      .option('external', { type: 'string', array: true, describe: 'Also knock on HOST:PORT outside the cluster (repeatable)' })
      .option('name', { type: 'string', default: 'discovered', describe: 'metadata.name of the scenario' })
      .option('ipblock-matches-pods', { type: 'boolean', default: true, describe: 'ipBlock peers match pod IPs (Calico does; Cilium does not)' })
      .check((argv) => {
        if ((argv.namespace ?? []).length > 0 && argv['all-namespaces']) return 'Use either -n or -A, not both';
        if (argv.selector !== undefined) {
          const parsed = parseLabelSelector(argv.selector);
          if ('error' in parsed) return `-l ${argv.selector}: ${parsed.error}`;
        }
        for (const external of argv.external ?? []) {
          const parsed = parseHostPort(external);
          if (typeof parsed === 'string') return parsed;
        }
        if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(argv.name)) return `--name ${argv.name}: a scenario name is a DNS label (lower-case letters, digits and '-', at most 63)`;
        return true;
      }),
  handler: async (argv) => {
    const parsed = argv.selector === undefined ? undefined : parseLabelSelector(argv.selector);
    const selector = parsed && 'selector' in parsed ? parsed.selector : undefined;
    const result = await discover({
      source: { type: 'files', paths: argv.filename, cwd: ctx.io.cwd },
      inputs: argv.filename,
      selection: { namespaces: argv.namespace ?? [], excludeNamespaces: argv['exclude-namespace'] ?? [], ...(selector ? { selector } : {}) },
      plan: {
        exhaustive: argv.exhaustive,
        snapshot: argv.snapshot,
        externals: (argv.external ?? []).flatMap((text) => {
          const hostPort = parseHostPort(text);
          return typeof hostPort === 'string' ? [] : [hostPort];
        }),
        dnsName: DNS_NAME,
      },
      engine: { ipBlockMatchesPods: argv['ipblock-matches-pods'] },
      scenarioName: argv.name,
      ...(argv.output === undefined ? {} : { outputFile: argv.output }),
    });
    if (argv.output === undefined) ctx.io.stdout.write(result.yaml);
    for (const line of result.summary) ctx.io.stderr.write(`${line}\n`);
    if (argv.output !== undefined) ctx.io.stderr.write(`scenario written to ${argv.output}\n`);
  },
}));

/** `HOST:PORT` or `[IPv6]:PORT` → its parts, or the usage message. */
export function parseHostPort(text: string): { host: string; port: number } | string {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d+)$/.exec(text);
  const host = match?.[1] ?? match?.[2];
  if (!match || host === undefined) return `--external ${text}: write HOST:PORT, e.g. 203.0.113.10:443 or example.com:443`;
  const port = Number(match[3]);
  const portProblem = checkPort(port, 'external');
  return portProblem === true ? { host, port } : `--external ${text}: ${portProblem.replace(/^--external /, 'the port ')}`;
}
