/**
 * What the end-to-end tests share: a static file server and headless Chromium (Debian's
 * package: `apt-get install chromium`; another binary through CHROMIUM_PATH).
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const MIME: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.map': 'application/json', '.css': 'text/css',
};
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface StaticServer {
  /** http://127.0.0.1:port, no trailing slash. */
  base: string;
  /** Every path requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves the files under `root` as they are (404 for anything missing). `isolated` adds the
 * COOP and COEP headers that make a page cross-origin isolated (shared memory, threads).
 */
export async function serveDirectory(root: string, isolated = false): Promise<StaticServer> {
  const isolation = isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
  const requests: string[] = [];
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname));
    requests.push(path);
    try {
      const body = await readFile(join(root, path));
      response.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream', ...isolation });
      response.end(body);
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { base, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Headless Chromium with nothing running in the background. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Opens `url` and waits until the element #status reads `status`; rejects with the page's
 * errors, or with the status text when the page reports its own failure ("error: ...").
 * `errors` collects the page's uncaught errors and console errors, then and afterwards.
 */
export async function openUntil(browser: Browser, url: string, status: string, timeout = 60_000, errors: string[] = []): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  try {
    await page.waitForFunction((want) => {
      const text = document.getElementById('status')?.textContent ?? '';
      return text === want || text.startsWith('error');
    }, status, { timeout });
  } catch {
    throw new Error(`page did not reach '${status}': ${errors.join('; ')}`);
  }
  const text = await page.locator('#status').textContent();
  if (text !== status) throw new Error(`page reported ${text}; ${errors.join('; ')}`);
  return page;
}
