/**
 * The one place that turns the cluster flags into a connection. Imported with `await import()` by the
 * handlers that need a cluster, so offline commands never load @kubernetes/client-node.
 */
import { createKubeCluster } from '../cluster/kube-cluster.js';
import { loadKubeConfig, type LoadedKubeConfig } from '../cluster/kubeconfig.js';
import type { ClusterPort } from '../probe/cluster-port.js';
import { outageText, type ClusterFlags } from './cluster-options.js';
import type { CliIO } from './io.js';

/** --kubeconfig / --context / the environment → the cluster to talk to (never the localhost:8080 fallback). */
export function loadClusterConfig(flags: ClusterFlags, io: CliIO): LoadedKubeConfig {
  return loadKubeConfig({
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
    env: io.env,
  });
}

/**
 * The composition root of the cluster adapter: only here is src/cluster constructed. An API server
 * outage mid-run is announced on stderr, as the run pauses for it.
 */
export function connectCluster(flags: ClusterFlags, io: CliIO): ClusterPort {
  return createKubeCluster(loadClusterConfig(flags, io), {
    onOutage: (event) => io.stderr.write(`kubeknock: ${outageText(event)}\n`),
  });
}
