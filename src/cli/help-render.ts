/**
 * Build step (scripts/render-help.mjs, after tsc): renders the help of every request fast-help.ts can
 * answer, at every width it keeps, through the real parser (main's parseAndRun), so the fast path
 * prints byte for byte what yargs prints. The caller sets an English locale: yargs reads it from
 * process.env.
 */
import type { CommandContext } from './context.js';
import { commands } from './commands/index.js';
import { helpRequests, PRERENDERED_WIDTHS, yargsPrintsEnglish } from './fast-help.js';
import { helpKey, type HelpTexts } from './help-texts.js';
import type { CliIO } from './io.js';
import { parseAndRun } from './main.js';

/** The first word of each command's yargs definition ('run [scenario..]' → 'run'). */
export function commandNames(): string[] {
  const io: CliIO = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: '/' };
  const ctx: CommandContext = { io, exitCode: 0 };
  return commands.map((factory) => {
    const { command } = factory(ctx);
    const name = (Array.isArray(command) ? command[0] : command)?.split(' ')[0];
    if (name === undefined || name === '') throw new Error(`render-help: a command has no name (${JSON.stringify(command)})`);
    return name;
  });
}

/** What the CLI writes for argv with help wrapped to `width`; throws unless it is a plain help answer. */
export async function renderHelp(argv: readonly string[], width: number): Promise<string> {
  let stdout = '';
  let stderr = '';
  const code = await parseAndRun(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: {}, cwd: '/' }, width);
  if (code !== 0 || stderr !== '' || stdout === '') {
    throw new Error(`render-help: "kubeknock ${argv.join(' ')}" is not a help request (exit ${code}, stderr ${JSON.stringify(stderr)}); remove it from helpRequests in src/cli/fast-help.ts`);
  }
  return stdout;
}

export async function renderHelpTexts(env: Readonly<Record<string, string | undefined>>): Promise<HelpTexts> {
  if (!yargsPrintsEnglish(env)) throw new Error('render-help: yargs would translate the help in this locale; run with LC_ALL=C');
  const texts: Record<string, Record<string, string>> = {};
  for (const width of PRERENDERED_WIDTHS) {
    const byRequest: Record<string, string> = {};
    for (const argv of helpRequests(commandNames())) byRequest[helpKey(argv)] = await renderHelp(argv, width);
    texts[String(width)] = byRequest;
  }
  return texts;
}
