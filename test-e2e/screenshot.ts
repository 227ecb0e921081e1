/**
 * Opens a page from disk in headless Chromium (Debian's `chromium`) with the network cut
 * off, and takes a screenshot. The report's e2e test uses it, and so does the command that
 * refreshes report/screenshot.png after `npm start`:
 *
 *   npx tsx test-e2e/screenshot.ts report/index.html report/screenshot.png '#accuracy'
 *
 * (the third argument clips the picture to the top of the page: down to the element that
 * CSS selector names, or a height in pixels; without one it is the full page).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface OpenedPage {
  browser: Browser;
  page: Page;
  /** Requests to anything but the file itself, which were refused. */
  blocked: string[];
  /** Errors the page raised. */
  errors: string[];
}

/** Opens `file` at the given viewport width, refusing every request that is not for a file:// URL. */
export async function openFile(file: string, width = 1200): Promise<OpenedPage> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const blocked: string[] = [], errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load' });
  return { browser, page, blocked, errors };
}

/** A PNG of the page: the full page, or its top `height` pixels. */
export async function screenshot(page: Page, path: string, height?: number): Promise<void> {
  if (height === undefined) await page.screenshot({ path, fullPage: true });
  else await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width: page.viewportSize()!.width, height } });
}

const script = process.argv[1];
if (script !== undefined && import.meta.url === pathToFileURL(script).href) {
  const [file, out, height] = process.argv.slice(2); // height: pixels or a CSS selector
  if (!file || !out) {
    console.error('usage: npx tsx test-e2e/screenshot.ts PAGE.html OUT.png [height | selector]');
    process.exitCode = 2;
  } else {
    const { browser, page } = await openFile(file);
    let clip: number | undefined;
    if (height && /^\d+$/.test(height)) clip = Number(height);
    else if (height) clip = Math.ceil(await page.locator(height).evaluate((e) => e.getBoundingClientRect().bottom + window.scrollY + 16));
    await screenshot(page, out, clip);
    await browser.close();
    console.log(`Screenshot: ${out}`);
  }
}
