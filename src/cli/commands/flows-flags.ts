/**
 * `--flows FILE` and `--flows-max-age`, shared by diff, discover and rollout: the flags, their check,
 * and the one call that reads the file (the clock is read here, at the composition root).
 *
 * API: `withFlowsFlags(yargs, describeFlows)`, `readFlowsFlag(flags, io, server?)`.
 */
import path from 'node:path';
import type { Argv } from 'yargs';
import { DEFAULT_FLOWS_MAX_AGE, parseFlowsMaxAge } from '../../flows/document-checks.js';
import type { FlowsDocument } from '../../flows/types.js';
import type { CliIO } from '../io.js';

export interface FlowsFlags {
  readonly flows?: string;
  readonly 'flows-max-age': string;
}

export function withFlowsFlags<T>(yargs: Argv<T>, describeFlows: string): Argv<T & FlowsFlags> {
  return yargs
    .option('flows', { type: 'string', describe: describeFlows })
    .option('flows-max-age', {
      type: 'string',
      default: DEFAULT_FLOWS_MAX_AGE,
      describe: 'Refuse a --flows file observed longer ago than this (24h, 90m, 7d; 0: any age)',
    })
    .check((argv) => {
      const maxAge = parseFlowsMaxAge(String(argv['flows-max-age']));
      if (!maxAge.ok) return maxAge.problem;
      if (argv.flows !== undefined && (typeof argv.flows !== 'string' || argv.flows === '')) return '--flows takes one file (kubeknock observe -o FILE)';
      return true;
    }) as unknown as Argv<T & FlowsFlags>;
}

/** The --flows file, checked against the current cluster's server when the command knows it; undefined without --flows. */
export async function readFlowsFlag(flags: FlowsFlags, io: CliIO, server?: string): Promise<FlowsDocument | undefined> {
  if (flags.flows === undefined) return undefined;
  const { readFlowsFile } = await import('../../app/flows/read-flows.js');
  return readFlowsFile(path.resolve(io.cwd, flags.flows), { now: new Date(), maxAge: flags['flows-max-age'], ...(server === undefined ? {} : { server }) });
}
