/**
 * `kubeknock observe`: which pods really talk to which. Starts one collector pod per node (see
 * src/flows/collector.ts for what it may do and why), execs the sampling script in each at every
 * interval, folds the samples into flows, and removes the collectors on every path: the end of the
 * window, Ctrl-C (which ends the window early and still writes what was seen), an error. A collector
 * left by a CLI that was killed is swept by the next observe or run in its namespace, or `cleanup`.
 *
 * Nothing is created before the plan was shown and confirmed (or --yes given), nothing is created in a
 * namespace the user selected for observation, and nothing is written to any node.
 */
import { InputError, describeError } from '../../model/errors.js';
import type { RawObject } from '../../policy/index.js';
import type { ClusterPort, PodManifest, PodRef, RunningPod } from '../../probe/cluster-port.js';
import type { Clock } from '../../probe/clock.js';
import { sweepLeftovers } from '../../probe/sweep.js';
import { COLLECTOR_CONTAINER, COLLECTOR_PRIVILEGES, buildCollectorPod, sampleCommand } from '../../flows/collector.js';
import { COST_SCRIPT, describeCollectorCost, parseCollectorCost } from '../../flows/collector-cost.js';
import type { FlowsDocument } from '../../flows/types.js';
import { FLOWS_API_VERSION, FLOWS_KIND } from '../../flows/types.js';
import { createFold } from '../../flows/fold.js';
import { isoSeconds } from '../../flows/fold-aggregate.js';
import { observationFacts, type ClusterNode, type ObservationFacts } from './observation-facts.js';

export type ObserveCluster = Pick<ClusterPort, 'server' | 'namespacePhase' | 'createPod' | 'waitForPodsRunning' | 'exec' | 'deletePods' | 'listPods'>;

export interface ObserveDeps {
  readonly cluster: ObserveCluster;
  /** Namespaces, workloads, Pods and Services of every namespace (identities, addresses), read-only. */
  readonly readObjects: () => Promise<readonly RawObject[]>;
  readonly readNodes: () => Promise<readonly ClusterNode[]>;
  /** Server-side dry run of a pod: Pod Security admission and RBAC answer as for the real one. */
  readonly dryRunPod: (pod: PodManifest) => Promise<void>;
  readonly clock: Clock;
  /** Progress and the plan: stderr. */
  readonly progress: (line: string) => void;
  /** Asks on a terminal; absent when nobody can answer (then --yes is required). */
  readonly confirm?: (question: string) => Promise<boolean>;
  /** Aborted by Ctrl-C / SIGTERM: the window ends early, what was seen is kept. */
  readonly signal?: AbortSignal;
}

export interface ObserveOptions {
  /** Namespaces whose pods' traffic is kept; empty with allNamespaces. */
  readonly namespaces: readonly string[];
  readonly allNamespaces: boolean;
  readonly forSeconds: number;
  readonly intervalSeconds: number;
  /** Where the collector pods go (not a namespace being observed, unless the user says so). */
  readonly collectorNamespace: string;
  readonly image: string;
  readonly imagePullPolicy: string;
  readonly imagePullSecrets: readonly string[];
  readonly yes: boolean;
  /** How long a collector may take to start before its node is reported as not observed. */
  readonly startTimeoutSeconds: number;
  readonly runId: string;
}

export interface ObserveResult {
  readonly document: FlowsDocument;
  /** Samples folded, over all nodes. */
  readonly samples: number;
}

/** Start, the window, and cleanup: the deadline after which the kubelet kills a forgotten collector. */
const DEADLINE_MARGIN_SECONDS = 300;
const EXEC_TIMEOUT_MS = 30_000;
const MAX_SAMPLE_BYTES = 32 * 1024 * 1024;
const DELETE_TIMEOUT_MS = 60_000;

