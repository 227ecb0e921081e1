/**
 * End to end in a real browser: the compiled ES modules (dist/, no bundler) load the .wasm
 * kernels in headless Chromium, train a seeded model there, and must reach bit-identical
 * weights to the same run in Node (plain SIMD build on both sides). Needs Debian's chromium
 * (`apt-get install chromium`); run with `npm run test:e2e`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as nn from '../src/index.js';
import { serveDirectory, type StaticServer } from '../test/helpers/static-server.js';
// @ts-expect-error: plain JavaScript shared with the page
import { runScenario } from '../web/e2e/scenario.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface ScenarioResult {
  info: { name: string; relaxed: boolean };
  loss: number[];
  valAccuracy: number[];
  weights: number[][];
}

let server: StaticServer;
let browser: Browser;
let page: Page;
let base = '';

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts/build-js.mjs')], { cwd: root, stdio: 'inherit' });
  server = await serveDirectory(root);
  base = server.base;
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
  await server?.close();
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

  it('loads a model saved by Node from its URL, fetching weights.bin beside it, and predicts bit for bit the same', async () => {
    await nn.setBackend('wasm', { relaxed: false });
    const model = nn.sequential([
      nn.layers.dense({ units: 16, activation: 'relu', inputShape: [3] }),
      nn.layers.batchNormalization({ momentum: 0.9 }),
      nn.layers.dense({ units: 2, activation: 'softmax' }),
    ], { seed: 77 });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const x = Array.from({ length: 32 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 5) / 5]);
    await model.fit(x, x.map((row) => (row[0] > 0 ? 1 : 0)), { epochs: 2, batchSize: 8, verbose: 0 });
    await model.save(join(root, 'dist', 'e2e-model')); // served by the test server, under dist/
    const inNode = Array.from(model.predict(x).data);
    // As source text: vitest would rewrite a dynamic import() inside a function.
    const inBrowser = await page.evaluate(`(async () => {
      const web = await import('/dist/src/index.js');
      await web.setBackend('wasm', { relaxed: false });
      const loaded = await web.loadModel('/dist/e2e-model/model.json');
      return Array.from(loaded.predict(${JSON.stringify(x)}).data);
    })()`);
    expect(inBrowser).toEqual(inNode);
  });

  it('loads the relaxed-SIMD (FMA) build where the browser has it, and trains to within rounding of Node', async () => {
    const inBrowser = (await page.evaluate((relaxed) => (window as unknown as { runScenario(r: boolean): Promise<unknown> }).runScenario(relaxed), true)) as ScenarioResult;
    const inNode = (await runScenario(nn, false)) as ScenarioResult;
    expect(inBrowser.info.name).toBe('wasm');
    expect(inBrowser.info.relaxed).toBe(true);
    const worst = Math.max(...inBrowser.weights.flatMap((w, i) => w.map((v, j) => Math.abs(v - inNode.weights[i][j]))));
    expect(worst).toBeLessThan(1e-3);
  });
});
