/**
 * End to end in a real browser: the compiled ES modules (dist/, no bundler) load the .wasm
 * kernels in headless Chromium, train a seeded model there, and must reach bit-identical
 * weights to the same run in Node (plain SIMD build on both sides). Needs Debian's chromium
 * (`apt-get install chromium`); run with `npm run test:e2e`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as nn from '../src/index.js';
// @ts-expect-error: plain JavaScript shared with the page
import { runScenario } from '../web/e2e/scenario.js';
import { gzip, writeIdx } from '../test/helpers/idx.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.map': 'application/json' };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface ScenarioResult {
  info: { name: string; relaxed: boolean };
  loss: number[];
  valAccuracy: number[];
  weights: number[][];
}

let server: Server;
let browser: Browser;
let page: Page;
let base = '';

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts/build-js.mjs')], { cwd: root, stdio: 'inherit' });
  server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname));
    try {
      const body = await readFile(join(root, path));
      response.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/web/e2e/index.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 30_000 }).catch(() => {
    throw new Error(`page did not load: ${errors.join('; ')}`);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('wasmnn in Chromium', () => {
  it('trains a seeded model to the same weights, bit for bit, as Node (plain SIMD build)', async () => {
    const inBrowser = (await page.evaluate((relaxed) => (window as unknown as { runScenario(r: boolean): Promise<unknown> }).runScenario(relaxed), false)) as ScenarioResult;
    const inNode = (await runScenario(nn, false)) as ScenarioResult;
    expect(inBrowser.info).toEqual({ name: 'wasm', relaxed: false });
    expect(inBrowser.loss).toEqual(inNode.loss);
    expect(inBrowser.weights).toEqual(inNode.weights);
    expect(inBrowser.loss[4]).toBeLessThan(inBrowser.loss[0]);
  });

  it('loads the relaxed-SIMD (FMA) build where the browser has it, and trains to within rounding of Node', async () => {
    const inBrowser = (await page.evaluate((relaxed) => (window as unknown as { runScenario(r: boolean): Promise<unknown> }).runScenario(relaxed), true)) as ScenarioResult;
    const inNode = (await runScenario(nn, false)) as ScenarioResult;
    expect(inBrowser.info.name).toBe('wasm');
    expect(inBrowser.info.relaxed).toBe(true);
    const worst = Math.max(...inBrowser.weights.flatMap((w, i) => w.map((v, j) => Math.abs(v - inNode.weights[i][j]))));
    expect(worst).toBeLessThan(1e-3);
  });

  it('reads a gzip IDX file with DecompressionStream as Node reads it with node:zlib, and rejects a truncated one', async () => {
    const packed = gzip(writeIdx('int16', [3, 100], Array.from({ length: 300 }, (_, i) => (i * 377) % 65536 - 32768)));
    // A string, so that vitest leaves the page's dynamic import alone.
    const inBrowser = (await page.evaluate(`(async (bytes) => {
      const { data: { readIdx } } = await import('/dist/src/index.js');
      const { shape, data } = await readIdx(new Uint8Array(bytes));
      const error = await readIdx(new Uint8Array(bytes.slice(0, bytes.length - 8))).then(() => '', (e) => e.name + ': ' + e.message);
      return { shape, data: Array.from(data), type: data.constructor.name, error };
    })(${JSON.stringify(Array.from(packed))})`)) as { shape: number[]; data: number[]; type: string; error: string };
    const inNode = await nn.data.readIdx(packed);
    expect(inBrowser.shape).toEqual([3, 100]);
    expect(inBrowser.type).toBe('Int16Array');
    expect(inBrowser.data).toEqual(Array.from(inNode.data));
    expect(inBrowser.error).toMatch(/^DataError: readIdx: the gzip data is corrupt or truncated/);
  });
});
