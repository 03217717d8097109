/**
 * Flags every cluster-facing command shares. Turning them into a connection is cluster-connect.ts:
 * it loads the Kubernetes client, which only a command that talks to a cluster should pay for.
 */
import type { Argv } from 'yargs';
import type { OutageEvent } from '../cluster/api-calls.js';
import { assertNever } from '../model/assert-never.js';
import type { CliIO } from './io.js';

export interface ClusterFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
}

export function withClusterFlags<T>(yargs: Argv<T>): Argv<T & ClusterFlags> {
  return yargs
    .option('kubeconfig', { type: 'string', describe: 'Path to the kubeconfig (default: $KUBECONFIG, ~/.kube/config, or in-cluster)' })
    .option('context', { type: 'string', describe: 'kubeconfig context to use (default: the current one)' }) as Argv<T & ClusterFlags>;
}

export function outageText(event: OutageEvent): string {
  switch (event.type) {
    case 'lost':
      return `API server unreachable while ${event.doing} (${event.why}); retrying for up to ${Math.round(event.budgetMs / 1000)}s`;
    case 'back':
      return `API server answering again after ${(event.afterMs / 1000).toFixed(1)}s`;
    default:
      return assertNever(event, 'outage event');
  }
}

/**
 * Colour only where a person reads it: a TTY, unless NO_COLOR is set (to anything but ""). FORCE_COLOR
 * wins either way: 0 or false turns colour off even on a TTY, any other value turns it on.
 */
export function wantsColor(io: CliIO): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return !['0', 'false'].includes(force.toLowerCase());
  if (io.env.NO_COLOR) return false;
  return io.stdout.isTTY === true;
}

/** Spinners only on an interactive terminal, never in CI logs. */
export function wantsSpinner(io: CliIO): boolean {
  return io.stderr.isTTY === true && !io.env.CI;
}
