/**
 * The HTML report in a real Chromium (Debian's, driven by playwright-core): reports of the microshop
 * run --discover, the three-tier diff and a multi-step run, written by the built CLI's own code path
 * (`kubeknock report … -o html`, `kubeknock diff -o html`), opened from file://. The graph must hold
 * exactly the report's parties and cells, a failure must look like one, a click must show the raw
 * outcome, and the page must make no request and log no error. Screenshots are checked for content;
 * UPDATE_GOLDEN=1 also copies them to docs/ for the README.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../../src/model/report.js';
import { REPO, runCli } from '../../support/cli.js';
import { launchBrowser, type BrowserSession } from '../../support/chromium.js';
import { check, report } from '../builders.js';
import { loadHtmlAssets } from '../../../src/app/html-assets.js';
import { renderReports } from '../../../src/report/format.js';
import { largeOpenRun, microshopReport, saveJson } from './fixtures.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const scratch = mkdtempSync(join(tmpdir(), 'kk-html-'));
let browser: BrowserSession;

beforeAll(async () => {
  browser = await launchBrowser();
}, 20 * 60_000);
afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function htmlOf(json: string, name: string): Promise<string> {
  const out = join(scratch, name);
  const { code, stderr } = await runCli(['report', json, '-o', 'html', '--out', out]);
  expect(code, `kubeknock report -o html should exit 0 (stderr: ${stderr})`).toBe(0);
  return out;
}

/** Waits (bounded) until the viewer has drawn and laid out the graph. */
async function drawn(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const api = (globalThis as unknown as { kubeknock?: { cy(): { nodes(): { length: number } } | null } }).kubeknock;
    return api !== undefined && api.cy() !== null;
  }, null, { timeout: 20_000 });
}

interface Drawn {
  readonly nodes: number;
  readonly edges: number;
}

async function counts(page: Page): Promise<Drawn> {
  return page.evaluate(() => {
    const cy = (globalThis as unknown as { kubeknock: { cy(): { nodes(s: string): { length: number }; edges(): { length: number } } } }).kubeknock.cy();
    return { nodes: cy.nodes('[!isNamespace]').length, edges: cy.edges().length };
  });
}

/** Distinct colours of a PNG, counted by the browser itself in a blank page (no request, no decoder of ours). */
async function distinctColours(png: Buffer): Promise<number> {
  const { page } = await browser.open(join(scratch, 'blank.html'));
  // A string, evaluated in the page: the test's TypeScript knows no DOM.
  const count = `(async () => {
    const image = new Image();
    image.src = 'data:image/png;base64,${png.toString('base64')}';
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set();
    for (let i = 0; i < pixels.length; i += 4) seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    return seen.size;
  })()`;
  return page.evaluate<number>(count);
}

/** The parties a run report knocks on, by its own labels: sources, and targets without their door. */
function expectedNodes(run: RunReport): number {
  const party = (label: string): string => label.replace(/ \((ipv4|ipv6)\)$/, '').replace(/ \(ClusterIP\)$/, '').replace(/:\d+(\/udp)?$/, '');
  return new Set([...run.checks.map((c) => c.from), ...run.checks.map((c) => party(c.to))]).size;
}

function expectedCells(run: RunReport): number {
  return new Set(run.checks.map((c) => `${c.from}\u0000${c.to}`)).size;
}

