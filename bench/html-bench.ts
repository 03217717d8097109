/**
 * HTML report benchmark: a 1,000-workload discover plan (50 namespaces × 20 Deployments with Services,
 * a default deny and three allow rules per namespace) drawn as the self-contained HTML page, then
 * opened in Debian's Chromium (playwright-core, offline). Prints the file size (raw and gzipped), the
 * generation time, first paint and first contentful paint, the time until the graph is laid out, and
 * how long a filter takes to apply. Run with `npm run bench:html`; the manifests are deterministic.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { discover } from '../src/app/discover.js';
import { loadHtmlAssets } from '../src/app/html-assets.js';
import { DEFAULT_ENGINE_OPTIONS } from '../src/policy/index.js';
import { graphOfPlan } from '../src/report/graph/from-plan.js';
import { renderHtml } from '../src/report/html/page.js';
import { launchBrowser } from '../test/support/chromium.js';

const NAMESPACES = 50;
const PER_NAMESPACE = 20;
const ROLES = ['web', 'api', 'worker', 'db'] as const;

function manifests(n: number): string {
  const ns = `team-${String(n).padStart(2, '0')}`;
  const docs: unknown[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { zone: n % 2 === 0 ? 'a' : 'b' } } }];
  for (let w = 0; w < PER_NAMESPACE; w += 1) {
    const name = `app-${String(w).padStart(2, '0')}`;
    const role = ROLES[w % ROLES.length] ?? 'web';
    docs.push(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { namespace: ns, name },
        spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name, role } }, spec: { containers: [{ name: 'main', image: 'example/app:1', ports: [{ containerPort: 8080 }] }] } } },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } },
    );
  }
  const policy = (name: string, spec: unknown): unknown => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name }, spec });
  docs.push(
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress'] }),
    policy('web-from-zone', { podSelector: { matchLabels: { role: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { zone: n % 2 === 0 ? 'a' : 'b' } } }] }] }),
    policy('api-from-web', { podSelector: { matchLabels: { role: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'web' } } }] }] }),
    policy('db-from-api', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'api' } } }], ports: [{ port: 8080 }] }] }),
  );
  return docs.map((doc) => stringify(doc)).join('---\n');
}

const dir = mkdtempSync(join(tmpdir(), 'kubeknock-html-bench-'));
const browser = await launchBrowser();
try {
  for (let n = 0; n < NAMESPACES; n += 1) writeFileSync(join(dir, `team-${n}.yaml`), manifests(n));
  const started = performance.now();
  const { plan } = await discover({
    source: { type: 'files', paths: [dir], cwd: dir },
    inputs: [dir],
    selection: { namespaces: [], excludeNamespaces: [] },
    plan: { exhaustive: false, snapshot: true, externals: [], dnsName: 'kubernetes.default.svc.cluster.local.' },
    engine: DEFAULT_ENGINE_OPTIONS,
    scenarioName: 'bench',
  });
  const planned = performance.now();
  const html = renderHtml(graphOfPlan(plan), await loadHtmlAssets());
  const rendered = performance.now();
  const file = join(dir, 'plan.html');
  writeFileSync(file, html);
  const [section] = graphOfPlan(plan).sections;
  const { page, requests, errors } = await browser.open(file);
  await page.waitForFunction(() => (globalThis as unknown as { kubeknock?: { cy(): unknown } }).kubeknock?.cy() != null, null, { timeout: 120_000 });
  const timing = await page.evaluate<{ paint: number; contentful: number; ready: number }>(`(() => {
    const paint = performance.getEntriesByType('paint');
    const at = (name) => Math.round(paint.find((entry) => entry.name === name)?.startTime ?? -1);
    return { paint: at('first-paint'), contentful: at('first-contentful-paint'), ready: Math.round(performance.now()) };
  })()`);
  const filterStart = Date.now();
  await page.getByPlaceholder('focus on a workload…').fill('team-07');
  await page.waitForFunction(() => /connections shown/.test(String((globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('.count')?.textContent)));
  const filterMs = Date.now() - filterStart;
  const mb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(`workloads: ${plan.actors.length} identities in ${plan.classCount} classes; ${plan.checks.length} planned checks`);
  console.log(`graph: ${section?.nodes.length ?? 0} nodes, ${section?.edges.length ?? 0} edges (${section?.omittedEdges ?? 0} over the cap)`);
  console.log(`generation: discover plan ${((planned - started) / 1000).toFixed(2)} s, graph + HTML ${((rendered - planned) / 1000).toFixed(2)} s`);
  console.log(`file: ${mb(Buffer.byteLength(html))} (${mb(gzipSync(html).length)} gzipped)`);
  console.log(`chromium: first paint ${timing.paint} ms, first contentful paint ${timing.contentful} ms, graph laid out by ${timing.ready} ms; a focus filter applied in ${filterMs} ms`);
  console.log(`requests: ${requests.length} (${requests.every((url) => url === `file://${file}`) ? 'the file only' : requests.join(', ')}); console errors: ${errors.length}`);
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
