/**
 * The scripts and style `-o html` inlines, bundled by `npm run build` (scripts/build-html-assets.mjs)
 * into dist/report/html-assets.json. This file sits two levels below the package root both as
 * src/app/*.ts (tests) and as dist/app/*.js (the CLI), so one relative path finds the bundle from both.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { InfraError } from '../model/errors.js';
import type { HtmlAssets } from '../report/html/page.js';

const BUNDLE = new URL('../../dist/report/html-assets.json', import.meta.url);

let loaded: Promise<HtmlAssets> | undefined;

export function loadHtmlAssets(): Promise<HtmlAssets> {
  loaded ??= readBundle();
  return loaded;
}

async function readBundle(): Promise<HtmlAssets> {
  const path = fileURLToPath(BUNDLE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InfraError(`-o html: cannot read the bundled report scripts ${path} (${(error as Error).message}); build them with "npm run build"`, { cause: error, causeSummarized: true });
  }
  const bundle = parsed as Partial<Record<keyof HtmlAssets, unknown>>;
  const { script, scriptSha256, style } = bundle;
  if (typeof script !== 'string' || typeof scriptSha256 !== 'string' || typeof style !== 'string') {
    throw new InfraError(`-o html: ${path} is not a bundle of report scripts (script, scriptSha256, style); rebuild it with "npm run build"`);
  }
  return { script, scriptSha256, style };
}

/** `{ htmlAssets }` when one of `formats` is html, else nothing: the other formats never read the bundle. */
export async function htmlAssetsFor(formats: readonly string[]): Promise<{ readonly htmlAssets?: HtmlAssets }> {
  return formats.includes('html') ? { htmlAssets: await loadHtmlAssets() } : {};
}
