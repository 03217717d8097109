import { KubeknockError, InputError, describeError, formatIssue } from '../model/errors.js';
import type { CommandContext } from './context.js';
import type { CliIO } from './io.js';
import { VERSION } from '../version.js';
import { cleanText, visible } from '../report/sanitize.js';
import { helpWidth, prerenderedHelp } from './fast-help.js';

/**
 * The whole CLI as one function of (argv, io) so tests run it in-process. Returns the exit code:
 * 0 every expectation met, 1 some expectation failed, 2 usage or infrastructure error.
 * Errors are printed here and only here.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  // `--version` alone needs no parser: answered before yargs loads, which is most of the start-up left.
  if (argv.length === 1 && argv[0] === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  // Plain help requests print the text the build rendered with this same parser (fast-help.ts): no yargs.
  const help = prerenderedHelp(argv, process.stdout.columns, process.env);
  if (help !== undefined) {
    io.stdout.write(help);
    return 0;
  }
  return parseAndRun(argv, io, helpWidth(process.stdout.columns));
}

/**
 * Everything but the fast paths: yargs parses argv and runs the command. `wrap` is the width help
 * is wrapped to; the build renders the prerendered help through here at each width it keeps.
 */
export async function parseAndRun(argv: readonly string[], io: CliIO, wrap: number): Promise<number> {
  const [{ default: yargs }, { commands }] = await Promise.all([import('yargs'), import('./commands/index.js')]);
  const ctx: CommandContext = { io, exitCode: 0 };
  let parser = yargs([...argv])
    .scriptName('kubeknock')
    .usage('$0 <command> [options]\n\nKnocks on every door of a Kubernetes cluster to prove which ones NetworkPolicies keep shut.')
    .version(VERSION)
    .strict()
    .demandCommand(1, 'Name a command: run, validate, discover, observe, propose, diff, rollout, predict, explain, lint, report, doctor, cleanup or manifests (kubeknock --help lists them).')
    .recommendCommands()
    .wrap(wrap)
    .exitProcess(false)
    .fail((message: string | undefined, error: unknown) => {
      // yargs calls this for its own usage problems (unknown flag, a .check() returning a string or
      // throwing), and again for whatever this handler throws. Usage problems are the user's to fix;
      // anything else thrown by a command keeps its class for reportError.
      if (error instanceof UsageFailure || error instanceof KubeknockError) throw error;
      if (error instanceof Error && error.name !== 'YError' && !isUsageCheck(error)) throw error;
      throw new UsageFailure(typeof error === 'string' ? error : error instanceof Error ? error.message : (message ?? 'invalid usage'));
    });
  for (const factory of commands) parser = parser.command(factory(ctx));
  try {
    // yargs drops a lone "-" without a word, and a run over no scenario then passes: refuse it.
    if (argv.includes('-')) throw new UsageFailure(STDIN_REFUSED);
    let helpOutput = '';
    const parsed = parser.parseAsync([...argv], {}, (_err, _argv, output) => {
      helpOutput = output;
    });
    const stopped = await Promise.race([parsed.then(() => undefined), interrupted(io, ctx)]);
    if (stopped !== undefined) return stopped;
    if (helpOutput) io.stdout.write(`${helpOutput}\n`);
    return ctx.exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

/**
 * Resolves with 130 (SIGINT) or 143 (SIGTERM) when io.signal aborts and the running command has
 * nothing to clean up; for one that has, it only announces the cleanup and the command returns.
 */
function interrupted(io: CliIO, ctx: CommandContext): Promise<number> {
  const { signal } = io;
  if (!signal) return new Promise<number>(() => undefined);
  return new Promise<number>((resolve) => {
    const onAbort = (): void => {
      const name = String(signal.reason ?? '').includes('SIGTERM') ? 'SIGTERM' : 'SIGINT';
      io.onInterrupt?.(ctx.cleansUpOnInterrupt === true);
      if (ctx.cleansUpOnInterrupt) {
        io.stderr.write(`kubeknock: ${name} received: cleaning up (press Ctrl-C again to exit at once)\n`);
        return;
      }
      io.stderr.write(`kubeknock: ${name} received: stopped\n`);
      resolve(signalExitCode(name));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The shell's code for a process ended by the signal: 128 + its number. */
export function signalExitCode(name: 'SIGINT' | 'SIGTERM'): number {
  return name === 'SIGTERM' ? 143 : 130;
}

/** 130 or 143 once the signal has aborted, whenever that was; undefined when no signal came. */
export function interruptExitCode(signal: AbortSignal): number | undefined {
  if (!signal.aborted) return undefined;
  return signalExitCode(String(signal.reason ?? '').includes('SIGTERM') ? 'SIGTERM' : 'SIGINT');
}

class UsageFailure extends Error {}

const STDIN_REFUSED =
  'a lone "-" (standard input) is not supported: kubeknock reads scenarios and manifests from files only; save the input to a file and pass its path';

/** An Error thrown from a command's .check() callback: yargs passes it through as is. */
function isUsageCheck(error: Error): boolean {
  return error.constructor === Error && /^--[a-z]/.test(error.message);
}

/**
 * Messages quote what the user gave (values, file names, names from manifests): each message is one
 * line with its control characters made visible, so no value can forge a line or recolour the terminal.
 */
function reportError(error: unknown, io: CliIO): number {
  if (error instanceof UsageFailure) {
    io.stderr.write(`kubeknock: ${visible(error.message)}\nRun "kubeknock --help" for usage.\n`);
    return 2;
  }
  if (error instanceof InputError) {
    io.stderr.write(`kubeknock: ${visible(error.message)}\n`);
    for (const issue of error.issues) io.stderr.write(`  ${visible(formatIssue(issue))}\n`);
    return error.exitCode;
  }
  if (error instanceof KubeknockError) {
    io.stderr.write(`kubeknock: ${visible(describeError(error))}\n`);
    return error.exitCode;
  }
  io.stderr.write(`kubeknock: unexpected error: ${cleanText(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
  return 2;
}
