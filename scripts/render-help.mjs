/**
 * Build step (`npm run build` runs it after tsc): renders the help texts with the built parser into
 * dist/cli/help-texts.json (src/cli/help-render.ts says what and why), so `kubeknock --help` prints
 * them without loading yargs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// yargs takes its locale from the environment: the texts are the English ones, whatever the builder's
// LANG (the fast path serves only locales that print these).
process.env.LC_ALL = 'C';
const { renderHelpTexts } = await import('../dist/cli/help-render.js');
const { HELP_TEXTS_FILE } = await import('../dist/cli/help-texts.js');

const file = fileURLToPath(HELP_TEXTS_FILE);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify(await renderHelpTexts(process.env)));
