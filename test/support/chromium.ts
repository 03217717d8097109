/**
 * The real browser the HTML report tests open pages in: Debian's chromium, driven by playwright-core
 * (which never downloads a browser). Provisioned with apt-get when missing and root is at hand, the way
 * global-setup.ts builds BusyBox, so `npm ci && npm test` is enough on a fresh Debian machine. Every
 * request the page makes is recorded and answered only for the report file itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env['KUBEKNOCK_CHROMIUM'] || '/usr/bin/chromium';

/** Flags for a quiet, offline, throwaway browser: nothing it does may reach the network on its own. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium ("sudo apt-get install -y chromium") or point KUBEKNOCK_CHROMIUM at a Chromium binary`);
  }
  process.stderr.write(`npm test: no ${CHROMIUM}; installing Debian's chromium once (apt-get)\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 10 * 60_000 });
  execFileSync('apt-get', ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=300', 'chromium'], { stdio: 'ignore', env, timeout: 20 * 60_000 });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get install chromium finished but left no ${CHROMIUM}`);
}

export interface OpenedPage {
  readonly page: Page;
  /** Every URL the page asked for, the report file itself included. */
  readonly requests: string[];
  /** Console errors and uncaught page errors. */
  readonly errors: string[];
}

export interface BrowserSession {
  open(file: string, options?: { javaScript?: boolean; width?: number; height?: number }): Promise<OpenedPage>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserSession> {
  ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), 'kubeknock-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 1000 } });
  const contexts: Browser[] = [];
  return {
    async open(file, options = {}) {
      const own = `file://${file}`;
      const requests: string[] = [];
      const errors: string[] = [];
      const page = options.javaScript === false ? await (await newBrowser(contexts)).newPage({ javaScriptEnabled: false }) : await context.newPage();
      if (options.width !== undefined) await page.setViewportSize({ width: options.width, height: options.height ?? 1000 });
      await page.route('**/*', (route) => {
        const url = route.request().url();
        requests.push(url);
        return url === own ? route.continue() : route.abort();
      });
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(own, { waitUntil: 'load' });
      return { page, requests, errors };
    },
    async close() {
      for (const browser of contexts) await browser.close();
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A second, plain browser for pages opened with JavaScript off (a persistent context cannot mix). */
async function newBrowser(browsers: Browser[]): Promise<Browser> {
  const existing = browsers[0];
  if (existing) return existing;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  browsers.push(browser);
  return browser;
}