describe('the HTML report in Chromium', () => {
  beforeAll(() => writeFileSync(join(scratch, 'blank.html'), '<!doctype html><title>blank</title>'));

  it('draws the microshop run --discover report: one node per party, one edge per cell, the failure as a failure, offline', async () => {
    const run = await microshopReport({ failing: 5 });
    const failed = run.checks.filter((c) => c.status === 'fail');
    expect(failed, 'the fixture has exactly one failing check').toHaveLength(1);
    const file = await htmlOf(saveJson(scratch, 'microshop.json', run), 'microshop.html');
    const { page, requests, errors } = await browser.open(file);
    await drawn(page);
    const drawnCounts = await counts(page);
    expect(drawnCounts.nodes, 'graph nodes = the report\'s actors and targets').toBe(expectedNodes(run));
    expect(drawnCounts.edges, 'graph edges = the report\'s matrix cells').toBe(expectedCells(run));
    const bad = failed[0] as RunReport['checks'][number];
    const edge = await page.evaluate(({ from, to }) => {
      const api = (globalThis as unknown as { kubeknock: { data: { sections: { nodes: { id: string; label: string }[]; edges: { id: string; from: string; checks: { name: string }[] }[] }[] }; cy(): { getElementById(id: string): { data(key: string): string; style(key: string): string; renderedMidpoint(): { x: number; y: number } } } } }).kubeknock;
      const found = api.data.sections[0]?.edges.find((e) => e.from === `actor:${from}` && e.checks.some((c) => c.name.includes(to)));
      if (!found) return undefined;
      const element = api.cy().getElementById(found.id);
      return { id: found.id, result: element.data('result'), colour: element.style('line-color'), mid: element.renderedMidpoint() };
    }, { from: bad.from, to: bad.to });
    expect(edge, `an edge for the failing check ${bad.from} → ${bad.to}`).toBeDefined();
    expect(edge?.result, 'the failing cell is drawn as failed').toMatch(/^failed-/);
    expect(edge?.colour, 'in the failure colour').toMatch(/^rgb\((224,49,49|194,37,92)\)$/);
    expect(await page.locator('#matrix td[data-result^="failed-"]').count(), 'the matrix shows the same failed cell').toBe(1);

    // "failures only" leaves the failing edge alone in the picture; a real click on its midpoint then
    // opens its checks, with the raw outcome and the attempts.
    await page.getByLabel('failures only').check();
    await expect.poll(() => page.locator('.count').textContent()).toMatch(/^1 of \d+ connections shown/);
    const box = await page.locator('#graph').boundingBox();
    expect(box).not.toBeNull();
    await page.evaluate((id) => {
      const cy = (globalThis as unknown as { kubeknock: { cy(): { getElementById(i: string): { renderedMidpoint(): unknown }; center(e: unknown): void } } }).kubeknock.cy();
      cy.center(cy.getElementById(id));
    }, edge?.id ?? '');
    const mid = await page.evaluate((id) => (globalThis as unknown as { kubeknock: { cy(): { getElementById(i: string): { renderedMidpoint(): { x: number; y: number } } } } }).kubeknock.cy().getElementById(id).renderedMidpoint(), edge?.id ?? '');
    await page.mouse.click((box?.x ?? 0) + mid.x, (box?.y ?? 0) + mid.y);
    const panel = page.locator('#panel');
    const outcome = bad.status === 'fail' ? `${bad.outcome.class}: ${bad.outcome.detail}` : '';
    await expect.poll(() => panel.textContent(), { timeout: 5_000 }).toContain(outcome);
    expect(await panel.textContent(), 'the panel shows the attempts count and the raw output').toContain(`attempts${bad.attempts.length}`);
    expect(await panel.locator('pre.attempt').count()).toBe(bad.attempts.length);

    expect(errors, 'no console errors').toEqual([]);
    expect(requests, 'no request but the file itself').toEqual([`file://${file}`]);
    // The whole picture again, the failing edge's checks still open beside it.
    await page.getByLabel('failures only').uncheck();
    const shot = await page.screenshot({ fullPage: true });
    expect(await distinctColours(shot), 'the screenshot has a drawing in it, not a blank page').toBeGreaterThan(200);
    const path = join(scratch, 'report-microshop.png');
    writeFileSync(path, shot);
    if (UPDATE) copyFileSync(path, join(REPO, 'docs/report-microshop.png'));
  }, 120_000);

  it('draws the three-tier diff: every party a node, the cut connections red, the unchanged ones grey', async () => {
    const { code, stdout, stderr } = await runCli(['diff', '--to', 'scenarios/three-tier/policies.yaml', '--scenario', 'scenarios/three-tier.yaml', '-o', 'html']);
    expect(code, `diff exits 1 when connections are cut (stderr: ${stderr})`).toBe(1);
    const json = await runCli(['diff', '--to', 'scenarios/three-tier/policies.yaml', '--scenario', 'scenarios/three-tier.yaml', '-o', 'json']);
    const result = JSON.parse(json.stdout) as { parties: unknown[]; cut: { from: string; to: string }[]; opened: { from: string; to: string }[] };
    const file = join(scratch, 'diff.html');
    writeFileSync(file, stdout);
    const { page, requests, errors } = await browser.open(file);
    await drawn(page);
    const drawnCounts = await counts(page);
    expect(drawnCounts.nodes, 'one node per party').toBe(result.parties.length);
    const pairs = (list: { from: string; to: string }[]): number => new Set(list.map((c) => `${c.from}\u0000${c.to}`)).size;
    // The JSON lists changes only; the page's own summary counts the pairs open before and after.
    const unchanged = Number(await page.locator('table.summary tr', { hasText: 'open before and after' }).locator('td').textContent());
    expect(unchanged, 'three-tier keeps some connections open (frontend → backend)').toBeGreaterThan(0);
    expect(drawnCounts.edges, 'one edge per changed source → destination pair, and one per pair open before and after').toBe(pairs(result.cut) + pairs(result.opened) + unchanged);
    const colours = await page.evaluate(() => (globalThis as unknown as { kubeknock: { cy(): { edges(): { map<T>(f: (e: { data(k: string): string; style(k: string): string }) => T): T[] } } } }).kubeknock.cy().edges().map((e) => `${e.data('result')} ${e.style('line-color')}`));
    expect(new Set(colours), 'cut edges are red, unchanged ones grey').toEqual(new Set(['cut rgb(224,49,49)', 'unchanged rgb(206,212,218)']));
    expect(await page.locator('.legend').textContent(), 'the legend names the grey edges').toContain('unchanged: allowed before and after');
    expect(await page.getByLabel('unchanged connections').isChecked(), 'a small diff starts with its unchanged pairs drawn (a large one without)').toBe(true);
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
    const shot = await page.screenshot({ fullPage: true });
    expect(await distinctColours(shot)).toBeGreaterThan(200);
    writeFileSync(join(scratch, 'diff-three-tier.png'), shot);
    if (UPDATE) copyFileSync(join(scratch, 'diff-three-tier.png'), join(REPO, 'docs/diff-three-tier.png'));
  }, 120_000);

  it('draws the microshop discover plan and the predict table, offline and without errors', async () => {
    const plan = join(scratch, 'plan.html');
    const discovered = await runCli(['discover', '-f', 'examples/microshop/app.yaml', '-f', 'examples/microshop/policies.yaml', '--report', plan]);
    expect(discovered.code, discovered.stderr).toBe(0);
    expect(discovered.stderr).toContain(`plan drawn in ${plan}`);
    const predicted = await runCli(['predict', '-f', 'examples/microshop/app.yaml', '-f', 'examples/microshop/policies.yaml', '--port', '8080', '-o', 'html']);
    expect(predicted.code, predicted.stderr).toBe(0);
    const predict = join(scratch, 'predict.html');
    writeFileSync(predict, predicted.stdout);
    for (const file of [plan, predict]) {
      const { page, requests, errors } = await browser.open(file);
      await drawn(page);
      const drawnCounts = await counts(page);
      expect(drawnCounts.nodes, `${file}: some nodes`).toBeGreaterThan(5);
      expect(drawnCounts.edges, `${file}: some edges`).toBeGreaterThan(3);
      expect(errors, file).toEqual([]);
      expect(requests, file).toEqual([`file://${file}`]);
    }
  }, 60_000);

  it('folds the fully open workloads of a large run into one node per namespace, and expands them on request', async () => {
    const run = largeOpenRun();
    const file = await htmlOf(saveJson(scratch, 'large-open.json', run), 'large-open.html');
    const { page, errors, requests } = await browser.open(file);
    await drawn(page);
    const box = page.getByLabel('collapse fully open workloads');
    expect(await box.isChecked(), 'a large page starts collapsed').toBe(true);
    expect(await counts(page), 'free-1 … free-9 as one node; their 72 + 18 edges as 3').toEqual({ nodes: 4, edges: 6 });
    await box.uncheck();
    await expect.poll(() => counts(page)).toEqual({ nodes: expectedNodes(run), edges: expectedCells(run) });
    expect(await page.locator('#matrix td[data-result^="failed-"]').count(), 'the failure is still one cell').toBe(1);
    await box.check();
    await expect.poll(() => counts(page)).toEqual({ nodes: 4, edges: 6 });
    await page.evaluate(() => (globalThis as unknown as { kubeknock: { showNode(id: string): void } }).kubeknock.showNode('open:free'));
    expect(await page.locator('#panel').textContent(), 'the folded node lists its members').toContain('free/free-9');
    const shot = await page.screenshot({ fullPage: true });
    writeFileSync(join(scratch, 'large-open.png'), shot);
    expect(await distinctColours(shot), 'a drawing, not a blank page').toBeGreaterThan(200);
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
  }, 60_000);

  it('shows a rollout\'s plan above its steps, as text, with and without JavaScript', async () => {
    const steps = readFileSync(join(REPO, 'test/report/golden/steps-run-json.txt'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunReport);
    const plan = 'rollout plan: 3 NetworkPolicies in 3 steps, in the order given\n\nstep 1: NetworkPolicy shop/<b>deny</b> (policies.yaml:1)\n  no verdict changes\n';
    const file = join(scratch, 'rollout.html');
    writeFileSync(file, renderReports('html', steps, { color: false, htmlAssets: await loadHtmlAssets(), plan }));
    for (const javaScript of [false, true]) {
      const { page, errors, requests } = await browser.open(file, { javaScript });
      const text = page.locator('section.plan pre');
      expect(await text.isVisible(), `the plan shows (JavaScript ${javaScript ? 'on' : 'off'})`).toBe(true);
      expect(await text.textContent(), 'as the text it is, markup and all').toBe(plan.trimEnd());
      if (javaScript) {
        await drawn(page);
        expect(await page.locator('input[type=range]').getAttribute('max'), 'the steps below it, on the slider').toBe(String(steps.length - 1));
      }
      expect(errors).toEqual([]);
      expect(requests).toEqual([`file://${file}`]);
    }
  }, 60_000);

  it('shows a multi-step run one step at a time, with a slider', async () => {
    const steps = readFileSync(join(REPO, 'test/report/golden/steps-run-json.txt'), 'utf8');
    const json = join(scratch, 'steps.json');
    writeFileSync(json, steps);
    const file = await htmlOf(json, 'steps.html');
    const { page, errors } = await browser.open(file);
    await drawn(page);
    const slider = page.locator('input[type=range]');
    expect(await slider.getAttribute('max'), 'three steps').toBe('2');
    await slider.fill('2');
    await expect.poll(() => page.locator('.step-name').textContent()).toContain('Step 3/3');
    await expect.poll(() => page.locator('#matrix td[data-result^="failed-"]').count(), { message: 'step 3 has the failing check' }).toBe(1);
    expect(errors).toEqual([]);
  }, 60_000);

  it('keeps a label that says </script> as text: no script runs, the data reads back unchanged', async () => {
    const evil = '</script><script>window.pwned=1</script><!--';
    const run = report([check({ from: 'web', to: `${evil}:80`, expect: 'allow', saw: ['connected'] }), check({ from: evil, to: 'web:80', expect: 'deny', saw: ['connected'] })]);
    const file = await htmlOf(saveJson(scratch, 'evil.json', run), 'evil.html');
    expect(readFileSync(file, 'utf8'), 'the label never appears raw in the page').not.toContain('<script>window.pwned');
    const { page, errors } = await browser.open(file);
    await drawn(page);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned), 'the injected script never ran').toBeUndefined();
    const labels = await page.evaluate(() => (globalThis as unknown as { kubeknock: { data: { sections: { nodes: { label: string }[] }[] } } }).kubeknock.data.sections[0]?.nodes.map((n) => n.label));
    expect(labels).toContain(evil);
    expect(await page.locator('ul.failures').textContent()).toContain(evil);
    expect(errors).toEqual([]);
  }, 60_000);

  it('shows the summary and the failure list without JavaScript', async () => {
    const run = await microshopReport({ failing: 3 });
    const file = await htmlOf(saveJson(scratch, 'nojs.json', run), 'nojs.html');
    const { page, requests } = await browser.open(file, { javaScript: false });
    expect(await page.locator('table.summary').first().isVisible()).toBe(true);
    expect(await page.locator('ul.failures li').count(), 'one line per failing check').toBe(1);
    expect(await page.locator('noscript').count()).toBe(1);
    expect(requests).toEqual([`file://${file}`]);
  }, 60_000);
});
