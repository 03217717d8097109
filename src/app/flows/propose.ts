/**
 * propose: a flows file (and optionally manifests or the live cluster) → one reviewed YAML file of
 * least-privilege NetworkPolicies per selected namespace, on stdout or under -o DIR. The flows file is
 * read and checked first (malformed, another cluster's, too old: exit 2); nothing is ever sent to the
 * cluster, only read from it with --from-cluster.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { factsOf, proposalFileName, propose, renderNamespaceYaml, type NamespaceProposal } from '../../flows/propose/index.js';
import { InputError } from '../../model/errors.js';
import { writeOutputFile } from '../output-file.js';
import { loadInventory, type PolicySource } from '../policy-input.js';
import { readFlowsFile, type FlowsReadOptions } from './read-flows.js';

export interface ProposeOptions {
  /** The flows file as the user named it (for the header) and resolved. */
  readonly flowsFile: string;
  readonly flowsPath: string;
  readonly read: FlowsReadOptions;
  /** -n: namespaces to write policies for; empty: every namespace the flows file observed. */
  readonly namespaces: readonly string[];
  /** -f or --from-cluster: silent workloads, named ports, Service backends, DNS pods. */
  readonly source?: PolicySource;
  /** -o DIR, resolved; absent: stdout. */
  readonly outputDir?: string;
  /** -o DIR as the user gave it, for the summary. */
  readonly outputDirShown?: string;
}

export interface ProposeFile {
  readonly namespace: string;
  /** Under the output directory, or undefined for stdout. */
  readonly file: string | undefined;
  readonly yaml: string;
}

export interface ProposeResult {
  readonly files: readonly ProposeFile[];
  /** One line per namespace, for stderr. */
  readonly summary: readonly string[];
}

export async function proposePolicies(options: ProposeOptions): Promise<ProposeResult> {
  const document = await readFlowsFile(options.flowsPath, options.read);
  const unobserved = options.namespaces.filter((namespace) => !document.namespaces.includes(namespace));
  if (unobserved.length > 0) {
    throw new InputError(
      `-n ${unobserved.join(', ')}: ${options.flowsFile} did not observe ${unobserved.length === 1 ? 'that namespace' : 'those namespaces'} (it observed ${document.namespaces.join(', ') || 'none'}); ` +
        `a default deny written from no traffic would cut everything there: observe it first (kubeknock observe -n ${unobserved[0] ?? ''})`,
    );
  }
  const from = options.source?.type === 'cluster' ? 'the cluster' : 'the manifests';
  const facts = options.source === undefined ? undefined : factsOf(await loadInventory(options.source), from);
  const proposal = propose(document, { namespaces: options.namespaces, ...(facts === undefined ? {} : { facts }) });
  const files = proposal.namespaces.map((namespace) => ({
    namespace: namespace.namespace,
    file: options.outputDir === undefined ? undefined : path.join(options.outputDir, proposalFileName(namespace.namespace)),
    yaml: renderNamespaceYaml(namespace, { flowsFile: options.flowsFile, document, ...(facts === undefined ? {} : { factsFrom: from }) }),
  }));
  if (options.outputDir !== undefined) {
    await outputDirectory(options.outputDir);
    for (const file of files) if (file.file !== undefined) await writeOutputFile(file.file, file.yaml);
  }
  const shown = (namespace: string): string | undefined => (options.outputDir === undefined ? undefined : path.join(options.outputDirShown ?? options.outputDir, proposalFileName(namespace)));
  return { files, summary: proposal.namespaces.map((namespace) => summaryLine(namespace, shown(namespace.namespace))) };
}

function summaryLine(namespace: NamespaceProposal, file: string | undefined): string {
  const workloads = namespace.policies.length - 2;
  const uncovered = namespace.notCovered.length > 0 ? `; ${namespace.notCovered.length} observed flow${namespace.notCovered.length === 1 ? '' : 's'} NOT COVERED (listed in the file's header)` : '';
  return (
    `${namespace.namespace}: ${namespace.policies.length} policies (default deny, DNS, ${workloads} workload${workloads === 1 ? '' : 's'}) from ${namespace.flowCount} flow${namespace.flowCount === 1 ? '' : 's'}${uncovered}` +
    `${file === undefined ? '' : ` → ${file}`}`
  );
}

/** -o DIR: created when missing; a file of that name is refused. */
async function outputDirectory(directory: string): Promise<void> {
  const found = await stat(directory).catch(() => undefined);
  if (found !== undefined && !found.isDirectory()) throw new InputError(`-o ${directory} is a file; propose writes one file per namespace into a directory: name a directory`);
  await mkdir(directory, { recursive: true });
}
