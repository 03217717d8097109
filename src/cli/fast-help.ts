/**
 * `kubeknock --help`, `kubeknock help` and `kubeknock <command> --help` without yargs: loading the
 * parser and registering every command was most of what help cost. The build renders these texts
 * with the real parser (help-render.ts); this module only decides whether one of them is exactly what
 * yargs would print now. Whenever it cannot be sure (another width, a translated locale, any other
 * argv) it answers undefined and yargs runs as before.
 */
import { helpKey, readHelpTexts, type HelpTexts } from './help-texts.js';

/**
 * The width main gives yargs' wrap(): the terminal's columns up to 110, and 100 when stdout is not a
 * terminal (process.stdout has no columns then).
 */
export function helpWidth(columns: number | undefined): number {
  return Math.min(110, columns ?? 100);
}

/**
 * Widths the build renders: 110 is every terminal at least that wide, 100 is a pipe or a file (and a
 * 100-column terminal), 80 the classic terminal. Other widths are left to yargs.
 */
export const PRERENDERED_WIDTHS: readonly number[] = [80, 100, 110];

/** The argv forms the build renders for the given command names: the ones people type. */
export function helpRequests(commandNames: readonly string[]): string[][] {
  return [['--help'], ['help'], ...commandNames.flatMap((name) => [[name, '--help'], ['--help', name]])];
}

/**
 * The locale yargs picks (yargs 18, YargsInstance[kGuessLocale]): the first set one of LC_ALL,
 * LC_MESSAGES, LANG, LANGUAGE, else en_US, without its encoding or modifier.
 */
export function yargsLocale(env: Readonly<Record<string, string | undefined>>): string {
  const locale = env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'] || env['LANGUAGE'] || 'en_US';
  return locale.replace(/[.:].*/, '');
}

/**
 * Locales in which yargs prints the English texts the build rendered: en and en_* read its en.json
 * (identical to the built-in strings); C and POSIX have no locale file, so yargs keeps its built-in
 * strings. Any other locale may be translated (LANG=de_DE prints "Optionen:").
 */
export function yargsPrintsEnglish(env: Readonly<Record<string, string | undefined>>): boolean {
  return /^(en|en_.*|C|POSIX)$/.test(yargsLocale(env));
}

/** The prerendered text yargs would print for argv now, or undefined when it may differ. Pure. */
export function selectHelp(texts: HelpTexts, argv: readonly string[], columns: number | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (!yargsPrintsEnglish(env)) return undefined;
  return texts[String(helpWidth(columns))]?.[helpKey(argv)];
}

/**
 * For main: the help to print, or undefined to go the normal way. The texts are read only for argv
 * that can be a help request, so no other command pays for them. `env` must be process.env: yargs
 * reads the locale from there, not from the CLI's injected environment.
 */
export function prerenderedHelp(argv: readonly string[], columns: number | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (argv.length < 1 || argv.length > 2 || !(argv.includes('--help') || argv[0] === 'help')) return undefined;
  const texts = readHelpTexts();
  return texts === undefined ? undefined : selectHelp(texts, argv, columns, env);
}
