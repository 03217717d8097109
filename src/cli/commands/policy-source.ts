/** Flags shared by predict, explain and lint: where the objects come from and how ipBlock treats pod IPs. */
import type { Argv } from 'yargs';
import type { PolicySource } from '../../app/policy-input.js';
import { PROTOCOLS, type EngineOptions, type Protocol } from '../../policy/types.js';
import { withClusterFlags, type ClusterFlags } from '../cluster-options.js';
import type { CliIO } from '../io.js';
import { visible } from '../../report/sanitize.js';
import { namespaceProblem } from '../flag-rules.js';

export interface PolicySourceFlags extends ClusterFlags {
  readonly filename?: string[];
  readonly 'from-cluster': boolean;
  readonly 'ipblock-matches-pods': boolean;
  readonly 'ignore-cluster-policies': boolean;
  readonly namespace?: string;
}

export function withPolicySourceFlags<T>(yargs: Argv<T>): Argv<T & PolicySourceFlags> {
  return withPolicySourceOptions(yargs).check((argv) => {
    const files = (argv as { filename?: string[] }).filename ?? [];
    const live = (argv as { 'from-cluster'?: boolean })['from-cluster'] === true;
    // A returned string (not a thrown error) is how yargs reports a usage mistake: exit 2 with the message.
    if (files.length === 0 && !live) return 'Give manifests with -f <file|dir> or read the cluster with --from-cluster';
    if (files.length > 0 && live) return 'Use either -f or --from-cluster, not both';
    return true;
  }) as unknown as Argv<T & PolicySourceFlags>;
}

/** -n with files, as kubectl reads it: where objects without a namespace go; refused with --from-cluster (which reads every namespace). */
function namespaceFlagProblem(argv: { namespace?: unknown; 'from-cluster'?: unknown }): string | true {
  if (argv.namespace === undefined) return true;
  if (typeof argv.namespace !== 'string') return '-n/--namespace takes one namespace';
  if (argv['from-cluster'] === true) return '-n places the objects of -f files that name no namespace; --from-cluster reads every namespace, so leave -n out';
  return namespaceProblem('--namespace', argv.namespace) ?? true;
}

/** The flags alone, for a command that decides itself what giving neither -f nor --from-cluster means (diff). */
export function withPolicySourceOptions<T>(yargs: Argv<T>): Argv<T & PolicySourceFlags> {
  return withClusterFlags(yargs)
    .option('filename', { alias: 'f', type: 'string', array: true, describe: 'Manifest file or directory (repeatable): Namespace, Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Service, NetworkPolicy, ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy' })
    .option('from-cluster', { type: 'boolean', default: false, describe: 'Read those kinds from the live cluster instead of files' })
    .option('namespace', {
      alias: 'n',
      type: 'string',
      describe: 'Namespace for the objects of the files that name none (default: "default", with a note); an object naming another is refused, as with kubectl apply -n',
    })
    .option('ipblock-matches-pods', {
      type: 'boolean',
      default: true,
      describe: 'ipBlock peers match pod IPs (Calico does; Cilium does not: pass --no-ipblock-matches-pods)',
    })
    .option('ignore-cluster-policies', {
      type: 'boolean',
      default: false,
      describe: 'With --from-cluster, judge by NetworkPolicies alone: leave out ClusterNetworkPolicy/AdminNetworkPolicy/BaselineAdminNetworkPolicy objects (read otherwise), and go on where some cannot be read or modelled (refused otherwise)',
    })
    .check((argv) => namespaceFlagProblem(argv as { namespace?: unknown; 'from-cluster'?: unknown })) as unknown as Argv<T & PolicySourceFlags>;
}

/** The composition root for the policy commands: the cluster reader is built here, only when asked for. */
export function policySource(flags: PolicySourceFlags, io: CliIO): PolicySource {
  const note = (text: string): void => void io.stderr.write(`kubeknock: note: ${visible(text)}\n`);
  if (!flags['from-cluster']) return { type: 'files', paths: flags.filename ?? [], cwd: io.cwd, namespaces: namespacesOf(flags), note };
  return {
    type: 'cluster',
    read: async () => {
      // Loaded here, not at start-up: only --from-cluster needs the Kubernetes client.
      const [{ readClusterTiers }, { readClusterPolicyObjects }, { loadClusterConfig }] = await Promise.all([
        import('../cluster-tiers.js'),
        import('../../cluster/policy-inventory.js'),
        import('../cluster-connect.js'),
      ]);
      const { kc } = loadClusterConfig(flags, io);
      const tiers = await readClusterTiers(kc, {
        ignore: flags['ignore-cluster-policies'],
        doing: 'verdicts',
        warn: (text) => io.stderr.write(`kubeknock: warning: ${text}\n`),
      });
      return [...(await readClusterPolicyObjects(kc)), ...tiers];
    },
    note,
  };
}

/** The -n of the files, as the list the readers take. */
export function namespacesOf(flags: PolicySourceFlags): readonly string[] {
  return flags.namespace === undefined ? [] : [flags.namespace];
}

export function engineOptions(flags: PolicySourceFlags): EngineOptions {
  return { ipBlockMatchesPods: flags['ipblock-matches-pods'] };
}

/**
 * `--family`: judge dual-stack pods by their address of that family (what an ipBlock sees); without
 * it, by their primary addresses.
 */
export const familyOption = {
  choices: ['ipv4', 'ipv6'] as const,
  describe: 'Address family of the connection: which address of a dual-stack pod ipBlocks see (default: the primary one)',
} as const;

/** The engine's 4 or 6 for `--family`. */
export function engineFamily(family: 'ipv4' | 'ipv6' | undefined): { readonly family?: 4 | 6 } {
  return family === undefined ? {} : { family: family === 'ipv4' ? 4 : 6 };
}

export const protocolOption = {
  choices: PROTOCOLS,
  default: 'TCP' as Protocol,
  coerce: (value: string): Protocol => value.toUpperCase() as Protocol,
  describe: 'Protocol',
} as const;

/** For a yargs `.check`: true, or the usage message. */
export function checkPort(port: unknown, flag = 'port'): true | string {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return `--${flag} must be a whole number from 1 to 65535 (got ${String(port)})`;
  return true;
}
