/**
 * The flags that say what discovery reads and plans, shared by `discover` and `run --discover`, and
 * the one place that turns them into discovery options. On a live cluster only the selected
 * namespaces are read (list only, never a write); without -n or -A that is the context's namespace,
 * as with kubectl.
 */
import type { Argv } from 'yargs';
import type { DiscoverOptions } from '../../app/discover.js';
import type { InlineScenario } from '../../scenario/load.js';
import type { PolicySource } from '../../app/policy-input.js';
import { parseLabelSelector } from '../../discover/parse-selector.js';
import type { ClusterFlags } from '../cluster-options.js';
import type { CliIO } from '../io.js';
import { checkPort } from './policy-source.js';
import { hostProblem } from '../../scenario/strict-values.js';
import { visible } from '../../report/sanitize.js';

export interface DiscoverySelectionFlags extends ClusterFlags {
  readonly namespace?: string[];
  readonly 'all-namespaces': boolean;
  readonly selector?: string;
  readonly 'exclude-namespace'?: string[];
  readonly exhaustive: boolean;
  readonly external?: string[];
  /** Defined by each command itself (run and discover word it differently). */
  readonly 'ipblock-matches-pods': boolean;
  /** Defined by each command itself: judge by NetworkPolicies alone, leaving the cluster-scoped tiers out. */
  readonly 'ignore-cluster-policies'?: boolean;
}

/** The name every discovered source looks up: fully qualified with a trailing dot, so no search domain applies. */
const DNS_NAME = 'kubernetes.default.svc.cluster.local.';

export function withDiscoverySelectionFlags<T>(yargs: Argv<T>): Argv<T & DiscoverySelectionFlags> {
  return yargs
    .option('namespace', { alias: 'n', type: 'string', array: true, describe: 'Only workloads of this namespace (repeatable; default: every namespace of -f input, the context namespace of a cluster). With -f, as with kubectl apply -n: objects naming no namespace go to it, objects naming another are refused' })
    .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, describe: 'Every namespace' })
    .option('selector', { alias: 'l', type: 'string', describe: 'Only workloads whose pod labels match, e.g. app=web,tier in (a,b)' })
    .option('exclude-namespace', { type: 'string', array: true, describe: 'Leave out this namespace (repeatable)' })
    .option('exhaustive', { type: 'boolean', default: false, describe: 'Probe every pair of workloads, not one pair per class' })
    .option('external', { type: 'string', array: true, describe: 'Also knock on HOST:PORT outside the cluster (repeatable)' })
    .check((argv) => {
      const flags = argv as unknown as DiscoverySelectionFlags;
      if ((flags.namespace ?? []).length > 0 && flags['all-namespaces']) return 'Use either -n or -A, not both';
      if (flags.selector !== undefined) {
        const parsed = parseLabelSelector(flags.selector);
        if ('error' in parsed) return `-l ${flags.selector}: ${parsed.error}`;
      }
      for (const external of flags.external ?? []) {
        const parsed = parseHostPort(external);
        if (typeof parsed === 'string') return parsed;
      }
      return true;
    }) as unknown as Argv<T & DiscoverySelectionFlags>;
}

/** Where discovery reads from: manifest files, or the live cluster (only the namespaces it will use). */
export type DiscoveryInput = { readonly type: 'files'; readonly paths: readonly string[] } | { readonly type: 'cluster' };

export async function discoveryOptions(
  flags: DiscoverySelectionFlags,
  input: DiscoveryInput,
  io: CliIO,
  plan: { readonly snapshot: boolean; readonly scenarioName: string; readonly outputFile?: string },
): Promise<DiscoverOptions> {
  const parsed = flags.selector === undefined ? undefined : parseLabelSelector(flags.selector);
  const selector = parsed && 'selector' in parsed ? parsed.selector : undefined;
  const { source, inputs, namespaces } = await sourceOf(flags, input, io);
  return {
    source,
    inputs,
    selection: { namespaces, excludeNamespaces: flags['exclude-namespace'] ?? [], ...(selector ? { selector } : {}), forProbePods: true },
    plan: {
      exhaustive: flags.exhaustive,
      snapshot: plan.snapshot,
      externals: (flags.external ?? []).flatMap((text) => {
        const hostPort = parseHostPort(text);
        return typeof hostPort === 'string' ? [] : [hostPort];
      }),
      dnsName: DNS_NAME,
    },
    engine: { ipBlockMatchesPods: flags['ipblock-matches-pods'] },
    scenarioName: plan.scenarioName,
    ...(plan.outputFile === undefined ? {} : { outputFile: plan.outputFile }),
  };
}

