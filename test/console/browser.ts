import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/services.sh installs it); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the browser tests leave a screenshot of each page (README: "Web console"). */
export const SCREENSHOTS = resolve('test-output/screenshots');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Script errors, 5xx answers and failed requests the page saw. */
  problems: string[];
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile, and one page in it. */
export async function openBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'terrawatch-chromium-'));
  await mkdir(SCREENSHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1100, height: 760 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  // Expected 4xx answers (401 before signing in, a wrong password) show as console errors too: those are left out.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => r.status() >= 500 && problems.push(`${r.status()} from ${r.url()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until the canvas in `selector` has at least `min` non-transparent pixels; returns how many it has. */
export async function waitForPaint(
  page: Page,
  selector: string,
  min = 100,
  timeout = 20_000,
): Promise<number> {
  // Runs in the page, passed as a function (a string would need 'unsafe-eval', which the app's CSP refuses). This
  // project's TypeScript has no DOM types, hence the loose ones.
  type Canvas = {
    width: number;
    height: number;
    getContext(kind: '2d'): { getImageData(...a: number[]): { data: Uint8ClampedArray } } | null;
  };
  const handle = await page.waitForFunction(
    ({ selector, min }) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): Canvas | null } })
        .document;
      const canvas = doc.querySelector(selector);
      const ctx = canvas && canvas.width > 0 ? canvas.getContext('2d') : null;
      if (!canvas || !ctx) return false;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted >= min ? painted : false;
    },
    { selector, min },
    { timeout, polling: 200 },
  );
  return (await handle.jsonValue()) as number;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
