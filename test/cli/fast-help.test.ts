/**
 * Issue 18: `kubeknock --help`, `help` and `<command> --help` print texts the build rendered, without
 * loading yargs. They must be byte for byte what yargs prints: at every width main would wrap to, for
 * every request the fast path answers; and wherever the fast path cannot be sure (another width, a
 * translated locale, any other argv) it must step aside for yargs. The truth is yargs itself, run
 * in-process through main's parseAndRun; the texts are the built dist/cli/help-texts.json.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { helpRequests, helpWidth, prerenderedHelp, selectHelp, yargsLocale } from '../../src/cli/fast-help.js';
import { commandNames } from '../../src/cli/help-render.js';
import { readHelpTexts, type HelpTexts } from '../../src/cli/help-texts.js';
import { main, parseAndRun } from '../../src/cli/main.js';

afterEach(() => vi.unstubAllEnvs());

/** What the CLI prints through yargs for argv with help wrapped to `wrap` columns. */
async function yargsPrints(argv: readonly string[], wrap: number): Promise<string> {
  let stdout = '';
  const code = await parseAndRun(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true }, env: {}, cwd: '/' }, wrap);
  expect(code, `kubeknock ${argv.join(' ')} through yargs`).toBe(0);
  return stdout;
}

function builtTexts(): HelpTexts {
  const texts = readHelpTexts();
  if (texts === undefined) throw new Error('dist/cli/help-texts.json is missing or malformed: run "npm run build"');
  return texts;
}

const ENGLISH = { LANG: 'en_US.UTF-8' };
const NAMES = commandNames();

describe('prerendered help', () => {
  it('answers the top level and every command', () => {
    expect(NAMES).toEqual(expect.arrayContaining(['run', 'validate', 'report', 'doctor', 'cleanup', 'rollout', 'predict', 'explain', 'lint', 'discover', 'diff', 'manifests']));
    const texts = builtTexts();
    for (const argv of helpRequests(NAMES)) expect(selectHelp(texts, argv, undefined, ENGLISH), `kubeknock ${argv.join(' ')} has a prerendered text`).toBeDefined();
  });

  // main wraps help to the terminal's columns up to 110, and to 100 when stdout is not a terminal
  // (a pipe, a file: process.stdout has no columns).
  it.each([
    [undefined, 100],
    [80, 80],
    [100, 100],
    [110, 110],
    [200, 110],
  ])('is what yargs prints, for every request, when stdout has %s columns (wrapped to %s)', async (columns, wrap) => {
    expect(helpWidth(columns)).toBe(wrap);
    vi.stubEnv('LC_ALL', 'en_US.UTF-8');
    const texts = builtTexts();
    for (const argv of helpRequests(NAMES)) {
      expect(selectHelp(texts, argv, columns, ENGLISH), `kubeknock ${argv.join(' ')} with ${String(columns)} columns`).toBe(await yargsPrints(argv, wrap));
    }
  });

  it.each([[79], [81], [99], [109], [40]])('steps aside for yargs on a terminal of %s columns (no text at that width)', (columns) => {
    expect(selectHelp(builtTexts(), ['--help'], columns, ENGLISH)).toBeUndefined();
  });

  it.each([['C'], ['C.UTF-8'], ['POSIX'], ['en'], ['en_GB.UTF-8'], ['en_US.UTF-8@euro']])('prints the same as yargs in locale %s', async (locale) => {
    vi.stubEnv('LC_ALL', locale);
    expect(selectHelp(builtTexts(), ['run', '--help'], undefined, { LC_ALL: locale })).toBe(await yargsPrints(['run', '--help'], 100));
  });

  it.each([['de_DE.UTF-8'], ['fr'], ['pt_BR'], ['ja_JP.UTF-8']])('steps aside for yargs in locale %s, which yargs translates', async (locale) => {
    vi.stubEnv('LC_ALL', locale);
    expect(selectHelp(builtTexts(), ['--help'], undefined, { LC_ALL: locale })).toBeUndefined();
    expect(await yargsPrints(['--help'], 100), 'yargs really translates it').not.toBe(selectHelp(builtTexts(), ['--help'], undefined, ENGLISH));
  });

  it.each([
    [{ LC_ALL: 'de_DE', LANG: 'en_US' }, 'de_DE'],
    [{ LC_ALL: '', LC_MESSAGES: 'fr_FR.UTF-8', LANG: 'en_US' }, 'fr_FR'],
    [{ LANG: 'C.UTF-8', LANGUAGE: 'de' }, 'C'],
    [{ LANGUAGE: 'nl:de' }, 'nl'],
    [{}, 'en_US'],
  ])('reads the locale as yargs does: %j → %s', (env, locale) => {
    expect(yargsLocale(env)).toBe(locale);
  });

  it.each([[['-h']], [['help', 'run']], [['run', '--help', '--wide']], [['run']], [['bogus', '--help']], [[]], [['--version', '--help']]])('leaves %j to yargs', (argv) => {
    expect(prerenderedHelp(argv, undefined, ENGLISH)).toBeUndefined();
  });

  it('is what main prints for --help and run --help', async () => {
    vi.stubEnv('LC_ALL', 'C');
    for (const argv of [['--help'], ['help'], ['run', '--help']]) {
      let stdout = '';
      const code = await main(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true }, env: {}, cwd: '/' });
      expect(code).toBe(0);
      expect(stdout, `kubeknock ${argv.join(' ')}`).toBe(await yargsPrints(argv, Math.min(110, process.stdout.columns ?? 100)));
    }
  });
});