async function sourceOf(flags: DiscoverySelectionFlags, input: DiscoveryInput, io: CliIO): Promise<{ source: PolicySource; inputs: readonly string[]; namespaces: readonly string[] }> {
  const given = flags.namespace ?? [];
  // With files, -n also places the objects that name no namespace, and refuses objects of other namespaces, as kubectl apply -n does.
  const note = (text: string): void => void io.stderr.write(`kubeknock: note: ${visible(text)}\n`);
  if (input.type === 'files') return { source: { type: 'files', paths: input.paths, cwd: io.cwd, namespaces: given, note }, inputs: input.paths, namespaces: given };
  // Loaded only for a live cluster: the Kubernetes client is most of the CLI's start-up time.
  const [{ loadClusterConfig }, { readClusterWorkloadObjects }, { readClusterTiers }] = await Promise.all([
    import('../cluster-connect.js'),
    import('../../cluster/workload-inventory.js'),
    import('../cluster-tiers.js'),
  ]);
  const loaded = loadClusterConfig(flags, io);
  const contextNamespace = (loaded.context ? loaded.kc.getContextObject(loaded.context)?.namespace : undefined) || 'default';
  const namespaces = flags['all-namespaces'] ? [] : given.length > 0 ? given : [contextNamespace];
  const where = namespaces.length > 0 ? `namespace${namespaces.length === 1 ? '' : 's'} ${namespaces.join(', ')}` : 'every namespace';
  return {
    source: {
      type: 'cluster',
      read: async () => {
        // Cluster-scoped tiers apply to every namespace, so they are read whatever the selection.
        const tiers = await readClusterTiers(loaded.kc, {
          ignore: flags['ignore-cluster-policies'] ?? false,
          doing: 'discovery',
          warn: (text) => io.stderr.write(`kubeknock: warning: ${visible(text)}\n`),
        });
        return [...(await readClusterWorkloadObjects(loaded.kc, namespaces.length > 0 ? namespaces : undefined)), ...tiers];
      },
    },
    inputs: [`the cluster at ${loaded.server} (${where})`],
    namespaces,
  };
}

/** `HOST:PORT` or `[IPv6]:PORT` → its parts, or the usage message. */
export function parseHostPort(text: string): { host: string; port: number } | string {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d+)$/.exec(text);
  const host = match?.[1] ?? match?.[2];
  if (!match || host === undefined) return `--external ${text}: write HOST:PORT, e.g. 203.0.113.10:443 or example.com:443`;
  // The scenario validator's own rule for a host target: the flag must never write a scenario that validate refuses.
  const badHost = hostProblem(host);
  if (badHost !== undefined) return `--external ${text}: the host ${badHost}`;
  const port = Number(match[3]);
  const portProblem = checkPort(port, 'external');
  return portProblem === true ? { host, port } : `--external ${text}: ${portProblem.replace(/^--external /, 'the port ')}`;
}

/**
 * `run --discover`, `rollout --discover`: the scenario `kubeknock discover --from-cluster` would print,
 * made in memory; its plan goes to stderr.
 */
export async function discoverInline(argv: DiscoverySelectionFlags, io: CliIO): Promise<InlineScenario> {
  const [options, { discover }] = await Promise.all([discoveryOptions(argv, { type: 'cluster' }, io, { snapshot: false, scenarioName: 'discovered' }), import('../../app/discover.js')]);
  const result = await discover(options);
  for (const line of result.summary) io.stderr.write(`kubeknock: ${line}\n`);
  return { file: `discovered from ${options.inputs.join(', ')}`, text: result.yaml };
}