export async function observe(deps: ObserveDeps, options: ObserveOptions): Promise<ObserveResult> {
  const { cluster, progress } = deps;
  const phase = await cluster.namespacePhase(options.collectorNamespace);
  if (phase === undefined) {
    throw new InputError(
      `the collector namespace ${options.collectorNamespace} does not exist; nothing was created. Create it with a Pod Security level that admits hostPID pods: ` +
        `kubectl create namespace ${options.collectorNamespace} && kubectl label namespace ${options.collectorNamespace} pod-security.kubernetes.io/enforce=privileged (or choose another with --collector-namespace)`,
    );
  }
  if (phase === 'Terminating') throw new InputError(`the collector namespace ${options.collectorNamespace} is being deleted; nothing was created. Wait until it is gone and create it again, or choose another with --collector-namespace`);

  const nodes = (await deps.readNodes()).filter((node) => node.name.length > 0);
  if (nodes.length === 0) throw new InputError('the cluster lists no node: there is nothing to observe');
  // A node that is not Ready runs nothing a collector could sample (and could not run the collector).
  const readyNodes = nodes.filter((node) => node.ready);
  if (readyNodes.length === 0) throw new InputError(`no node is Ready (${nodes.map((node) => node.name).join(', ')}): there is nothing to observe`);
  const objects = await deps.readObjects();
  let facts = await observationFacts(objects, nodes, options);
  if (facts.selectedNamespaces.length === 0) throw new InputError(`none of the namespaces ${options.namespaces.join(', ')} exists; nothing was created`);

  const deadlineSeconds = options.forSeconds + options.startTimeoutSeconds + DEADLINE_MARGIN_SECONDS;
  const manifests = readyNodes.map((node) => buildCollectorPod({ namespace: options.collectorNamespace, node: node.name, runId: options.runId, image: options.image, imagePullPolicy: options.imagePullPolicy, imagePullSecrets: options.imagePullSecrets, deadlineSeconds }));
  for (const line of planText(options, nodes, facts, deadlineSeconds)) progress(line);
  await confirmOrRefuse(deps, options);

  // Pod Security and RBAC answer for a dry run exactly as for the real pod: refuse before creating any.
  try {
    await deps.dryRunPod({ ...manifests[0]!, metadata: { ...manifests[0]!.metadata } });
  } catch (error) {
    throw new InputError(
      `the collector pod would not be admitted in namespace ${options.collectorNamespace}: ${describeError(error)}; nothing was created. ` +
        `It needs hostPID (Pod Security level "privileged" there: kubectl label namespace ${options.collectorNamespace} pod-security.kubernetes.io/enforce=privileged) and RBAC to create pods and pods/exec there; \`kubeknock doctor --observe\` checks both`,
    );
  }
  const swept = await sweepLeftovers(cluster, [options.collectorNamespace], deps.clock);
  if (swept.removed.length > 0) progress(`removed ${swept.removed.length} pod(s) left behind by earlier runs in ${options.collectorNamespace}`);

  const created: PodRef[] = [];
  try {
    const collectors = await startCollectors(deps, options, manifests, created);
    for (const node of nodes) {
      if (node.ready) continue;
      collectors.failures.set(node.name, 'node is not Ready');
      progress(`node ${node.name} is not observed: node is not Ready`);
    }
    const fold = createFold(facts.fold);
    const started = deps.clock.now();
    const endsAt = started + options.forSeconds * 1000;
    let samples = 0;
    for (;;) {
      const podsOnNode = facts.podUidsByNode;
      const results = await Promise.all(
        collectors.running.map(async ({ node, pod }) => ({
          node,
          result: await cluster.exec(pod, COLLECTOR_CONTAINER, sampleCommand(node, podsOnNode.get(node) ?? []), { timeoutMs: EXEC_TIMEOUT_MS, maxOutputBytes: MAX_SAMPLE_BYTES }),
        })),
      );
      let answering = 0;
      for (const { node, result } of results) {
        if (result.type !== 'exited' || result.exitCode !== 0) {
          const reason = result.type === 'exited' ? `sampling exited ${result.exitCode}: ${result.stderr.trim().slice(0, 200)}` : result.reason;
          if (collectors.failures.get(node) !== reason) progress(`node ${node}: a sample failed: ${reason}`);
          collectors.failures.set(node, reason);
          continue;
        }
        const added = fold.add(result.stdout);
        if (added.kind === 'refused') {
          progress(`node ${node}: sample not used: ${added.reason}`);
          continue;
        }
        samples += 1;
        answering += 1;
      }
      const left = Math.max(0, Math.ceil((endsAt - deps.clock.now()) / 1000));
      progress(`observing: ${left} s left, ${fold.flowCount()} flow(s) so far, ${answering}/${nodes.length} node(s) answering`);
      if (deps.signal?.aborted || deps.clock.now() >= endsAt) break;
      await deps.clock.sleep(Math.min(options.intervalSeconds * 1000, endsAt - deps.clock.now()), deps.signal);
      if (deps.signal?.aborted) break;
      // Pods come and go during a window: sample and map the pods that exist now.
      facts = await observationFacts(await deps.readObjects(), nodes, options);
      fold.updateFacts(facts.fold);
    }
    const interrupted = deps.signal?.aborted === true;
    if (interrupted) progress('interrupted: the window ends now; writing what was seen, then removing the collectors');
    else await reportCost(deps, collectors, (deps.clock.now() - started) / 1000);
    const folded = fold.finish({ notObserved: [...collectors.failures].map(([node, reason]) => ({ node, reason })) });
    const document: FlowsDocument = {
      apiVersion: FLOWS_API_VERSION,
      kind: FLOWS_KIND,
      cluster: { server: cluster.server },
      namespaces: facts.selectedNamespaces,
      window: { start: isoSeconds(Math.floor(started / 1000)), end: isoSeconds(Math.floor(deps.clock.now() / 1000)), intervalSeconds: options.intervalSeconds, ended: interrupted ? 'interrupted' : 'completed' },
      coverage: folded.coverage,
      flows: folded.flows,
    };
    return { document, samples };
  } finally {
    await removeCollectors(deps, created);
  }
}

