/**
 * The help texts `npm run build` renders with the real parser (scripts/render-help.mjs) into
 * dist/cli/help-texts.json, so a plain help request is answered without loading yargs. This file sits
 * two levels below the package root both as src/cli/*.ts (tests) and as dist/cli/*.js (the CLI), so
 * one relative path finds the texts from both.
 */
import { readFileSync } from 'node:fs';

export const HELP_TEXTS_FILE = new URL('../../dist/cli/help-texts.json', import.meta.url);

/** Width yargs wrapped to (as a decimal string) → key of the argv (helpKey) → the exact stdout of that run. */
export type HelpTexts = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** One key per argv: JSON keeps ["run --help"] apart from ["run", "--help"]. */
export function helpKey(argv: readonly string[]): string {
  return JSON.stringify(argv);
}

/**
 * The built texts, or undefined when there are none or they are not in this shape (a checkout built
 * without the render step): the caller then asks yargs, which is always right, only slower.
 */
export function readHelpTexts(): HelpTexts | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(HELP_TEXTS_FILE, 'utf8'));
  } catch {
    return undefined;
  }
  return isHelpTexts(parsed) ? parsed : undefined;
}

function isHelpTexts(value: unknown): value is HelpTexts {
  return isRecord(value) && Object.values(value).every((texts) => isRecord(texts) && Object.values(texts).every((text) => typeof text === 'string'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
