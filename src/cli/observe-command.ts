/**
 * `kubeknock observe` wiring: the composition root builds the cluster adapters and hands the use case
 * plain functions, then writes the flows file (or prints it).
 */
import { createKubeCluster } from '../cluster/kube-cluster.js';
import { createObjectStore } from '../cluster/object-store.js';
import { readClusterWorkloadObjects } from '../cluster/workload-inventory.js';
import { observe } from '../app/flows/observe.js';
import { writeOutputFile } from '../app/output-file.js';
import { newRunId } from '../app/run.js';
import { renderFlowsJson, renderFlowsYaml } from '../flows/document-yaml.js';
import { parseDurationSeconds } from '../flows/duration.js';
import { InputError, InfraError } from '../model/errors.js';
import type { KubeObject } from '../model/objects.js';
import { systemClock } from '../probe/clock.js';
import { DEFAULT_IMAGE } from '../scenario/defaults.js';
import { loadClusterConfig } from './cluster-connect.js';
import { outageText, type ClusterFlags } from './cluster-options.js';
import { terminalConfirm } from './confirm.js';
import type { CliIO } from './io.js';

export interface ObserveFlags extends ClusterFlags {
  readonly namespace?: string[];
  readonly 'all-namespaces': boolean;
  readonly for: string;
  readonly interval: number;
  readonly output?: string;
  readonly 'collector-namespace': string;
  readonly image?: string;
  readonly 'image-pull-policy'?: 'Always' | 'IfNotPresent' | 'Never';
  readonly 'start-timeout': number;
  readonly yes: boolean;
}

export async function runObserveCommand(flags: ObserveFlags, io: CliIO): Promise<number> {
  const loaded = loadClusterConfig(flags, io);
  const cluster = createKubeCluster(loaded, { onOutage: (event) => io.stderr.write(`kubeknock: ${outageText(event)}\n`) });
  const objects = createObjectStore(loaded);
  const contextNamespace = (loaded.context ? loaded.kc.getContextObject(loaded.context)?.namespace : undefined) || 'default';
  const namespaces = flags['all-namespaces'] ? [] : (flags.namespace ?? []).length > 0 ? [...new Set(flags.namespace)] : [contextNamespace];
  const target = outputTarget(flags.output);
  const forSeconds = parseDurationSeconds(flags.for);
  if (typeof forSeconds === 'string') throw new InputError(`--for ${forSeconds}`);
  const confirm = terminalConfirm(io);
  const result = await observe(
    {
      cluster,
      readObjects: () => readClusterWorkloadObjects(loaded.kc),
      readNodes: async () => {
        const listing = await cluster.listNodes();
        if (listing.type === 'forbidden') throw new InputError(`observe needs to list nodes (one collector per node): ${listing.message}`);
        return listing.nodes.map((node) => ({ name: node.name, addresses: node.addresses ?? [], podCIDRs: node.podCIDRs ?? [], ready: node.ready }));
      },
      dryRunPod: async (pod) => {
        // Server-side apply needs a name; the dry run stores nothing under it.
        const named: KubeObject = { ...pod, metadata: { ...pod.metadata, name: 'kubeknock-observe-admission-check', generateName: undefined } } as unknown as KubeObject;
        await objects.dryRunApply(named);
      },
      clock: systemClock,
      progress: (line) => void io.stderr.write(`kubeknock: ${line}\n`),
      ...(confirm ? { confirm } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
    },
    {
      namespaces,
      allNamespaces: flags['all-namespaces'],
      forSeconds,
      intervalSeconds: flags.interval,
      collectorNamespace: flags['collector-namespace'],
      image: flags.image ?? DEFAULT_IMAGE,
      imagePullPolicy: flags['image-pull-policy'] ?? 'IfNotPresent',
      imagePullSecrets: [],
      yes: flags.yes,
      startTimeoutSeconds: flags['start-timeout'],
      runId: newRunId(),
    },
  );
  const text = target.format === 'json' ? renderFlowsJson(result.document) : renderFlowsYaml(result.document);
  if (target.file === undefined) {
    io.stdout.write(text);
  } else {
    try {
      await writeOutputFile(target.file, text);
    } catch (error) {
      throw new InfraError(`writing the flows file ${target.file}: ${(error as Error).message}`);
    }
  }
  const observed = result.document.coverage.nodes.filter((node) => node.status === 'observed').length;
  io.stderr.write(
    `kubeknock: ${result.document.flows.length} flow(s) from ${result.samples} sample(s) of ${observed}/${result.document.coverage.nodes.length} node(s)${target.file ? `; written to ${target.file}` : ''}\n`,
  );
  return 0;
}

/** `-o json` / `-o yaml`: that format on stdout (as kubectl's -o); any other value is a file, JSON when it ends in .json. */
function outputTarget(output: string | undefined): { readonly file?: string; readonly format: 'yaml' | 'json' } {
  if (output === undefined || output === 'yaml') return { format: 'yaml' };
  if (output === 'json') return { format: 'json' };
  return { file: output, format: output.toLowerCase().endsWith('.json') ? 'json' : 'yaml' };
}