interface Collectors {
  readonly running: readonly { readonly node: string; readonly pod: RunningPod }[];
  /** Nodes whose collector did not start or stopped answering, with the reason. */
  readonly failures: Map<string, string>;
}

async function startCollectors(deps: ObserveDeps, options: ObserveOptions, manifests: readonly PodManifest[], created: PodRef[]): Promise<Collectors> {
  const failures = new Map<string, string>();
  const refs: { node: string; pod: PodRef }[] = [];
  for (const manifest of manifests) {
    const node = String(manifest.metadata.annotations?.['kubeknock.dev/node'] ?? '');
    const pod = await deps.cluster.createPod(manifest);
    created.push(pod);
    refs.push({ node, pod });
  }
  deps.progress(`started ${refs.length} collector pod(s) in ${options.collectorNamespace}; waiting for them to run`);
  // One wait per node: a node whose collector cannot start is named and the others go on.
  const waited = await Promise.all(
    refs.map(async ({ node, pod }) => {
      try {
        const [running] = await deps.cluster.waitForPodsRunning([pod], { timeoutMs: options.startTimeoutSeconds * 1000, ...(deps.signal ? { signal: deps.signal } : {}) });
        return running === undefined ? undefined : { node, pod: running };
      } catch (error) {
        failures.set(node, `collector did not start: ${describeError(error)}`);
        return undefined;
      }
    }),
  );
  const running = waited.filter((entry): entry is { node: string; pod: RunningPod } => entry !== undefined);
  for (const [node, reason] of failures) deps.progress(`node ${node} is not observed: ${reason}`);
  if (running.length === 0 && !deps.signal?.aborted) {
    throw new InputError(`no collector started on any node, so nothing can be observed: ${[...failures].map(([node, reason]) => `${node}: ${reason}`).join('; ')}`);
  }
  return { running, failures };
}

/** What each collector cost its node over the window (CPU of its container's cgroup, the sampling included, and peak memory). */
async function reportCost(deps: ObserveDeps, collectors: Collectors, windowSeconds: number): Promise<void> {
  const costs = await Promise.all(
    collectors.running.map(async ({ node, pod }) => {
      const result = await deps.cluster.exec(pod, COLLECTOR_CONTAINER, ['sh', '-c', COST_SCRIPT], { timeoutMs: EXEC_TIMEOUT_MS });
      return describeCollectorCost(node, result.type === 'exited' ? parseCollectorCost(result.stdout) : {}, windowSeconds);
    }),
  );
  deps.progress(`collector cost: ${costs.join('; ')}`);
}

async function removeCollectors(deps: ObserveDeps, created: readonly PodRef[]): Promise<void> {
  if (created.length === 0) return;
  try {
    await deps.cluster.deletePods(created, { gracePeriodSeconds: 1, timeoutMs: DELETE_TIMEOUT_MS });
    deps.progress(`removed ${created.length} collector pod(s)`);
  } catch (error) {
    deps.progress(`could not remove every collector pod (${describeError(error)}); \`kubeknock cleanup\` removes them`);
    throw error;
  }
}

async function confirmOrRefuse(deps: ObserveDeps, options: ObserveOptions): Promise<void> {
  if (options.yes) return;
  if (deps.confirm === undefined) throw new InputError('observe creates privileged collector pods (see the plan above): pass --yes to go ahead without a terminal to confirm on; nothing was created');
  if (!(await deps.confirm('Create the collector pods and observe? [y/N] '))) throw new InputError('not confirmed: nothing was created');
}

function planText(options: ObserveOptions, nodes: readonly ClusterNode[], facts: ObservationFacts, deadlineSeconds: number): string[] {
  return [
    `observe plan: the traffic of the pods in ${options.allNamespaces ? 'every namespace' : `namespace(s) ${facts.selectedNamespaces.join(', ')}`} for ${options.forSeconds} s, one sample every ${options.intervalSeconds} s`,
    `  creates ${nodes.filter((node) => node.ready).length} collector pod(s) in namespace ${options.collectorNamespace}, one on each Ready node: ${nodes.filter((node) => node.ready).map((node) => node.name).join(', ')}`,
    ...nodes.filter((node) => !node.ready).map((node) => `  node ${node.name} is not Ready: its pods cannot be observed`),
    `  image ${options.image}; it only sleeps, and kubeknock execs read-only sampling into it; the kubelet kills it after ${deadlineSeconds} s whatever happens`,
    '  privileges, and why:',
    ...COLLECTOR_PRIVILEGES.map((line) => `    - ${line}`),
    '  the collector pods are removed when the window ends, on Ctrl-C (which ends the window early and keeps what was seen), and on any error',
  ];
}

