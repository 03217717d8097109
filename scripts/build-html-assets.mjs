/**
 * Part of `npm run build`: bundles what the HTML report inlines into dist/report/html-assets.json, so a
 * report opens offline with no request of any kind. cytoscape and cytoscape-dagre (MIT) come from
 * node_modules; the viewer and the style sheet from src/report/html. The script gets its SHA-256,
 * which the page's Content-Security-Policy names instead of allowing every inline script.
 * Their licences go to dist/report/THIRD-PARTY-LICENSES.txt.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const read = (path) => readFileSync(path, 'utf8');
const packageDir = (name) => join(repo, 'node_modules', name);

const vendors = ['cytoscape', 'cytoscape-dagre'].map((name) => {
  const dir = packageDir(name);
  const { version, license } = JSON.parse(read(join(dir, 'package.json')));
  const file = name === 'cytoscape' ? 'dist/cytoscape.min.js' : 'dist/cytoscape-dagre.min.js';
  return { name, version, license, code: read(join(dir, file)), licenseText: read(join(dir, 'LICENSE')) };
});

const script = [...vendors.map((vendor) => vendor.code), read(join(repo, 'src/report/html/viewer.js'))].join('\n;\n');
// Inside <script> the HTML parser ends the element at "</script" and changes state at "<!--": the
// bundle must contain neither, or the page would break (or worse) at that point.
if (/<\/script|<!--/i.test(script)) throw new Error('build-html-assets: the script bundle contains "</script" or "<!--"; it cannot be inlined as is');
const style = read(join(repo, 'src/report/html/page.css'));
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('base64');

const out = join(repo, 'dist/report');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'html-assets.json'),
  JSON.stringify({
    script,
    scriptSha256: sha256(script),
    style,
    libraries: vendors.map(({ name, version, license }) => ({ name, version, license })),
  }),
);
writeFileSync(join(out, 'THIRD-PARTY-LICENSES.txt'), vendors.map((vendor) => `${vendor.name} ${vendor.version} (${vendor.license})\n\n${vendor.licenseText.trim()}\n`).join('\n\n'));
